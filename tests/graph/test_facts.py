"""The curated facts: every entity of the spec is a node, the required duties exist, and
every fact is sourced to the one passage that holds its quote."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import ORG, PROV, SKOS

from vemgorvad import settings
from vemgorvad.corpus.load import load_corpus
from vemgorvad.graph.build import build_graph
from vemgorvad.text import normalize_space
from vemgorvad.vocab import ACTOR, GROUP, LAW, VGV, slug

SPEC = Path(__file__).resolve().parents[2].parent / "shared" / "spec" / "entities.md"
MEMO = URIRef("https://w3id.org/vemgorvad/id/doc/SCN-2022-00355")
SOL = URIRef("https://lagen.nu/2001:453")
SOSFS = URIRef("https://lagen.nu/sosfs/2014:4")

SECTIONS = {"Actors": VGV.Actor, "Laws": VGV.Regulation, "Target groups": VGV.TargetGroup}


@pytest.fixture(scope="module")
def graph() -> Graph:
    documents = load_corpus(settings.ROOT / "corpus").documents
    return build_graph(documents)


def spec_rows() -> list[tuple[str, str, list[str]]]:
    """(section, canonical label, also-written cell split at commas) for each table row."""
    if not SPEC.exists():
        return []
    rows: list[tuple[str, str, list[str]]] = []
    section = ""
    for line in SPEC.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            section = next((name for name in SECTIONS if line[3:].startswith(name)), "")
        elif section and line.startswith("|") and not re.match(r"^\|\s*(canonical|-)", line):
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            aliases = [part.strip() for part in cells[-1].split(",") if part.strip()]
            rows.append((section, cells[0], aliases if len(cells) > 1 else []))
    return rows


def _fold(text: str) -> str:
    return normalize_space(text).casefold()


def _labels(graph: Graph, node: URIRef) -> set[str]:
    return {
        _fold(str(label))
        for predicate in (SKOS.prefLabel, SKOS.altLabel)
        for label in graph.objects(node, predicate)
    }


def _nodes_labelled(graph: Graph, label: str, node_class: URIRef) -> list[URIRef]:
    wanted = _fold(label)
    return [
        node
        for node in set(graph.subjects(RDF.type, node_class))
        if isinstance(node, URIRef) and wanted in _labels(graph, node)
    ]


def _swedish(graph: Graph, node: URIRef, predicate: URIRef = SKOS.prefLabel) -> str:
    return next(
        str(label)
        for label in graph.objects(node, predicate)
        if isinstance(label, Literal) and label.language == "sv"
    )


ROWS = spec_rows()


@pytest.mark.skipif(not ROWS, reason=f"the entity spec {SPEC} is not here")
def test_spec_has_all_three_tables() -> None:
    counts = {section: sum(1 for row in ROWS if row[0] == section) for section in SECTIONS}
    assert counts["Actors"] >= 30 and counts["Laws"] >= 15 and counts["Target groups"] >= 12


@pytest.mark.skipif(not ROWS, reason=f"the entity spec {SPEC} is not here")
@pytest.mark.parametrize(("section", "label", "aliases"), ROWS, ids=[row[1] for row in ROWS])
def test_spec_entity_is_a_node_with_its_labels(
    graph: Graph, section: str, label: str, aliases: list[str]
) -> None:
    nodes = _nodes_labelled(graph, label, SECTIONS[section])
    assert len(nodes) == 1, f"{label!r}: {len(nodes)} {section} nodes carry this label"
    node = nodes[0]
    labels = _labels(graph, node)
    # An alias cell is split at commas, but some forms hold a comma themselves
    # ("Makt, mål och myndighet"): take the longest run of parts that is a label.
    index = 0
    while index < len(aliases):
        for end in range(len(aliases), index, -1):
            if _fold(", ".join(aliases[index:end])) in labels:
                index = end
                break
        else:
            pytest.fail(f"{label!r}: also-written form {aliases[index]!r} is not a label")
    if section == "Actors":
        assert node == ACTOR[slug(label)]
    if section == "Target groups":
        assert node == GROUP[slug(label)]
    if section == "Laws":
        assert str(node).startswith(("https://lagen.nu/", str(LAW)))


def test_actors_are_described(graph: Graph) -> None:
    actors = set(graph.subjects(RDF.type, VGV.Actor))
    assert len(actors) >= 35
    kinds = set(graph.subjects(SKOS.inScheme, VGV.ActorKinds))
    assert len(kinds) == 7
    for actor in actors:
        assert _swedish(graph, actor), actor
        assert graph.value(actor, VGV.actorKind) in kinds, actor
        assert _swedish(graph, actor, SKOS.definition), actor
        assert any(label.language == "en" for label in graph.objects(actor, SKOS.prefLabel))


def test_target_groups_form_a_scheme(graph: Graph) -> None:
    groups = set(graph.subjects(RDF.type, VGV.TargetGroup))
    assert len(groups) >= 15
    for group in groups:
        assert (group, SKOS.inScheme, GROUP.scheme) in graph, group
    assert (GROUP["sexkopare"], SKOS.broader, GROUP["valdsutovare"]) in graph
    assert (GROUP["barn-som-bevittnat-vald"], SKOS.broader, GROUP["barn-och-unga"]) in graph
    assert (
        GROUP["barn-utan-vardnadshavare-i-sverige"],
        SKOS.broader,
        GROUP["barn-och-unga"],
    ) in graph


def test_every_fact_quotes_its_source_passage(graph: Graph) -> None:
    facts = {
        fact
        for fact_class in (VGV.Duty, VGV.Relationship, VGV.RegulationEvent, VGV.Assessment)
        for fact in graph.subjects(RDF.type, fact_class)
    }
    assert len(facts) >= 150
    for fact in facts:
        quote = str(graph.value(fact, VGV.quote))
        assert 5 <= len(quote.split()) <= 40, f"{fact}: {len(quote.split())} words"
        passages = list(graph.objects(fact, PROV.wasDerivedFrom))
        assert len(passages) == 1, fact
        text = str(graph.value(passages[0], VGV.text))
        assert _fold(quote) in _fold(text), fact
        assert (
            passages[0],
            URIRef("http://purl.org/dc/terms/isPartOf"),
            graph.value(fact, VGV.inDocument),
        ) in graph
        assert _swedish(graph, fact, VGV.statement), fact


def test_a_curated_statement_reads_after_its_subject(graph: Graph) -> None:
    # the answer says "<subject> <statement>": a statement that opens with an article,
    # a pronoun or a name is a sentence of its own ("Regionkoordinatorer en av …")
    openers = {"en", "ett", "de", "det", "den", "dessa", "alla", "a", "an", "the", "one", "it", "they"}
    checked, wrong = 0, []
    for fact_class in (VGV.Duty, VGV.Relationship):
        for fact in graph.subjects(RDF.type, fact_class):
            if (fact, PROV.wasGeneratedBy, None) in graph:
                continue  # found by the extractor, whose statements are the text's own
            for statement in graph.objects(fact, VGV.statement):
                first = str(statement).split()[0]
                if first.casefold() in openers or first[0].isupper():
                    wrong.append((str(fact), str(statement)))
                checked += 1
    assert wrong == [] and checked >= 200


def test_the_memo_is_covered_paragraph_by_paragraph(graph: Graph) -> None:
    """Most of the memo's paragraphs carry at least one fact."""
    memo_passages = set(graph.subjects(URIRef("http://purl.org/dc/terms/isPartOf"), MEMO))
    sourced = set(graph.objects(None, PROV.wasDerivedFrom)) & memo_passages
    assert len(sourced) >= 0.85 * len(memo_passages)


# --- the duties entities.md requires ----------------------------------------------------


def _duties(graph: Graph, bearer: URIRef, pattern: str) -> list[URIRef]:
    return [
        duty
        for duty in graph.subjects(VGV.bearer, bearer)
        if re.search(pattern, _swedish(graph, duty, VGV.statement), re.IGNORECASE)
    ]


REQUIRED_DUTIES = [
    # bearer, words of the statement, legal basis or None, target group or None
    ("jamstalldhetsmyndigheten", r"samordna.*prostitution och människohandel", None, None),
    ("jamstalldhetsmyndigheten", r"Nationellt Metodstödsteam", None, None),
    ("jamstalldhetsmyndigheten", r"samordnar regionkoordinatorernas arbete nationellt", None, None),
    ("socialstyrelsen", r"stöd till berörda yrkesgrupper", None, "yrkesverksamma"),
    ("lansstyrelserna", r"samordningen i länet", None, None),
    ("lansstyrelserna", r"efterfrågan på köp av sexuella tjänster", None, "sexkopare"),
    ("polismyndigheten", r"nationell rapportör", None, None),
    ("polismyndigheten", r"årligen.*regeringen", None, None),
    ("socialnamnden", r"utan dröjsmål inleda utredning", SOL, "barn-och-unga"),
    ("vistelsekommunen", r"yttersta ansvaret", SOL, None),
    ("bosattningskommunen", r"bosatt i en annan kommun", SOL, None),
    ("socialnamnden", r"ändra sitt beteende", SOL, "valdsutovare"),
    ("socialtjansten", r"sexköpare", SOL, "sexkopare"),
    ("socialtjansten", r"särskilt ansvar.*nära relation", SOSFS, "valdsutsatta-i-nara-relationer"),
    ("nexus", r"biståndsbeslut", None, "vuxna"),
    ("mottagningsenheten", r"bedömer barnets behov av skydd", None, "barn-som-far-illa"),
    ("uppsokaren", r"anmälan till .*Mottagningsenheten", None, None),
    ("regionkoordinatorer", r"regional och nationell samverkan", None, None),
    ("regionkoordinatorer", r"metodstöd", None, "yrkesverksamma"),
    ("regionkoordinatorer", r"individärenden", None, None),
    ("regionkoordinatorer", r"återvändandeprogrammet", None, None),
    ("foreningen-hjalp-till-behovande", r"uppsökande verksamhet", None, "personer-i-prostitution"),
    ("foreningen-hjalp-till-behovande", r"lotsar", None, None),
]


@pytest.mark.parametrize(
    ("bearer", "pattern", "law", "group"), REQUIRED_DUTIES, ids=[r[0] for r in REQUIRED_DUTIES]
)
def test_required_duty(
    graph: Graph, bearer: str, pattern: str, law: URIRef | None, group: str | None
) -> None:
    duties = _duties(graph, ACTOR[bearer], pattern)
    if law is not None:
        duties = [d for d in duties if (d, VGV.legalBasis, law) in graph]
    if group is not None:
        duties = [d for d in duties if (d, VGV.targetGroup, GROUP[group]) in graph]
    assert duties, f"no duty of {bearer} matching {pattern!r} (law {law}, group {group})"


def test_dated_duties(graph: Graph) -> None:
    jamy = _duties(graph, ACTOR["jamstalldhetsmyndigheten"], r"samordnar Sveriges arbete")
    assert any(str(graph.value(d, VGV.since)) == "2018-01-01" for d in jamy)
    perpetrators = _duties(graph, ACTOR["socialnamnden"], r"ändra sitt beteende")
    assert any(str(graph.value(d, VGV.since)) == "2021-08-01" for d in perpetrators)


REQUIRED_RELATIONS = [
    ("nexus", ORG.subOrganizationOf, "avdelning-vuxen"),
    ("mottagningsenheten", ORG.subOrganizationOf, "avdelning-barn-och-unga"),
    ("nationella-operativa-avdelningen-noa", ORG.subOrganizationOf, "polismyndigheten"),
    ("jamstalldhetsmyndigheten", VGV.responsibleFor, "nationellt-metodstodsteam-nmt"),
    ("jamstalldhetsmyndigheten", VGV.coordinates, "regionkoordinatorer"),
    ("polismyndigheten", VGV.reportsTo, "regeringen"),
    ("regeringen", VGV.commissions, "polismyndigheten"),
    ("regionkoordinatorer", VGV.placedAt, "nexus"),
    ("socialnamnden", VGV.funds, "foreningen-hjalp-till-behovande"),
    ("socialnamnden", VGV.funds, "ebbamottagningen"),
    ("diakonistiftelsen-samariterhemmet", VGV.runs, "ebbamottagningen"),
    ("uppsokaren", VGV.refersTo, "mottagningsenheten"),
    ("polismyndigheten", VGV.collaboratesWith, "socialtjansten"),
    ("kommunstyrelsen", VGV.commissions, "socialnamnden"),
]


@pytest.mark.parametrize(("subject", "relation", "target"), REQUIRED_RELATIONS)
def test_required_relation_is_materialised(
    graph: Graph, subject: str, relation: URIRef, target: str
) -> None:
    assert (ACTOR[subject], relation, ACTOR[target]) in graph


@pytest.mark.parametrize(
    ("regulation", "kind", "date"),
    [
        ("https://lagen.nu/1962:700#K4P1a", VGV.EnteredIntoForce, "2002"),
        ("https://lagen.nu/1962:700#K4P1a", VGV.Extended, "2004"),
        ("https://lagen.nu/1962:700#K4P1a", VGV.Amended, "2010"),
        ("https://lagen.nu/1962:700#K4P3", VGV.EnteredIntoForce, "2021-07-01"),
        ("https://lagen.nu/1962:700#K4P4e", VGV.EnteredIntoForce, "2022-06-01"),
        ("https://lagen.nu/2018:1197", VGV.EnteredIntoForce, "2020-01-01"),
        ("https://lagen.nu/1998:408", VGV.EnteredIntoForce, "1999"),
        ("https://lagen.nu/2001:453#K5P11a", VGV.EnteredIntoForce, "2021-08-01"),
        (str(LAW["palermoprotokollet"]), VGV.Decided, "2000"),
        (str(LAW["sexualbrottslagstiftningen-2018"]), VGV.EnteredIntoForce, "2018"),
    ],
)
def test_regulation_event(graph: Graph, regulation: str, kind: URIRef, date: str) -> None:
    events = [
        event
        for event in graph.subjects(VGV.regulation, URIRef(regulation))
        if (event, VGV.eventKind, kind) in graph and str(graph.value(event, VGV.date)) == date
    ]
    assert events


def test_socialtjanstlagen_is_replaced_by_the_new_act(graph: Graph) -> None:
    new_act = URIRef("https://lagen.nu/2025:400")
    assert (SOL, URIRef("http://purl.org/dc/terms/isReplacedBy"), new_act) in graph
    assert str(graph.value(new_act, VGV.inForce)) == "2025-07-01"
    source = str(graph.value(new_act, URIRef("http://purl.org/dc/terms/source")))
    assert "2025:400" in source and "1 juli 2025" in source  # where the curated date comes from
