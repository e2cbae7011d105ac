"""The ontology (ontology.ttl): every term labelled in Swedish and English and explained,
the contract's terms present, and every vgv: term the curated data uses defined."""

from __future__ import annotations

import re

import pytest
from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, SKOS

from vemgorvad import settings
from vemgorvad.graph.build import facts_files
from vemgorvad.vocab import VGV

EXTERNAL = ("http://www.w3.org/ns/org#", "http://www.w3.org/2004/02/skos/core#")
"""Vocabularies whose classes a relation may range over without declaring them here."""

TERM_TYPES = (
    OWL.Class,
    OWL.ObjectProperty,
    OWL.DatatypeProperty,
    OWL.AnnotationProperty,
    VGV.RelationProperty,
)

CONTRACT_CLASSES = [
    "Actor", "Function", "Regulation", "Provision", "TargetGroup", "Fact", "Duty",
    "Relationship", "RegulationEvent", "Document", "Passage",
]  # fmt: skip
CONTRACT_PROPERTIES = [
    "actorKind", "regulationKind", "citation", "inForce", "quote", "inDocument", "statement",
    "since", "bearer", "modality", "legalBasis", "targetGroup", "subject", "object", "relation",
    "funds", "collaboratesWith", "coordinates", "commissions", "reportsTo", "runs", "supports",
    "refersTo", "placedAt", "partyTo", "employs", "responsibleFor", "basedOn", "adoptedBy",
    "regulation", "eventKind", "date", "kind", "passageId", "section", "text", "ordinal",
    "hasText", "passage",
]  # fmt: skip
CONTRACT_CONCEPTS = {
    "ActorKinds": [
        "StateActor", "RegionalActor", "MunicipalActor", "CivilSociety", "InternationalActor",
        "HealthCare", "Academia",
    ],
    "RegulationKinds": [
        "Lag", "Forordning", "Myndighetsforeskrift", "Konvention", "EUDirektiv", "EUForordning",
        "Skrivelse", "Handlingsplan", "Bestammelse", "Mal",
    ],
    "Modalities": ["Ska", "AnsvararFor", "Far", "HarIUppdragAtt"],
    "EventKinds": ["EnteredIntoForce", "Amended", "Extended", "Decided"],
}  # fmt: skip


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(settings.ONTOLOGY, format="turtle")


def _languages(graph: Graph, node: URIRef, predicate: URIRef) -> set[str | None]:
    return {o.language for o in graph.objects(node, predicate) if isinstance(o, Literal)}


def _terms(graph: Graph) -> set[URIRef]:
    return {
        term
        for term_type in TERM_TYPES
        for term in graph.subjects(RDF.type, term_type)
        if isinstance(term, URIRef) and term.startswith(str(VGV))
    }


def test_ontology_header(ontology: Graph) -> None:
    headers = list(ontology.subjects(RDF.type, OWL.Ontology))
    assert len(headers) == 1
    header = headers[0]
    assert {"sv", "en"} <= _languages(ontology, header, DCTERMS.title)
    assert re.fullmatch(r"\d+\.\d+\.\d+", str(ontology.value(header, OWL.versionInfo)))


def test_every_term_has_swedish_and_english_label_and_comment(ontology: Graph) -> None:
    terms = _terms(ontology)
    assert len(terms) > 50
    for term in sorted(terms):
        assert {"sv", "en"} <= _languages(ontology, term, RDFS.label), f"{term}: labels"
        assert "sv" in _languages(ontology, term, RDFS.comment), f"{term}: comment"


def test_contract_terms_are_defined(ontology: Graph) -> None:
    for name in CONTRACT_CLASSES:
        assert (VGV[name], RDF.type, OWL.Class) in ontology, name
    terms = _terms(ontology)
    for name in CONTRACT_PROPERTIES:
        assert VGV[name] in terms, name


def test_concept_schemes_hold_the_contract_concepts(ontology: Graph) -> None:
    for scheme, names in CONTRACT_CONCEPTS.items():
        assert (VGV[scheme], RDF.type, SKOS.ConceptScheme) in ontology
        for name in names:
            concept = VGV[name]
            assert (concept, SKOS.inScheme, VGV[scheme]) in ontology, name
            assert {"sv", "en"} <= _languages(ontology, concept, SKOS.prefLabel), name
            assert "sv" in _languages(ontology, concept, SKOS.definition), name


def test_relation_properties_are_declared_with_domain_and_range(ontology: Graph) -> None:
    classes = set(ontology.subjects(RDF.type, OWL.Class))
    relations = set(ontology.subjects(RDF.type, VGV.RelationProperty))
    assert {
        VGV.funds, VGV.collaboratesWith, VGV.coordinates, VGV.commissions, VGV.reportsTo,
        VGV.runs, VGV.supports, VGV.refersTo, VGV.placedAt, VGV.partyTo, VGV.employs,
        VGV.responsibleFor, VGV.basedOn, VGV.adoptedBy,
    } <= relations  # fmt: skip
    for relation in relations:
        if relation.startswith(str(VGV)):
            for end in (RDFS.domain, RDFS.range):
                declared = ontology.value(relation, end)
                assert declared in classes or str(declared).startswith(EXTERNAL), (relation, end)


def test_curated_data_uses_only_defined_vgv_terms(ontology: Graph) -> None:
    """A misspelt vgv: term in a facts file (vgv:legalbasis) would silently be a new term."""
    defined = set(ontology.subjects(RDF.type, None))
    for path in facts_files():
        data = Graph().parse(path, format="turtle")
        used = {
            term
            for triple in data
            for term in (triple[1], triple[2])
            if isinstance(term, URIRef) and term.startswith(str(VGV))
        }
        undefined = sorted(str(term) for term in used - defined)
        assert not undefined, f"{path.name} uses undefined terms: {undefined}"
