"""The statement extractor's data: its patterns file and what it finds.

Shared by :mod:`vemgorvad.graph.statements` (the extractor), its sentence rules
(:mod:`vemgorvad.graph.statements_rules`) and its writer
(:mod:`vemgorvad.graph.statements_rdf`).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from rdflib import URIRef

from vemgorvad.vocab import ACTOR, slug

PATTERNS_FILE = Path(__file__).resolve().parent / "data" / "statement_patterns.json"
"""The extractor's knowledge: cue words, modalities, role words and relation cues."""


@cache
def patterns() -> dict[str, Any]:
    """The patterns file, read once."""
    data: dict[str, Any] = json.loads(PATTERNS_FILE.read_text(encoding="utf-8"))
    return data


@cache
def compiled(pattern: str) -> re.Pattern[str]:
    """A pattern of the patterns file, compiled once (case-insensitive)."""
    return re.compile(pattern, re.IGNORECASE)


@dataclass(frozen=True)
class Statement:
    """One duty, relationship or assessment read from one sentence.

    Attributes:
        kind: ``duty``, ``relationship`` or ``assessment``.
        subject: the bearer (duty), the relationship's subject or the assessor, an actor IRI.
        predicate: the modality's local name (``Ska``, ``FarInte`` …), the relation
            property's IRI, or ``vgv:assessor``'s.
        statement: the action phrase in Swedish ("ska verka för att …"), or what an
            assessment finds (what follows "bedömer att").
        quote: the sentence (or list item), verbatim from the passage.
        passage_id: the passage's stable id.
        document_id: its document's id.
        object: the relationship's object; empty for a duty.
        laws: legal basis IRIs.
        groups: target group IRIs.
        since: an ISO date the statement holds from.
        confidence: how sure the rule is.
        rule: which rule found it.
    """

    kind: str
    subject: str
    predicate: str
    statement: str
    quote: str
    passage_id: str
    document_id: str
    object: str = ""
    laws: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    since: str | None = None
    confidence: float = 0.7
    rule: str = ""

    @property
    def key(self) -> str:
        """A stable key: kind, passage, subject, predicate, object and quote hashed."""
        text = "\n".join(
            (self.kind, self.passage_id, self.subject, self.predicate, self.object, self.statement)
        )
        return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


@dataclass
class StatementReport:
    """What :func:`extract_statements` added.

    Attributes:
        passages: passages read.
        duties: extracted duties.
        relationships: extracted relationships.
        assessments: extracted findings ("Förvaltningen bedömer att …").
        restating: extracted statements linked to a curated one (``vgv:restates``).
        new_actors: organisations created as bearers ("Förvaltningsrätten").
        seconds: time taken.
        statements: everything found, in reading order.
    """

    passages: int = 0
    duties: int = 0
    relationships: int = 0
    assessments: int = 0
    restating: int = 0
    new_actors: int = 0
    seconds: float = 0.0
    statements: tuple[Statement, ...] = ()

    def summary(self) -> str:
        """One line for a log."""
        return (
            f"{self.passages} passages: {self.duties} duties, {self.relationships} "
            f"relationships, {self.assessments} assessments, {self.restating} restating "
            f"curated ones, {self.new_actors} new "
            f"actors in {self.seconds:.2f} s"
        )


@dataclass(frozen=True)
class Mention:
    """An actor named in a passage: its span, the actor, and whether a role word resolved it."""

    start: int
    end: int
    entity: URIRef
    anaphor: bool = False


@dataclass(frozen=True)
class Cue:
    """A duty cue found for one subject mention."""

    mention: Mention
    cut: int  # where the previous statement's action must end
    action: int  # where this one's action starts
    modality: str
    say: str
    rule: str
    negatable: str | None



def new_actor_iri(key: str) -> URIRef:
    """The IRI of an organisation first found as a bearer ("förvaltningsrätten")."""
    return ACTOR[slug(key)]
