"""The rule-based statement extractor (vemgorvad.graph.statements).

* data-driven cases (``extraction_cases.jsonl``): one sentence or list in, the expected
  duties and relationships out, or nothing;
* on the real corpus: every extracted statement quotes its passage verbatim, the graph
  passes the SHACL shapes, the KnowledgeGraph reads them as extracted facts, and
  curated statements are untouched and linked with ``vgv:restates``;
* a statute excerpt of our own (``data/sfs_1990-52_lvu_utdrag.txt``) added to a
  temporary copy of the corpus yields duties in the responsibility matrix;
* the memo read as a document nobody curated, and a memo of our own from a municipality
  the graph does not know (``data/pm_ekby_tjansteskrivelse.md``), yield their statements.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from rdflib import RDF, Graph, URIRef
from rdflib.namespace import ORG, PROV, SKOS

from vemgorvad import settings
from vemgorvad.corpus.load import load_corpus
from vemgorvad.corpus.model import Document, Passage
from vemgorvad.graph.build import build_graph, document_municipality, validate
from vemgorvad.graph.extract import link_mentions
from vemgorvad.graph.model import KnowledgeGraph
from vemgorvad.graph.statements import Statement, StatementReport, extract_statements
from vemgorvad.ui.viewmodels.matrix import responsibility_matrix
from vemgorvad.vocab import ACTOR, VGV, passage_iri

HERE = Path(__file__).parent
CASES = [json.loads(line) for line in (HERE / "extraction_cases.jsonl").read_text("utf-8").splitlines() if line.strip()]
EXCERPT = HERE / "data" / "sfs_1990-52_lvu_utdrag.txt"
MEMO_ELSEWHERE = HERE / "data" / "pm_ekby_tjansteskrivelse.md"
NAMNDER = HERE / "data" / "pm_vasteras_namnder.md"

DOCUMENTS = {
    "statute": ("SFS 2099:1", "Lag (2099:1) om prövning av extraktionen", "2099:1", "statute"),
    "instruction": (
        "SFS 2099:2", "Förordning (2099:2) med instruktion för Jämställdhetsmyndigheten", "2099:2", "statute"
    ),
    "memo": ("TEST-MEMO", "Tjänsteskrivelse om extraktionen", None, "tjänsteskrivelse"),
}


def _case_documents() -> list[Document]:
    """One document per kind; each case one passage, with an empty passage between cases."""
    passages: dict[str, list[Passage]] = {kind: [] for kind in DOCUMENTS}
    for number, case in enumerate(CASES):
        doc_id = DOCUMENTS[case["doc"]][0]
        own = passages[case["doc"]]
        own.append(Passage(f"{doc_id} #case{number}", doc_id, "Prov", case["text"], len(own)))
        own.append(Passage(f"{doc_id} #gap{number}", doc_id, "Prov", "Denna paragraf är tom.", len(own)))
    return [
        Document(doc_id, title, f"{doc_id}.txt", "0" * 64, kind=kind, sfs=sfs, passages=tuple(passages[key]))
        for key, (doc_id, title, sfs, kind) in DOCUMENTS.items()
    ]


def _label(graph: Graph, node: str) -> str:
    for value in graph.objects(URIRef(node), SKOS.prefLabel):
        if getattr(value, "language", None) == "sv":
            return str(value)
    return node


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _parts(graph: Graph, statements: list[Statement], documents: list[Document]) -> set[tuple[str, str]]:
    """(body, whole) of the statements that a body is part of another, each checked to
    stand on its passage: the quote verbatim in it and the graph's direct edge written."""
    texts = {p.id: p.text for d in documents for p in d.passages}
    parts = set()
    for s in statements:
        if s.predicate == str(ORG.subOrganizationOf):
            assert s.quote in texts[s.passage_id]
            assert (URIRef(s.subject), ORG.subOrganizationOf, URIRef(s.object)) in graph
            parts.add((_label(graph, s.subject), _label(graph, s.object)))
    return parts


def _read(documents: list[Document]) -> tuple[Graph, StatementReport]:
    """The graph-only path of a build over documents: build, link mentions, extract."""
    graph = build_graph(documents)
    link_mentions(graph, documents)
    return graph, extract_statements(graph, documents)


def _corpus_with(tmp_path: Path, document: Path, folder: str = "") -> list[Document]:
    """The documents of a copy of ``corpus/`` with one more document (in ``folder``)."""
    corpus = tmp_path / "corpus"
    shutil.copytree(settings.corpus_dir(), corpus)
    shutil.copy(document, corpus / folder / document.name)
    return load_corpus(corpus).documents


@pytest.fixture(scope="module")
def cases_run() -> tuple[Graph, dict[str, list[Statement]]]:
    graph, report = _read(_case_documents())
    by_passage: dict[str, list[Statement]] = {}
    for statement in report.statements:
        by_passage.setdefault(statement.passage_id, []).append(statement)
    return graph, by_passage


def test_there_are_enough_cases() -> None:
    kinds = {case["doc"] for case in CASES}
    texts = [case["text"] for case in CASES]
    assert len(CASES) >= 40 and kinds == set(DOCUMENTS)
    assert sum(not case["expect"] for case in CASES) >= 8  # sentences that must give nothing
    assert sum("\n" in text for text in texts) >= 4  # lists
    assert sum("FarInte" in json.dumps(case["expect"]) for case in CASES) >= 3  # negations
    assert sum(" av " in text and "Gor" in json.dumps(case["expect"]) for text, case in zip(texts, CASES, strict=True)) >= 3


@pytest.mark.parametrize("number", range(len(CASES)), ids=[c["text"][:50] for c in CASES])
def test_case(number: int, cases_run: tuple[Graph, dict[str, list[Statement]]]) -> None:
    graph, by_passage = cases_run
    case = CASES[number]
    found = by_passage.get(f"{DOCUMENTS[case['doc']][0]} #case{number}", [])
    got = {
        (s.kind, _label(graph, s.subject), _local(s.predicate), _label(graph, s.object) if s.object else "")
        for s in found
    }
    wanted = {(e["kind"], e["subject"], e["predicate"], e.get("object", "")) for e in case["expect"]}
    if case.get("subset"):
        assert wanted <= got, f"{case['text']!r}: missing {wanted - got}"
    else:
        assert got == wanted, f"{case['text']!r}: got {got}"
    for expected in case["expect"]:
        same = [
            s for s in found
            if (_label(graph, s.subject), _local(s.predicate)) == (expected["subject"], expected["predicate"])
        ]
        if "statement" in expected:
            assert any(s.statement.startswith(expected["statement"]) for s in same), [s.statement for s in same]
        if "groups" in expected:
            assert any(set(expected["groups"]) <= {_label(graph, g) for g in s.groups} for s in same)
        if "since" in expected:
            assert any(s.since == expected["since"] for s in same)
    for statement in found:
        assert statement.quote in case["text"]


def test_statute_duties_have_the_statute_as_legal_basis(
    cases_run: tuple[Graph, dict[str, list[Statement]]],
) -> None:
    _, by_passage = cases_run
    statute = [s for key, items in by_passage.items() if key.startswith("SFS 2099:1") for s in items]
    assert statute and all(s.laws == ("https://lagen.nu/2099:1",) for s in statute if s.kind == "duty")


# --- the real corpus --------------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus_run() -> tuple[Graph, list[Document], StatementReport]:
    documents = load_corpus(settings.corpus_dir()).documents
    graph = build_graph(documents)
    link_mentions(graph, documents)
    curated = Graph()
    for triple in graph.triples((None, None, None)):
        if (triple[0], RDF.type, VGV.Duty) in graph or (triple[0], RDF.type, VGV.Relationship) in graph:
            curated.add(triple)
    report = extract_statements(graph, documents)
    graph.curated_before = curated  # type: ignore[attr-defined]
    return graph, documents, report


def test_corpus_statements_quote_their_passage_verbatim(
    corpus_run: tuple[Graph, list[Document], StatementReport],
) -> None:
    _, documents, report = corpus_run
    texts = {p.id: p.text for d in documents for p in d.passages}
    assert report.duties > 200 and report.relationships > 10 and report.seconds < 5
    for statement in report.statements:
        assert len(statement.quote) >= 10
        assert statement.quote in texts[statement.passage_id], statement


def test_corpus_graph_passes_shacl(corpus_run: tuple[Graph, list[Document], StatementReport]) -> None:
    graph, _, _ = corpus_run
    conforms, text = validate(graph)
    assert conforms, text[:3000]


def test_curated_statements_untouched_and_linked(
    corpus_run: tuple[Graph, list[Document], StatementReport],
) -> None:
    graph, _, report = corpus_run
    before: Graph = graph.curated_before  # type: ignore[attr-defined]
    for subject in set(before.subjects()):
        assert set(graph.triples((subject, None, None))) == set(before.triples((subject, None, None)))
    links = list(graph.subject_objects(VGV.restates))
    assert len(links) == report.restating > 50
    for extracted, curated in links:
        assert (extracted, PROV.wasGeneratedBy, VGV.extractor) in graph
        assert (curated, PROV.wasGeneratedBy, None) not in graph
        assert graph.value(extracted, PROV.wasDerivedFrom) == graph.value(curated, PROV.wasDerivedFrom)


def test_knowledge_graph_reads_extracted_facts(
    corpus_run: tuple[Graph, list[Document], StatementReport],
) -> None:
    graph, _, report = corpus_run
    kg = KnowledgeGraph(graph)
    extracted = [f for f in kg.facts.values() if (URIRef(f.iri), PROV.wasGeneratedBy, VGV.extractor) in graph]
    assert all(f.extracted for f in extracted)
    assert len(extracted) == report.duties + report.relationships + report.assessments
    kinds = {f.kind for f in extracted}
    assert kinds == {"duty", "relationship", "assessment"}
    # the rest generated are the statutes' entries into force, read by the corpus loader
    loaded = [f for f in kg.facts.values() if f.extracted and f not in extracted]
    assert loaded and {f.kind for f in loaded} == {"event"}
    duty = next(f for f in extracted if f.kind == "duty" and f.passage_id == "SFS 2001:453 11 kap. 1 §")
    assert duty.subject.endswith("/socialnamnden") and duty.statement.startswith("ska utan dröjsmål")
    assert duty.laws == ("https://lagen.nu/2001:453#K11P1",) and duty.statement_en is None
    assert str(passage_iri(duty.passage_id)) in {str(p) for p in graph.subjects(VGV.passageId, None)}


def test_a_statute_excerpt_in_a_temporary_corpus_yields_duties(tmp_path: Path) -> None:
    graph, report = _read(_corpus_with(tmp_path, EXCERPT, "sfs"))
    mine = [s for s in report.statements if s.document_id == "SFS 1990:52" and s.kind == "duty"]
    bearers = {_label(graph, s.subject) for s in mine}
    assert {"Socialnämnden", "Förvaltningsrätten", "Polismyndigheten"} <= bearers
    assert all(s.laws and s.laws[0].startswith("https://lagen.nu/1990:52#") for s in mine)
    matrix = responsibility_matrix(KnowledgeGraph(graph), include_ungrouped=True)
    in_matrix = {
        row["actor"]["label"]
        for row in matrix["rows"]
        for duties in row["cells"].values()
        for duty in duties
        if duty.get("passage_id", "").startswith("SFS 1990:52")
    }
    assert {"Socialnämnden", "Förvaltningsrätten"} <= in_matrix


def _statement_keys(graph: Graph, document: str) -> set[tuple[str, str]]:
    """(bearer or subject, passage text hash) of a document's duties and relationships."""
    return {
        (f.subject, f.passage_id.rsplit("#", 1)[-1])
        for f in KnowledgeGraph(graph).facts.values()
        if f.kind in ("duty", "relationship") and f.passage_id and f.passage_id.startswith(document)
    }


def test_the_memo_read_as_a_document_nobody_curated(tmp_path: Path) -> None:
    """The memo under another id, so none of its curated facts apply: what the extractor
    reads from it alone must agree with what was curated from it (same bearer or subject,
    same passage). A memo says "förvaltningen", "nämnden" and "Ungdomsjouren" for the
    bodies it names in full elsewhere; read as the names of nobody, 46 of the 99 curated
    pairs were read. Now 62 are, and 62 of the 67 pairs read were curated."""
    curated = build_graph(load_corpus(settings.corpus_dir()).documents)
    wanted = _statement_keys(curated, "SCN-2022-00355")
    corpus = tmp_path / "corpus"
    shutil.copytree(settings.corpus_dir(), corpus)
    meta = json.loads((corpus / "SCN-2022-00355.txt.meta.json").read_text(encoding="utf-8"))
    (corpus / "SCN-2022-00355.txt.meta.json").unlink()
    (corpus / "SCN-2022-00355.txt").rename(corpus / "pm.txt")
    (corpus / "pm.txt.meta.json").write_text(json.dumps({**meta, "id": "PM-2099-1"}), encoding="utf-8")
    graph, _ = _read(load_corpus(corpus).documents)
    found = _statement_keys(graph, "PM-2099-1")
    agreed = found & wanted
    assert len(agreed) / len(found) >= 0.9, sorted(found - wanted)
    assert len(agreed) / len(wanted) >= 0.55
    assert {"socialforvaltningen", "uppsala-ungdomsjour"} <= {_local(subject) for subject, _ in agreed}


def test_a_memo_from_elsewhere_yields_statements_of_its_own_bodies(tmp_path: Path) -> None:
    """A memo of a municipality the graph knows nothing of: its bodies, found by the shape
    of their names ("Lindmottagningen", "Sociala resursnämnden"), bear its duties, and its
    role words mean them, never Uppsala's bodies of the same common nouns."""
    documents = _corpus_with(tmp_path, MEMO_ELSEWHERE)
    graph, report = _read(documents)
    mine = [s for s in report.statements if s.document_id == MEMO_ELSEWHERE.stem]
    found = {(s.kind, _label(graph, s.subject), _label(graph, s.object) if s.object else "") for s in mine}
    assert {
        ("duty", "Lindmottagningen", ""),
        ("relationship", "Lindmottagningen", "Polismyndigheten"),
        ("relationship", "Lindmottagningen", "Migrationsverket"),
        ("duty", "Sociala resursnämnden", ""),
        ("duty", "Sociala resursförvaltningen", ""),
        ("assessment", "Sociala resursförvaltningen", ""),
    } <= found
    tasked = [s for s in mine if s.statement.startswith("har i uppdrag att redovisa")]
    assert [_label(graph, s.subject) for s in tasked] == ["Sociala resursförvaltningen"]  # the issuer
    offered = [s for s in mine if s.statement.startswith("erbjuder stödsamtal")]
    assert [_label(graph, s.subject) for s in offered] == ["Lindmottagningen"]  # "Mottagningen erbjuder …"
    uppsala = {"Mottagningsenheten", "Socialförvaltningen", "Socialnämnden", "Uppsala Ungdomsjour"}
    assert not {_label(graph, s.subject) for s in mine} & uppsala
    for name in ("Lindmottagningen", "Sociala resursnämnden", "Sociala resursförvaltningen"):
        actor = next(a for a in graph.subjects(SKOS.prefLabel, None) if _label(graph, str(a)) == name)
        assert (actor, PROV.wasGeneratedBy, VGV.extractor) in graph
        assert (actor, VGV.actorKind, VGV.MunicipalActor) in graph, name
    # "Lindmottagningen är förvaltningens enhet", and the issuer's body is part of the
    # issuer's municipality: the actor map shows the memo's bodies in one tree
    assert _parts(graph, mine, documents) == {
        ("Lindmottagningen", "Sociala resursförvaltningen"),
        ("Sociala resursförvaltningen", "Ekby kommun"),
        ("Sociala resursnämnden", "Ekby kommun"),  # a nämnd by the shape of its name
    }
    ekby = next(a for a in graph.subjects(SKOS.prefLabel, None) if _label(graph, str(a)) == "Ekby kommun")
    assert (ekby, VGV.actorKind, VGV.MunicipalActor) in graph
    assert {str(v) for v in graph.objects(ekby, SKOS.prefLabel)} == {"Ekby kommun", "Ekby Municipality"}
    others = [s for s in report.statements if s.document_id != MEMO_ELSEWHERE.stem]
    assert not [s for s in others if s.object == str(ekby)]


def test_a_memos_namnder_found_by_their_shape_are_part_of_its_municipality(tmp_path: Path) -> None:
    """A nämnd or förvaltning a memo names that nobody curated belongs to the memo's
    municipality on the actor map; a state body ("Centrala studiestödsnämnden"), a
    region's ("Regionstyrelsen") and one of another place ("Stadsdelsnämnden i
    Stockholm") do not."""
    documents = _corpus_with(tmp_path, NAMNDER)
    graph, report = _read(documents)
    mine = [s for s in report.statements if s.document_id == NAMNDER.stem]
    assert _parts(graph, mine, documents) == {
        ("Arbetsmarknadsförvaltningen", "Västerås stad"),  # the issuer's
        ("Arbetsmarknadsnämnden", "Västerås stad"),
        ("Överförmyndarnämnden", "Västerås stad"),
    }


@pytest.mark.parametrize("form", ["issuer", "text"])
def test_another_municipalitys_socialnamnd_is_its_own(tmp_path: Path, form: str) -> None:
    """A memo of another municipality says "Socialnämnden" and "förvaltningen" as Uppsala's
    does (the memo above with the names every municipality uses): those are its own bodies,
    "Socialnämnden i Västerås", not the curated committee, which gained its duties before.
    The statutes' "socialnämnden" is still the curated one, the body every municipality has.
    Which municipality a memo is from is its issuer's (front matter), or, for a plain text
    with no metadata, the one municipality its text names (its letterhead)."""
    memo = MEMO_ELSEWHERE.read_text(encoding="utf-8")
    for old, new in (
        ("Sociala resursnämnden", "Socialnämnden"),
        ("Sociala resursförvaltningen", "Socialförvaltningen"),
        ("Ekby kommun", "Västerås stad"),
        ("Ekby", "Västerås"),
    ):
        memo = memo.replace(old, new)
    corpus = tmp_path / "corpus"
    shutil.copytree(settings.corpus_dir(), corpus)
    if form == "issuer":
        (corpus / "pm_vasteras.md").write_text(memo, encoding="utf-8")
    else:  # no front matter: a letterhead names the municipality and the issuing body
        body = memo.split("-->", 1)[1].replace("# ", "")
        letterhead = "Västerås stad\nSocialförvaltningen\n\nArbetet mot prostitution och människohandel\n"
        (corpus / "pm_vasteras.txt").write_text(letterhead + body, encoding="utf-8")
    documents = load_corpus(corpus).documents
    (memo_document,) = [d for d in documents if d.id == "pm_vasteras"]
    assert document_municipality(memo_document) == "Västerås stad"
    assert document_municipality(next(d for d in documents if d.sfs == "2001:453")) is None
    graph, report = _read(documents)
    mine = [s for s in report.statements if s.document_id == "pm_vasteras"]
    bearers = {_label(graph, s.subject) for s in mine}
    assert {"Socialnämnden i Västerås", "Socialförvaltningen i Västerås"} <= bearers
    assert not bearers & {"Socialnämnden", "Socialförvaltningen", "Mottagningsenheten"}
    tasked = [s for s in mine if s.statement.startswith("har i uppdrag att redovisa")]
    assert [_label(graph, s.subject) for s in tasked] == ["Socialförvaltningen i Västerås"]  # the issuer
    mentioning = {str(p) for p in graph.subjects(VGV.mentions, ACTOR["socialnamnden"])}
    assert not [p for p in mentioning if "pm_vasteras" in p]
    assert [p for p in mentioning if "2001" in p and "453" in p]  # socialtjänstlagen's
    theirs = next(a for a in graph.subjects(SKOS.prefLabel, None) if _label(graph, str(a)) == "Socialnämnden i Västerås")
    assert (theirs, VGV.actorKind, VGV.MunicipalActor) in graph
    assert (theirs, PROV.wasGeneratedBy, VGV.extractor) in graph
    assert {str(v) for v in graph.objects(theirs, SKOS.prefLabel)} >= {"Social Welfare Committee (Västerås)"}
    assert {str(v) for v in graph.objects(theirs, SKOS.altLabel)} == {"Socialnämnden"}  # its own name
    issuer = next(a for a in graph.subjects(SKOS.prefLabel, None) if _label(graph, str(a)) == "Socialförvaltningen i Västerås")
    assert {str(v) for v in graph.objects(issuer, SKOS.prefLabel)} >= {"Social Services Administration (Västerås)"}
    # Västerås's bodies are part of Västerås stad (the committee by its name, the
    # administration by the memo's "förvaltningen"), its "förvaltningens enhet" of its
    # administration; Uppsala's stay Uppsala kommun's alone
    assert _parts(graph, mine, documents) == {
        ("Socialnämnden i Västerås", "Västerås stad"),
        ("Socialförvaltningen i Västerås", "Västerås stad"),
        ("Lindmottagningen", "Socialförvaltningen i Västerås"),
    }
    assert set(graph.objects(ACTOR["socialnamnden"], ORG.subOrganizationOf)) == {ACTOR["uppsala-kommun"]}
    # the quote names the body; whose it is comes from the document, and the fact says so
    said = {s.statement for s in mine if s.rule == "issuer"}
    assert said == {"ingår i Västerås stad, som dokumentet är från"}
