"""What a legal reference names in the knowledge graph.

:class:`ReferenceResolver` maps a :class:`vemgorvad.legal.LegalRef` to the regulation
node of the graph that it names: the parser's IRI when the graph holds it, else the
graph's own labels and citations decide. The extractor (:mod:`vemgorvad.graph.extract`)
and the checker (:mod:`vemgorvad.graph.checker`) share it, so the build and the checker
agree on what a reference means.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, SKOS

from vemgorvad.legal import LegalRef, provision_fragment
from vemgorvad.text import fold_label
from vemgorvad.vocab import LAGEN, VGV

__all__ = ["REGULATION_CLASSES", "ReferenceResolver", "Resolution", "strip_genitive"]

REGULATION_CLASSES = (VGV.Regulation, VGV.Provision, VGV.PreparatoryWork)
"""The node types a legal reference can resolve to."""

_PARENTHESIS = re.compile(r"\s*\([^()]*(?:\([^()]*\)[^()]*)*\)\s*")


def strip_genitive(key: str) -> str:
    """The folded key without a closing genitive s ("jämställdhetsmyndighetens" → "…ten").

    >>> strip_genitive("fn:s"), strip_genitive("socialstyrelsens"), strip_genitive("sol")
    ('fn', 'socialstyrelsen', 'sol')
    """
    if key.endswith(":s"):
        return key[:-2]
    if len(key) > 4 and key.endswith("s") and not key.endswith("ss"):
        return key[:-1]
    return key


@dataclass(frozen=True)
class Resolution:
    """What a legal reference names in the graph.

    Attributes:
        act: the act (the graph's node when known, else the parser's IRI).
        provision: the section (§) the reference names, when it names one (may be absent
            from the graph).
        node: the graph node to link: the provision when the graph has it, else the act
            when the graph has it, else None.
        extracted: the node is known only from automatic extraction, not curated.
    """

    act: URIRef
    provision: URIRef | None
    node: URIRef | None
    extracted: bool

    @property
    def known(self) -> bool:
        """Whether the graph holds the reference's act (or provision) at all."""
        return self.node is not None


class ReferenceResolver:
    """Maps parsed legal references to the regulation nodes of a graph.

    The parser's IRI is used when the graph holds it. Where the parser found the act by
    a name, or its IRI is not in the graph, the graph's own labels and citations decide
    ("Bryssel II-förordningen" is the curated node of that label; "den nya
    socialtjänstlagen" is socialtjänstlag (2025:400); "1996 års Haagkonvention" is the
    curated node, whatever slug the parser gives it).

    Args:
        graph: a graph built by :func:`vemgorvad.graph.build.build_graph`.
    """

    LOOKBACK_WORDS = 3
    """How many words before a law name may belong to a longer curated label."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.regulations: set[URIRef] = {
            node
            for cls in REGULATION_CLASSES
            for node in graph.subjects(RDF.type, cls)
            if isinstance(node, URIRef)
        }
        self.extracted: set[URIRef] = {
            node
            for node in graph.subjects(PROV.wasGeneratedBy, VGV.extractor)
            if isinstance(node, URIRef)
        }
        by_label: dict[str, set[URIRef]] = defaultdict(set)
        for node in self.regulations:
            for predicate in (SKOS.prefLabel, SKOS.altLabel, VGV.citation, DCTERMS.identifier):
                for value in graph.objects(node, predicate):
                    if isinstance(value, Literal) and value.language in (None, "sv"):
                        by_label[fold_label(str(value))].add(node)
        # an extracted node never shadows a curated one of the same label
        self.by_label: dict[str, URIRef] = {}
        for key, nodes in by_label.items():
            curated = nodes - self.extracted or nodes
            if len(curated) == 1:
                self.by_label[key] = next(iter(curated))

    def lookup(self, name: str) -> URIRef | None:
        """The regulation a name, alias or citation denotes, or None (unknown or ambiguous)."""
        key = fold_label(name)
        return self.by_label.get(key) or self.by_label.get(strip_genitive(key))

    def _lookup_named(self, ref: LegalRef, text: str | None) -> URIRef | None:
        """The curated node a law name denotes, trying longer labels that end with it."""
        if text is not None:
            before = text[max(0, ref.start - 80) : ref.start].split()
            for words in range(min(self.LOOKBACK_WORDS, len(before)), 0, -1):
                found = self.lookup(" ".join([*before[-words:], ref.text]))
                if found is not None:
                    return found
        return self.lookup(ref.text)

    def resolve(self, ref: LegalRef, text: str | None = None) -> Resolution:
        """The graph node a reference names.

        Args:
            ref: a reference from :mod:`vemgorvad.legal`.
            text: the text it was read from, to try longer names ("den nya …").
        """
        act = URIRef(ref.act.split("#", 1)[0])
        whole_act = ref.chapter is None and ref.section is None
        named: URIRef | None = None
        if ref.resolved_by == "name_lookup" and whole_act:
            named = self._lookup_named(ref, text)
        if named is None and act not in self.regulations:
            candidates = [ref.act_label, _PARENTHESIS.sub(" ", ref.act_label)]
            if ref.sfs:
                candidates.append(f"SFS {ref.sfs}")
            if whole_act:
                candidates.insert(0, ref.text)
            named = next(filter(None, map(self.lookup, candidates)), None)
        if named is not None:
            act = named
        provision = None
        if ref.section and str(act).startswith(str(LAGEN)) and "#" not in str(act):
            fragment = provision_fragment({"chapter": ref.chapter or None, "section": ref.section})
            provision = URIRef(f"{act}#{fragment}")
        node = None
        if provision is not None and provision in self.regulations:
            node = provision
        elif act in self.regulations:
            node = act
        return Resolution(act, provision, node, node is not None and node in self.extracted)
