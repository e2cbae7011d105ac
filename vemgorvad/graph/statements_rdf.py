"""Writing extracted statements into the graph, beside the curated ones.

Each :class:`~vemgorvad.graph.statements.Statement` becomes a ``vgv:Duty``, a
``vgv:Relationship`` or a ``vgv:Assessment`` shaped like a curated fact (bearer,
subject/relation/object or assessor,
modality, ``vgv:statement``@sv, ``vgv:quote``, ``vgv:inDocument``, legal basis, target
groups, since) with ``prov:wasDerivedFrom`` its passage, ``prov:wasGeneratedBy
vgv:extractor`` and a ``vgv:confidence``. A relationship also gets its direct triple.
Curated facts are never changed: an extracted statement that says what a curated one
says (same bearer, pair of actors or assessor, in the same passage) is linked to it with
``vgv:restates``.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal

from rdflib import RDF, XSD, Graph, Literal, URIRef
from rdflib.namespace import PROV

from vemgorvad.corpus.model import Document
from vemgorvad.graph.actor_names import add_extracted_actor, kind_of_name
from vemgorvad.graph.statement_model import Statement, StatementReport, new_actor_iri
from vemgorvad.vocab import FACT, VGV, document_iri, passage_iri

logger = logging.getLogger(__name__)

NEW_ACTOR_CONFIDENCE = 0.7
"""The confidence of an organisation first found as a bearer by its name's shape."""


def _decimal(value: float) -> Literal:
    return Literal(Decimal(str(round(value, 2))), datatype=XSD.decimal)


def curated_index(graph: Graph) -> dict[tuple[str, frozenset[str], str], list[URIRef]]:
    """Curated duties, relationships and assessments by (kind, actors, passage IRI).

    Returns:
        ``("duty", {bearer}, passage)``, ``("relationship", {subject, object}, passage)``
        and ``("assessment", {assessor}, passage)`` → the curated facts with that key.
    """
    index: dict[tuple[str, frozenset[str], str], list[URIRef]] = defaultdict(list)
    kinds = (("duty", VGV.Duty), ("relationship", VGV.Relationship), ("assessment", VGV.Assessment))
    for kind, cls in kinds:
        for fact in graph.subjects(RDF.type, cls):
            if not isinstance(fact, URIRef) or (fact, PROV.wasGeneratedBy, None) in graph:
                continue
            passage = graph.value(fact, PROV.wasDerivedFrom)
            if kind == "duty":
                actors = frozenset({str(graph.value(fact, VGV.bearer))})
            elif kind == "assessment":
                actors = frozenset({str(graph.value(fact, VGV.assessor))})
            else:
                actors = frozenset({str(graph.value(fact, VGV.subject)), str(graph.value(fact, VGV.object))})
            index[(kind, actors, str(passage))].append(fact)
    return index


def statement_key(statement: Statement) -> tuple[str, frozenset[str], str]:
    """The key :func:`curated_index` files a curated fact under, for an extracted one."""
    actors = {statement.subject} | ({statement.object} if statement.object else set())
    return statement.kind, frozenset(actors), str(passage_iri(statement.passage_id))


def write_statements(
    graph: Graph,
    statements: Sequence[Statement],
    new_actors: dict[str, str],
    documents: Sequence[Document],
) -> StatementReport:
    """Add the statements (and the organisations first found as bearers) to the graph.

    Args:
        graph: the graph; changed in place.
        statements: what the extractor found; the same key twice is written once.
        new_actors: folded name → label of organisations no actor had.
        documents: the corpus (to name where a new organisation was found).

    Returns:
        The counts (passages and seconds left for the caller).
    """
    report = StatementReport()
    first_seen = _first_documents(statements, documents)
    named_in = _first_documents(statements, documents, "object")
    for key, label in sorted(new_actors.items()):
        iri = new_actor_iri(key)
        if (iri, RDF.type, VGV.Actor) in graph:
            continue
        if str(iri) not in first_seen and str(iri) in named_in:
            role = f"i «{named_in[str(iri)]}»"  # a municipality its bodies are part of
        else:
            role = f"som ansvarsbärare i «{first_seen.get(str(iri), 'korpusen')}»"
        definition = (
            f"Organisation som nämns {role}; funnen av den automatiska extraktionen och inte granskad."
        )
        add_extracted_actor(graph, iri, label, kind_of_name(label), definition)
        graph.add((iri, VGV.confidence, _decimal(NEW_ACTOR_CONFIDENCE)))
        report.new_actors += 1
    curated = curated_index(graph)
    written: dict[str, Statement] = {}
    for statement in statements:
        written.setdefault(statement.key, statement)
    for key, statement in written.items():
        node = FACT[f"x-{key}"]
        _write(graph, node, statement)
        for fact in curated.get(statement_key(statement), ()):
            graph.add((node, VGV.restates, fact))
            report.restating += 1
        if statement.kind == "duty":
            report.duties += 1
        elif statement.kind == "assessment":
            report.assessments += 1
        else:
            report.relationships += 1
    report.statements = tuple(written.values())
    return report


def _first_documents(
    statements: Sequence[Statement], documents: Sequence[Document], role: str = "subject"
) -> dict[str, str]:
    """The title of the first document each actor is the ``role`` of a statement in."""
    titles = {d.id: d.title for d in documents}
    out: dict[str, str] = {}
    for statement in statements:
        if actor := getattr(statement, role):
            out.setdefault(actor, titles.get(statement.document_id, statement.document_id))
    return out


def _write(graph: Graph, node: URIRef, statement: Statement) -> None:
    if statement.kind == "duty":
        graph.add((node, RDF.type, VGV.Duty))
        graph.add((node, VGV.bearer, URIRef(statement.subject)))
        graph.add((node, VGV.modality, VGV[statement.predicate]))
    elif statement.kind == "assessment":
        graph.add((node, RDF.type, VGV.Assessment))
        graph.add((node, VGV.assessor, URIRef(statement.subject)))
    else:
        subject, relation, target = (URIRef(v) for v in (statement.subject, statement.predicate, statement.object))
        graph.add((node, RDF.type, VGV.Relationship))
        graph.add((node, VGV.subject, subject))
        graph.add((node, VGV.relation, relation))
        graph.add((node, VGV.object, target))
        graph.add((subject, relation, target))
    graph.add((node, VGV.statement, Literal(statement.statement, lang="sv")))
    graph.add((node, VGV.quote, Literal(statement.quote)))
    graph.add((node, VGV.inDocument, document_iri(statement.document_id)))
    graph.add((node, PROV.wasDerivedFrom, passage_iri(statement.passage_id)))
    for law in statement.laws:
        graph.add((node, VGV.legalBasis, URIRef(law)))
    for group in statement.groups:
        graph.add((node, VGV.targetGroup, URIRef(group)))
    if statement.since:
        graph.add((node, VGV.since, Literal(statement.since, datatype=XSD.date)))
    graph.add((node, PROV.wasGeneratedBy, VGV.extractor))
    graph.add((node, VGV.confidence, _decimal(statement.confidence)))
