"""Tests of vemgorvad.graph.extract: documents added to the corpus enter the graph.

Real components throughout: a corpus folder in tmp_path holding the memo, two statutes
and a small Markdown note, loaded by the corpus loader, built by build_graph and then
linked by link_mentions. No code or curated data is changed for the new documents.
"""

from __future__ import annotations

import shutil
import time
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, SKOS

from vemgorvad import settings
from vemgorvad.corpus.load import load_corpus
from vemgorvad.corpus.model import Document
from vemgorvad.graph.build import build_graph, facts_files, validate
from vemgorvad.graph.extract import ExtractionReport, link_mentions
from vemgorvad.legal import parse
from vemgorvad.vocab import ACTOR, LAGEN, LAW, VGV, document_iri, passage_iri

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
REALDOCS = SHARED / "realdocs"
CORPUS = settings.ROOT / "corpus"
MEMO = "SCN-2022-00355"

NOTE = """# Tillsyn och stöd till brottsoffer

Inspektionen för vård och omsorg granskar socialtjänstens arbete med barn som far illa.
Brottsoffermyndigheten ger stöd till brottsoffer och förvaltar Brottsofferfonden.

Jämställdhetsmyndighetens uppdrag är att samordna arbetet mot människohandel, och
Länsstyrelsen i Uppsala län stödjer samordningen i länet. Socialstyrelsens föreskrifter
gäller för socialnämnden.

Myndigheten ska varje år redovisa arbetet till nämnden.
"""


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> list[Document]:
    """The memo, SFS 2017:937 from shared/realdocs, the other statutes and a small note.

    The statutes the curated facts quote must be there for the build; the instruction
    and the note are read as any later document would be.
    """
    root = tmp_path_factory.mktemp("corpus")
    for name in (f"{MEMO}.txt", f"{MEMO}.txt.meta.json"):
        shutil.copy(CORPUS / name, root / name)
    (root / "sfs").mkdir()
    instruction = "sfs_2017-937_instruktion_jamstalldhetsmyndigheten.txt"
    shutil.copy(REALDOCS / instruction, root / "sfs")
    for statute in sorted((CORPUS / "sfs").glob("*.txt")):
        if statute.name != instruction:
            shutil.copy(statute, root / "sfs")
    (root / "tillsyn.md").write_text(NOTE, encoding="utf-8")
    report = load_corpus(root, strict=True)
    return report.documents


@pytest.fixture(scope="module")
def built(corpus: list[Document]) -> tuple[Graph, Graph, ExtractionReport]:
    """The graph before linking (a copy) and after, with the report."""
    graph = build_graph(corpus)
    before = Graph()
    for triple in graph:
        before.add(triple)
    report = link_mentions(graph, corpus)
    return before, graph, report


def _passages(graph: Graph, document_id: str) -> list[URIRef]:
    document = document_iri(document_id)
    return [p for p in graph.subjects(RDF.type, VGV.Passage) if (p, None, document) in graph]


def _note_passage(graph: Graph, corpus: list[Document], words: str) -> URIRef:
    note = next(d for d in corpus if d.path == "tillsyn.md")
    return passage_iri(next(p.id for p in note.passages if words in p.text))


def _labelled(graph: Graph, label: str) -> list[URIRef]:
    return [s for s in graph.subjects(SKOS.prefLabel, Literal(label, lang="sv"))]


# --- actors ------------------------------------------------------------------------------


def test_statute_passages_mention_the_curated_agency(built) -> None:
    _, graph, _ = built
    agency = ACTOR["jamstalldhetsmyndigheten"]
    linked = {str(graph.value(p, VGV.passageId)) for p in graph.subjects(VGV.mentions, agency)}
    assert "SFS 2017:937 1 §" in linked  # "Jämställdhetsmyndigheten är förvaltningsmyndighet …"
    assert "SFS 2017:937 4 §" in linked  # "Myndigheten ska även …" in the agency's instruction
    assert len({i for i in linked if i.startswith("SFS 2017:937")}) >= 10


def test_unknown_organisations_become_extracted_nodes(built, corpus) -> None:
    _, graph, report = built
    passage = _note_passage(graph, corpus, "Inspektionen")
    for label in ("Inspektionen för vård och omsorg", "Brottsoffermyndigheten"):
        (node,) = _labelled(graph, label)
        assert str(node) in report.new_actors
        assert (node, RDF.type, VGV.Actor) in graph
        assert (node, PROV.wasGeneratedBy, VGV.extractor) in graph
        assert (node, VGV.actorKind, VGV.StateActor) in graph
        confidence = graph.value(node, VGV.confidence)
        assert isinstance(confidence.toPython(), Decimal) and 0 < confidence.toPython() < 1
        assert (passage, VGV.mentions, node) in graph
    (county,) = _labelled(graph, "Länsstyrelsen i Uppsala län")
    assert (county, VGV.actorKind, VGV.RegionalActor) in graph
    assert not _labelled(graph, "Brottsofferfonden")


def test_an_extracted_public_body_is_also_named_in_english(built) -> None:
    # the body's own English name, so that an English question finds it; a name the list
    # does not hold gets none (nothing is made up)
    _, graph, _ = built
    (inspectorate,) = _labelled(graph, "Inspektionen för vård och omsorg")
    english = Literal("Health and Social Care Inspectorate", lang="en")
    assert (inspectorate, SKOS.prefLabel, english) in graph
    (county,) = _labelled(graph, "Länsstyrelsen i Uppsala län")
    assert not [o for o in graph.objects(county, SKOS.prefLabel) if o.language == "en"]


def test_a_name_used_in_several_documents_is_one_node(built) -> None:
    _, graph, _ = built
    # the note and socialtjänstlagen both name it, the statute also in the genitive
    (node,) = _labelled(graph, "Inspektionen för vård och omsorg")
    documents = {
        graph.value(p, VGV.passageId).split(" ")[0] for p in graph.subjects(VGV.mentions, node)
    }
    assert {"SFS", "tillsyn"} <= {d.split("#")[0] for d in documents}


def test_inflected_forms_are_the_curated_node(built, corpus) -> None:
    _, graph, _ = built
    passage = _note_passage(graph, corpus, "Jämställdhetsmyndighetens")
    assert (passage, VGV.mentions, ACTOR["jamstalldhetsmyndigheten"]) in graph
    assert (passage, VGV.mentions, ACTOR["socialstyrelsen"]) in graph
    assert (passage, VGV.mentions, ACTOR["socialnamnden"]) in graph
    extracted = set(graph.subjects(PROV.wasGeneratedBy, VGV.extractor))
    labels = {str(graph.value(node, SKOS.prefLabel)).casefold() for node in extracted}
    assert not labels & {"jämställdhetsmyndigheten", "jämställdhetsmyndighetens", "socialstyrelsen"}


def test_curated_nodes_gain_no_label_or_type(built) -> None:
    before, graph, _ = built
    for predicate in (SKOS.prefLabel, RDF.type):
        for subject in set(before.subjects()):
            assert set(graph.objects(subject, predicate)) == set(before.objects(subject, predicate))


def test_ambiguous_words_link_only_where_the_curated_data_uses_them(built, corpus) -> None:
    _, graph, _ = built
    passage = _note_passage(graph, corpus, "Myndigheten ska")
    assert not list(graph.objects(passage, VGV.mentions))  # "Myndigheten", "nämnden"
    committee = ACTOR["socialnamnden"]
    home = {  # the documents whose curated facts are about socialnämnden
        graph.value(fact, VGV.inDocument)
        for fact in graph.subjects(None, committee)
        if graph.value(fact, VGV.inDocument) is not None
    }
    assert document_iri(MEMO) in home
    by_alias = [
        m
        for m in graph.subjects(VGV.entity, committee)
        if str(graph.value(m, VGV.matchedText)).casefold() == "nämnden"
    ]
    documents = {graph.value(graph.value(m, VGV.passage), DCTERMS.isPartOf) for m in by_alias}
    assert document_iri(MEMO) in documents
    assert documents <= home


# --- legal references --------------------------------------------------------------------


def test_memo_passages_cite_its_regulations(built) -> None:
    _, graph, _ = built
    cited = {t for p in _passages(graph, MEMO) for t in graph.objects(p, VGV.cites)}
    expected = {
        LAGEN["2001:453"],
        URIRef("https://lagen.nu/sosfs/2014:4"),
        URIRef("https://lagen.nu/skr/2016/17:10"),
        LAGEN["2018:1197"],
        LAGEN["1962:700"],
        URIRef("https://lagen.nu/ext/celex/32003R2201"),  # the curated "Bryssel II-förordningen"
        LAW["1996-ars-haagkonvention"],  # the curated node, whatever slug the parser has
        LAW["palermoprotokollet"],
    }
    assert expected <= cited
    assert all((t, RDF.type, VGV.Regulation) in graph for t in cited)


def test_statute_passages_cite_their_own_sections(built) -> None:
    _, graph, _ = built
    own = [
        (p, t)
        for p in _passages(graph, "SFS 2001:453")
        for t in graph.objects(p, VGV.cites)
        if str(t).startswith("https://lagen.nu/2001:453#")
    ]
    assert len(own) > 50
    for passage, provision in own:
        assert (provision, RDF.type, VGV.Provision) in graph
        assert (provision, VGV.passage, passage) not in graph  # no section cites itself
    # "11 kap. 1 §" cited from another section resolves against the statute itself
    assert any(t == LAGEN["2001:453#K11P1"] for _, t in own)


def test_unknown_acts_become_extracted_regulations(built) -> None:
    _, graph, report = built
    act = LAGEN["1990:52"]  # "lagen (1990:52) med särskilda bestämmelser om vård av unga"
    assert str(act) in report.new_regulations
    assert (act, RDF.type, VGV.Regulation) in graph
    assert (act, VGV.regulationKind, VGV.Lag) in graph
    assert (act, VGV.citation, Literal("SFS 1990:52")) in graph
    assert (act, PROV.wasGeneratedBy, VGV.extractor) in graph
    label = str(graph.value(act, SKOS.prefLabel))
    assert label.startswith("Lag (1990:52) med särskilda bestämmelser om vård av unga")


def test_every_link_has_a_qualified_mention(built) -> None:
    _, graph, report = built
    links = list(graph.subject_objects(VGV.mentions)) + list(graph.subject_objects(VGV.cites))
    assert len(links) == report.mentions + report.citations
    qualified = {
        (graph.value(m, VGV.passage), graph.value(m, VGV.entity)): m
        for m in graph.subjects(RDF.type, VGV.Mention)
    }
    for passage, entity in links:
        mention = qualified[(passage, entity)]
        assert (mention, PROV.wasGeneratedBy, VGV.extractor) in graph
        assert str(graph.value(mention, VGV.matchedText))
        assert graph.value(mention, VGV.confidence).datatype == URIRef(
            "http://www.w3.org/2001/XMLSchema#decimal"
        )
        citation = (passage, VGV.cites, entity) in graph
        assert ((mention, RDF.type, VGV.LegalReference) in graph) == citation


# --- the graph as a whole ------------------------------------------------------------------


def test_linking_again_adds_nothing(built, corpus) -> None:
    _, graph, report = built
    size = len(graph)
    again = link_mentions(graph, corpus)
    assert len(graph) == size
    assert not again.new_actors and not again.new_regulations
    assert (again.mentions, again.citations) == (report.mentions, report.citations)


def test_linked_graph_conforms_to_the_shapes(built) -> None:
    _, graph, _ = built
    conforms, text = validate(graph)
    assert conforms, text


def test_extraction_terms_are_curated_turtle() -> None:
    path = settings.ROOT / "vemgorvad" / "graph" / "data" / "extraction.ttl"
    assert path in facts_files()
    terms = Graph().parse(path, format="turtle")
    for term in (
        VGV.mentions,
        VGV.cites,
        VGV.Mention,
        VGV.entity,
        VGV.confidence,
        VGV.matchedText,
        VGV.extractor,
        VGV.LegalReference,
    ):
        languages = {
            label.language
            for label in terms.objects(term, URIRef("http://www.w3.org/2000/01/rdf-schema#label"))
        }
        assert languages == {"sv", "en"}, term


def test_the_real_corpus_is_linked_quickly() -> None:
    documents = load_corpus(CORPUS).documents
    graph = build_graph(documents)
    parse("5 kap. 11 § SoL")  # the citation grammar is compiled once per process
    started = time.process_time()  # CPU time: other processes on the machine do not count
    report = link_mentions(graph, documents)
    seconds = time.process_time() - started
    assert report.passages == sum(len(d.passages) for d in documents)
    assert report.mentions > 400 and report.citations > 300
    assert seconds < 2.0, report.summary()
