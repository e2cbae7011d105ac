"""Building the graph from the real corpus: documents, passages, statutes and provisions,
SHACL validation, and the errors a curator sees for a broken facts file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import rdflib
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDFS, SKOS

from vemgorvad import settings
from vemgorvad.corpus.load import load_corpus
from vemgorvad.corpus.model import Document
from vemgorvad.graph.build import SHAPES, FactError, build_graph, facts_files, validate
from vemgorvad.vocab import ACTOR, FACT, VGV, document_iri, passage_iri

MEMO = "SCN-2022-00355"
SOL = URIRef("https://lagen.nu/2001:453")

PREFIXES = """\
@prefix vgv:  <https://w3id.org/vemgorvad/ns#> .
@prefix fact: <https://w3id.org/vemgorvad/id/fact/> .
@prefix doc:  <https://w3id.org/vemgorvad/id/doc/> .
"""


@pytest.fixture(scope="module")
def documents() -> list[Document]:
    report = load_corpus(settings.ROOT / "corpus")
    assert not report.errors
    return report.documents


@pytest.fixture(scope="module")
def graph(documents: list[Document]) -> Graph:
    return build_graph(documents)


def _count(graph: Graph, node_class: URIRef) -> int:
    return len(set(graph.subjects(RDF.type, node_class)))


def test_facts_files_are_the_curated_turtle_without_shapes() -> None:
    names = {path.name for path in facts_files()}
    assert "facts.ttl" in names
    assert SHAPES.name not in names
    assert all(path.suffix == ".ttl" for path in facts_files())


def test_the_built_graph_conforms_to_the_shapes(graph: Graph) -> None:
    conforms, report = validate(graph)
    assert conforms, report


def _curated() -> Graph:
    """The ontology and the curated Turtle, read by rdflib alone (not by the builder)."""
    curated = Graph()
    curated.parse(settings.ONTOLOGY)
    for path in facts_files():
        curated.parse(path)
    return curated


def _typed(graph: Graph, node_class: URIRef, ontology: Graph) -> set:
    """The nodes of a class or of any of its subclasses (by the ontology)."""
    classes = set(ontology.transitive_subjects(RDFS.subClassOf, node_class))
    return {node for cls in classes for node in graph.subjects(RDF.type, cls)}


def _statute_nodes(documents: list[Document]) -> tuple[set[URIRef], set[URIRef]]:
    """The acts and the § of the statutes in the corpus, from their passage ids alone."""
    section = re.compile(r"^SFS (\S+) (?:(\d+(?: ?[a-z])?) kap\. )?(\d+(?: ?[a-z])?) §$")
    acts, provisions = set(), set()
    for document in documents:
        if document.kind != "statute":
            continue
        act = f"https://lagen.nu/{document.sfs}"
        acts.add(URIRef(act))
        for passage in document.passages:
            match = section.match(passage.id)
            if match:
                chapter, number = (match[2] or "").replace(" ", ""), match[3].replace(" ", "")
                provisions.add(URIRef(f"{act}#{'K' + chapter if chapter else ''}P{number}"))
    return acts, provisions


_MONTHS = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober", "november", "december"]


def _stating_entry_into_force(documents: list[Document]) -> set[URIRef]:
    """The statutes whose text says they enter into force on the date their header gives."""
    out = set()
    for document in documents:
        parts = (document.meta.get("in_force") or "").split("-")
        if len(parts) != 3:
            continue
        year, month, day = parts
        said = f"i kraft den {int(day)} {_MONTHS[int(month) - 1]} {year}"
        if any(said in re.sub(r"\s+", " ", p.text) for p in document.passages):
            out.add(URIRef(f"https://lagen.nu/{document.sfs}"))
    return out


def test_a_statute_that_says_when_it_enters_into_force_gets_that_event(graph: Graph) -> None:
    # socialtjänstlagen's own transitional provisions, not those of its amendments (which
    # say "Denna lag träder i kraft den 1 juli 2006" of the amending act)
    (event,) = [e for e in graph.subjects(VGV.regulation, SOL) if (e, VGV.eventKind, VGV.EnteredIntoForce) in graph]
    assert graph.value(event, VGV.date) == Literal("2002-01-01", datatype=rdflib.XSD.date)
    assert graph.value(event, PROV.wasDerivedFrom) == passage_iri("SFS 2001:453 övergångsbestämmelser 2001:453")
    assert str(graph.value(event, VGV.quote)).startswith("Denna lag träder i kraft den 1 januari 2002")
    said = {(str(s), s.language) for s in graph.objects(event, VGV.statement)}
    assert said == {("trädde i kraft den 1 januari 2002", "sv"), ("came into force on 1 January 2002", "en")}
    assert (event, PROV.wasGeneratedBy, VGV.corpusLoader) in graph
    # a statute whose text never says it (the police instruction as held) gets none
    police = URIRef("https://lagen.nu/2022:1718")
    assert not [e for e in graph.subjects(VGV.regulation, police) if (e, RDF.type, VGV.RegulationEvent) in graph]


def test_counts(graph: Graph, documents: list[Document]) -> None:
    """Every node the build makes is one the curated Turtle or the corpus gives, no more,
    no fewer: counted from the Turtle files and the documents, not from the builder."""
    curated = _curated()
    for node_class in (
        VGV.Actor,
        VGV.TargetGroup,
        VGV.Duty,
        VGV.Relationship,
        VGV.Assessment,
    ):
        assert _typed(graph, node_class, curated) == _typed(curated, node_class, curated)
    events = _typed(graph, VGV.RegulationEvent, curated) - _typed(curated, VGV.RegulationEvent, curated)
    assert {graph.value(e, VGV.regulation) for e in events} == _stating_entry_into_force(documents)
    acts, provisions = _statute_nodes(documents)
    assert len(acts) == 6 and len(provisions) > 300
    assert (
        _typed(graph, VGV.Provision, curated)
        == _typed(curated, VGV.Provision, curated) | provisions
    )
    regulations = _typed(curated, VGV.Regulation, curated) | acts | provisions
    assert _typed(graph, VGV.Regulation, curated) == regulations
    assert _count(graph, VGV.Passage) == sum(len(d.passages) for d in documents)
    assert _count(graph, VGV.Document) == len(documents)


def test_the_readme_graph_table_holds(built: Path) -> None:
    """The README's "What the graph holds" table, row by row, on the build of the corpus."""
    built_graph = Graph()
    built_graph.parse(built / "graph.nt", format="nt")
    ontology = _curated()

    def nodes(node_class: URIRef) -> tuple[int, int]:
        found = _typed(built_graph, node_class, ontology)
        generated = {n for n in found if (n, PROV.wasGeneratedBy, None) in built_graph}
        return len(found), len(generated)

    regulations = _typed(built_graph, VGV.Regulation, ontology)
    provisions = _typed(built_graph, VGV.Provision, ontology)
    whole = regulations - provisions
    measured = {
        "Actors": nodes(VGV.Actor),
        "Regulations": (
            len(whole),
            sum((n, PROV.wasGeneratedBy, None) in built_graph for n in whole),
        ),
        "Provisions": nodes(VGV.Provision),
        "Target groups": nodes(VGV.TargetGroup),
        "Duties": nodes(VGV.Duty),
        "Relationships": nodes(VGV.Relationship),
        "Dated legal events": nodes(VGV.RegulationEvent),
        "Assessments": nodes(VGV.Assessment),
    }
    readme = (settings.ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("## What the graph holds", 1)[1].split("\n\n|", 1)[1].split("\n\n")[0]
    rows = {}
    for line in table.splitlines()[2:]:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        rows[cells[0]] = cells[1:]
    claimed = {}
    for name in measured:
        row = next(cells for label, cells in rows.items() if label.startswith(name))
        claimed[name] = (int(row[0].replace(",", "")), int(row[1].replace(",", "")))
    assert claimed == measured
    documents_row = next(cells for label, cells in rows.items() if label.startswith("Documents"))
    passages = _count(built_graph, VGV.Passage)
    assert documents_row[0] == f"{_count(built_graph, VGV.Document)} / {passages}"
    mentions_row = next(cells for label, cells in rows.items() if label.startswith("Mentions"))
    mentions = len(_typed(built_graph, VGV.Mention, ontology))
    citations = len(_typed(built_graph, VGV.LegalReference, ontology))
    assert mentions_row[0] == f"{mentions} / {citations}"


def test_documents_and_passages(graph: Graph, documents: list[Document]) -> None:
    memo = next(d for d in documents if d.id == MEMO)
    node = document_iri(MEMO)
    assert (node, RDF.type, VGV.Document) in graph
    assert (node, DCTERMS.identifier, Literal(MEMO)) in graph
    assert (node, DCTERMS.date, Literal("2022-05-17", datatype=rdflib.XSD.date)) in graph
    assert graph.value(node, DCTERMS.publisher) == Literal(memo.issuer)
    assert memo.issuer == "Uppsala kommun, Socialförvaltningen"  # from the memo's .meta.json
    first = memo.passages[0]
    passage = passage_iri(first.id)
    assert (passage, VGV.passageId, Literal(first.id)) in graph
    assert (passage, DCTERMS.isPartOf, node) in graph
    assert (passage, VGV.text, Literal(first.text)) in graph
    assert (passage, VGV.ordinal, Literal(0)) in graph


def test_quotes_resolve_to_passages(graph: Graph) -> None:
    fact = FACT["jamy-samordnar-arbetet"]
    passage = graph.value(fact, PROV.wasDerivedFrom)
    assert passage is not None
    assert "1 januari 2018" in str(graph.value(passage, VGV.text))
    assert str(graph.value(passage, VGV.section)) == "Bakgrund"


def test_statute_is_linked_to_its_text_and_provisions(graph: Graph) -> None:
    assert (SOL, VGV.hasText, document_iri("SFS 2001:453")) in graph
    provision = URIRef("https://lagen.nu/2001:453#K5P11")
    assert (provision, RDF.type, VGV.Provision) in graph
    assert (provision, RDF.type, VGV.Regulation) in graph
    assert (provision, DCTERMS.isPartOf, SOL) in graph
    assert (provision, VGV.passage, passage_iri("SFS 2001:453 5 kap. 11 §")) in graph
    assert (provision, SKOS.prefLabel, Literal("5 kap. 11 § socialtjänstlagen", lang="sv")) in graph
    lettered = URIRef("https://lagen.nu/1962:700#K4P1a")
    assert (lettered, VGV.passage, passage_iri("SFS 1962:700 4 kap. 1 a §")) in graph
    # A curated provision keeps its label; the section reference becomes an alt label.
    assert (lettered, SKOS.prefLabel, Literal("Människohandelsbestämmelsen", lang="sv")) in graph
    assert (lettered, SKOS.altLabel, Literal("4 kap. 1 a § brottsbalken", lang="sv")) in graph
    without_chapters = URIRef("https://lagen.nu/2017:937#P4")
    assert (without_chapters, DCTERMS.isPartOf, URIRef("https://lagen.nu/2017:937")) in graph


def test_statutes_without_curated_node_get_one_from_their_header(
    documents: list[Document],
) -> None:
    graph = build_graph(documents, facts=[])
    act = URIRef("https://lagen.nu/2017:937")
    assert (act, RDF.type, VGV.Regulation) in graph
    assert (act, VGV.regulationKind, VGV.Forordning) in graph
    assert (act, VGV.inForce, Literal("2018-01-01", datatype=rdflib.XSD.date)) in graph
    assert (act, VGV.citation, Literal("SFS 2017:937")) in graph
    assert (act, PROV.wasGeneratedBy, VGV.corpusLoader) in graph
    assert (URIRef("https://lagen.nu/1962:700"), VGV.regulationKind, VGV.Lag) in graph
    assert (URIRef("https://lagen.nu/2018:1197"), VGV.regulationKind, VGV.Lag) in graph
    # and the names readers call it by, from the citation parser's table of acts
    names = {str(n) for n in graph.objects(URIRef("https://lagen.nu/2018:1197"), SKOS.altLabel)}
    assert "barnkonventionen" in names
    # and its English title, from the table of the Government Offices' translations
    assert (SOL, SKOS.prefLabel, Literal("Social Services Act", lang="en")) in graph
    assert not [n for n in graph.objects(act, SKOS.prefLabel) if n.language == "en"]  # none known


def test_relationships_are_materialised(graph: Graph) -> None:
    relationships = set(graph.subjects(RDF.type, VGV.Relationship))
    for relationship in relationships:
        subject = graph.value(relationship, VGV.subject)
        relation = graph.value(relationship, VGV.relation)
        target = graph.value(relationship, VGV.object)
        assert (subject, relation, target) in graph, relationship
    assert (
        ACTOR["nexus"],
        URIRef("http://www.w3.org/ns/org#subOrganizationOf"),
        ACTOR["avdelning-vuxen"],
    ) in graph


def test_shapes_catch_a_quote_missing_from_its_passage(graph: Graph) -> None:
    broken = Graph()
    broken += graph
    fact = FACT["polisen-nationell-rapportor"]
    passage = broken.value(fact, PROV.wasDerivedFrom)
    broken.set((passage, VGV.text, Literal("En helt annan text.")))
    broken.remove((fact, VGV.bearer, None))
    conforms, report = validate(broken)
    assert not conforms
    assert "polisen-nationell-rapportor" in report
    assert "ansvarsbärare" in report


# --- errors a curator sees --------------------------------------------------------------


def _write(tmp_path: Path, text: str, name: str = "broken.ttl") -> Path:
    path = tmp_path / name
    path.write_text(PREFIXES + text, encoding="utf-8")
    return path


def test_turtle_syntax_error_names_file_and_line(tmp_path: Path, documents: list[Document]) -> None:
    path = _write(
        tmp_path,
        'fact:a a vgv:Duty ;\n    vgv:quote "ett citat som aldrig tar slut ;\n'
        "    vgv:inDocument doc:X .\n",
    )
    with pytest.raises(FactError) as caught:
        build_graph(documents, facts=[path])
    message = str(caught.value)
    assert str(path) in message
    assert f"{path}:5" in message  # the unterminated string on line 5 (3 prefix lines)


def test_quote_in_no_passage_names_file_fact_and_quote(
    tmp_path: Path, documents: list[Document]
) -> None:
    path = _write(
        tmp_path,
        "fact:pafund a vgv:Duty ;\n"
        '    vgv:quote "Socialnämnden ansvarar för att ordna månresor åt alla" ;\n'
        f"    vgv:inDocument doc:{MEMO} .\n",
    )
    with pytest.raises(FactError) as caught:
        build_graph(documents, facts=[path])
    message = str(caught.value)
    assert str(path) in message
    assert "fact:pafund" in message
    assert "ordna månresor" in message


def test_quote_in_several_passages_is_an_error(tmp_path: Path, documents: list[Document]) -> None:
    path = _write(
        tmp_path,
        "fact:tvetydig a vgv:Assessment ;\n"
        '    vgv:quote "I Sverige betraktas prostitution liksom människohandel för sexuella ändamål" ;\n'
        f"    vgv:inDocument doc:{MEMO} .\n",
    )
    with pytest.raises(FactError, match="several passages") as caught:
        build_graph(documents, facts=[path])
    assert "fact:tvetydig" in str(caught.value)


def test_fact_from_a_document_not_in_the_corpus_is_left_out(
    tmp_path: Path, documents: list[Document], caplog: pytest.LogCaptureFixture
) -> None:
    """A document taken out of the corpus takes its facts along; the build goes on."""
    path = _write(
        tmp_path,
        'fact:borta a vgv:Duty ;\n    vgv:quote "något som står i ett annat dokument" ;\n'
        "    vgv:inDocument doc:SAKNAS-1 .\n",
    )
    graph = build_graph(documents, facts=[path])
    assert (FACT["borta"], None, None) not in graph
    assert "fact:borta" in caplog.text and "not in the corpus" in caplog.text


def test_quote_matching_folds_case_and_white_space(
    tmp_path: Path, documents: list[Document]
) -> None:
    path = _write(
        tmp_path,
        "fact:folded a vgv:Duty ;\n"
        '    vgv:quote """JÄMSTÄLLDHETSMYNDIGHETEN   ansvarar sedan den\n  1 januari 2018""" ;\n'
        f"    vgv:inDocument doc:{MEMO} .\n",
    )
    built = build_graph(documents, facts=[path])
    passage = built.value(FACT["folded"], PROV.wasDerivedFrom)
    assert "Jämställdhetsmyndigheten ansvarar sedan" in str(built.value(passage, VGV.text))
