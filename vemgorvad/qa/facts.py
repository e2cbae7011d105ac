"""The graph's side of an answer: which facts to show, in what words.

Facts are drawn from the passages the ranker put first, scored by their own closeness to
the question and their passage's rank; a stated list is kept whole; the laws the best
passages cite come along as extracted facts. The summary leads with the answering
sentences, quoted with their source, then says the first facts as sentences.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from vemgorvad import settings
from vemgorvad.corpus.model import Passage
from vemgorvad.graph.model import Entity, Fact, KnowledgeGraph
from vemgorvad.text import normalize_space
from vemgorvad.vocab import VGV, passage_iri

TEXTS: dict[str, dict[str, str]] = {
    lang: words
    for lang, words in json.loads(
        (Path(__file__).parent / "data" / "answer_texts.json").read_text(encoding="utf-8")
    ).items()
    if not lang.startswith("_")
}
"""What the engine says, per language (``data/answer_texts.json``)."""


_HEAD_NOUNS = frozenset(
    {
        "administration", "agency", "assembly", "authority", "board", "clinic", "committee",
        "council", "court", "department", "government", "inspectorate", "network", "office",
        "service", "shelter", "team", "union", "unit", "university", "worker",
    }
)  # fmt: skip
"""The head nouns of a body's English name that make it a common noun phrase, said with
"the" in a sentence ("the Swedish Police Authority"); a proper name is said as it is
("Nexus", "Swedish Customs", "Uppsala Municipality")."""


def english_name(name: str) -> str:
    """An English name as a sentence says it: with "the" when it is a common noun phrase.

    Its head noun is the last word before "of", "for", "against", "in", a dash or a
    parenthesis.

    >>> english_name("Social Welfare Committee"), english_name("County Administrative Board of Stockholm")
    ('the Social Welfare Committee', 'the County Administrative Board of Stockholm')
    >>> english_name("Nexus"), english_name("Swedish Customs"), english_name("The Government")
    ('Nexus', 'Swedish Customs', 'The Government')
    >>> english_name("MVU – Clinic against violence in Uppsala")
    'MVU – Clinic against violence in Uppsala'
    """
    phrase = re.split(r"\s(?:of|for|against|in|–|-)\s|\s\(", name, maxsplit=1)[0].split()
    if not phrase or phrase[0].lower() in ("the", "a", "an") or phrase[-1].lower() not in _HEAD_NOUNS:
        return name
    return f"the {name}"


def sentence(graph: KnowledgeGraph, fact: Fact, lang: str) -> str:
    """A fact as one sentence: its subject's name and its statement, in a language.

    A Swedish statement read after its subject's genitive, as the quote says it
    ("socialtjänstens ansvar för våldsutövare"), is said after the name in the genitive:
    "Socialtjänstens ansvar för våldsutövare", not "Socialtjänsten ansvar för …".
    """
    subject = graph.entity(fact.subject)
    if lang == "en":
        name = english_name(subject.label_en or subject.label) if subject else ""
        return f"{name} {fact.statement_en or fact.statement}".strip()
    if subject is None:
        return fact.statement.strip()
    name = genitive(subject.label) if _after_genitive(subject, fact) else subject.label
    return f"{name} {fact.statement}".strip()


def genitive(name: str) -> str:
    """A Swedish name in the genitive.

    >>> genitive("Socialnämnden"), genitive("Uppsala kommun"), genitive("Nexus")
    ('Socialnämndens', 'Uppsala kommuns', 'Nexus')
    """
    return name if name[-1:].casefold() in ("s", "x", "z") else f"{name}s"


def _after_genitive(subject: Entity, fact: Fact) -> bool:
    """Whether the fact's quote says its statement right after the subject in the
    genitive: by the last word of one of its names, definite or not, or the end of it
    ("myndighetens" for Polismyndigheten, "kommunens" for Kommunerna)."""
    head = fact.statement.split()[:3]
    if not head or not fact.quote:
        return False
    pattern = r"\b(\w+)s\s+" + r"\s+".join(map(re.escape, head)) + r"\b"
    names = {_indefinite(n.split()[-1]) for n in (subject.label, *subject.alt_labels) if n.split()}
    for found in re.finditer(pattern, fact.quote, re.IGNORECASE):
        said = _indefinite(found.group(1))
        if len(said) >= settings.GENITIVE_MIN_STEM and any(name.endswith(said) for name in names):
            return True
    return False


def _indefinite(word: str) -> str:
    """A noun without its definite ending, folded, so that "kommunen" and "kommunerna"
    are one word.

    >>> _indefinite("Kommunerna"), _indefinite("myndigheten"), _indefinite("Nexus")
    ('kommun', 'myndighet', 'nexus')
    """
    folded = word.casefold()
    for ending in ("erna", "arna", "orna", "na", "en", "et"):
        if folded.endswith(ending) and len(folded) > len(ending) + 2:
            return folded[: -len(ending)]
    return folded

def rank_facts(
    graph: KnowledgeGraph,
    ranked: Sequence[str],
    fact_scores: dict[str, float],
    kind: str,
    evidence: Sequence[Mapping[str, str]] = (),
) -> list[tuple[float, Fact]]:
    """The facts to show: first those the answering sentences state (a fact's quote and
    an answering sentence of its passage overlap), then those strong on their own and
    from a passage that ranks high; a stated list is kept whole.

    Args:
        graph: the knowledge graph.
        ranked: passage ids, best first.
        fact_scores: fact IRI → its score (closeness to the question, named entities).
        kind: the question's kind ("when", "law" … favour facts with a date, a law).
        evidence: the answering sentences (``{"passage_id", "text"}``).
    """
    position = {pid: i for i, pid in enumerate(ranked)}
    scored = []
    for iri, score in fact_scores.items():
        fact = graph.facts[iri]
        rank = position.get(fact.passage_id or "")
        if rank is None or rank >= settings.FACT_PASSAGES:
            continue
        total = score + settings.FACT_RANK_WEIGHT / (1 + rank)
        if kind == "when" and fact.since:
            total += settings.FACT_KIND_BONUS
        if kind == "law" and fact.laws:
            total += settings.FACT_KIND_BONUS
        scored.append((total, fact))
    # an extracted statement that a curated one restates (the same kind, the same actors,
    # the same passage: the graph's vgv:restates) is not shown beside it: the curated one is
    curated = {_restatement_key(f) for _, f in scored if not f.extracted}
    scored = [(t, f) for t, f in scored if not (f.extracted and _restatement_key(f) in curated)]
    scored.sort(key=lambda item: (-item[0], item[1].iri))
    if not scored:
        return []
    floor = scored[0][0] - settings.FACT_SCORE_SPREAD
    stated = [item for item in scored if _states(item[1], evidence)]
    strong = [item for item in scored if item[0] >= floor and item not in stated]
    return with_siblings((stated + strong)[: settings.MAX_FACTS], scored)


def _states(fact: Fact, evidence: Sequence[Mapping[str, str]]) -> bool:
    """Whether an answering sentence says what the fact says: the fact's quote lies in it,
    or it lies in the quote (a quote may span sentences)."""
    quote = normalize_space(fact.quote or "")
    return bool(quote) and any(
        item["passage_id"] == fact.passage_id
        and (quote in normalize_space(item["text"]) or normalize_space(item["text"]) in quote)
        for item in evidence
    )

def _restatement_key(fact: Fact) -> tuple[str, frozenset[str], str | None]:
    return fact.kind, frozenset({fact.subject, *fact.objects}), fact.passage_id


def with_siblings(
    shown: list[tuple[float, Fact]], scored: list[tuple[float, Fact]]
) -> list[tuple[float, Fact]]:
    """Keep a list whole: a shown relationship brings the others its passage states
    with the same subject and relation ("funds TRIS, MVU, Kvinnobyrå …")."""
    taken = {fact.iri for _, fact in shown}
    out: list[tuple[float, Fact]] = []
    for score, fact in shown:
        out.append((score, fact))
        if fact.kind != "relationship":
            continue
        for other_score, other in scored:
            if (
                other.iri not in taken
                and other.kind == "relationship"
                and other.passage_id == fact.passage_id
                and other.subject == fact.subject
                and other.relation == fact.relation
            ):
                taken.add(other.iri)
                out.append((other_score, other))
    return out[: settings.MAX_FACTS_WITH_SIBLINGS]

def citations(
    graph: KnowledgeGraph,
    ranked: Sequence[str],
    facts: list[tuple[float, Fact]],
    lang: str,
    text_of: Mapping[str, Sequence[str]],
    passages: Mapping[str, Passage],
) -> list[dict[str, Any]]:
    """The laws of the best passages that no shown fact names, as extracted facts: the
    law a passage is the text of (a section of a statute: "artikel 34" of the law on the
    Convention on the Rights of the Child), then the laws it cites.

    Args:
        graph: the knowledge graph.
        ranked: passage ids, best first.
        facts: the facts shown.
        lang: the answer's language.
        text_of: passage id → the provision and the act it is the text of, if any.
        passages: the passages by id (a section quotes its first line: "Artikel 34").
    """
    shown = {law for _, fact in facts for law in (*fact.laws, fact.subject, *fact.objects)}
    out: list[dict[str, Any]] = []
    for passage_id in ranked[: settings.CITATION_PASSAGES]:
        heading = passages[passage_id].text.split("\n", 1)[0]
        laws = [(iri, "part_of", heading) for iri in _with_acts(graph, text_of.get(passage_id, ()))]
        laws += [(iri, "cites", words) for iri, words in graph.citations.get(passage_id, ())]
        for iri, relation, words in laws:
            entity = graph.entity(iri)
            if iri in shown or entity is None or (relation == "cites" and entity.kind == "provision"):
                continue
            shown.add(iri)
            out.append(citation_json(entity, passage_id, relation, words, lang))
    return out[: settings.MAX_CITATIONS]


def citation_json(entity: Entity, passage_id: str, relation: str, words: str, lang: str) -> dict[str, Any]:
    """A passage's law as an extracted fact of the answer: the passage "cites" it (with
    the words that do) or "part_of" it (a section of the law)."""
    return {
        "id": f"{passage_id}#{relation}-{entity.iri}",
        "kind": "citation",
        "actor": None,
        "subject": None,  # the passage is what is a section of a law, or cites one
        "relation": "cites" if relation == "cites" else "isPartOf",
        "statement": TEXTS[lang][relation].format(
            law=(entity.label_en if lang == "en" else None) or entity.label
        ),
        "object": entity.ref(),
        "laws": [entity.ref()],
        "target_groups": [],
        "since": entity.in_force,
        "source": {"passage_id": passage_id, "quote": words},
        "extracted": True,
        "score": 0.0,
    }


def _ref(graph: KnowledgeGraph, iri: str) -> dict[str, Any] | None:
    entity = graph.entity(iri)
    return entity.ref() if entity else None

def _with_acts(graph: KnowledgeGraph, laws: Sequence[str]) -> list[str]:
    """Laws with the act each provision belongs to after it, once: a reader asking which
    law binds gets "Brottsbalken" beside "4 kap. 1 a § brottsbalken"."""
    out: list[str] = []
    for iri in laws:
        entity = graph.entity(iri)
        act = iri.split("#")[0]
        for law in (iri, act) if entity and entity.kind == "provision" else (iri,):
            if law not in out and graph.entity(law) is not None:
                out.append(law)
    return out


def fact_json(graph: KnowledgeGraph, fact: Fact, score: float) -> dict[str, Any]:
    subject = graph.entity(fact.subject)
    actor = _ref(graph, fact.subject) if subject and subject.kind == "actor" else None
    laws = [r for r in (_ref(graph, i) for i in _with_acts(graph, fact.laws)) if r]
    objects = [r for r in (_ref(graph, i) for i in fact.objects) if r]
    return {
        "id": fact.iri,
        "kind": fact.kind,
        "actor": actor,
        "subject": _ref(graph, fact.subject) if subject else None,
        "relation": fact.relation,
        "statement": fact.statement,
        "statement_en": fact.statement_en,
        "object": objects[0] if objects else None,
        "laws": laws,
        "target_groups": [r for r in (_ref(graph, i) for i in fact.groups) if r],
        "since": fact.since,
        "source": {"passage_id": fact.passage_id, "quote": fact.quote},
        "extracted": fact.extracted,
        "score": round(score, 4),
    }

def source_name(passage: Passage, graph: KnowledgeGraph | None = None) -> str:
    """A passage as a reader names it: a statute's section as the law is cited ("5 kap.
    11 § socialtjänstlagen (SFS 2001:453)", its id when the graph names no section of it),
    a memo's paragraph by its document and section."""
    if "#" in passage.id:
        return ", ".join(part for part in (passage.document, passage.section) if part)
    if graph is None:
        return passage.id
    section = passage.id.removeprefix(passage.document).strip()  # "5 kap. 11 §"
    names = [
        label
        for iri in graph.graph.subjects(VGV.passage, passage_iri(passage.id))
        if (entity := graph.entity(str(iri)))
        for label in (entity.label, *entity.alt_labels)
        if label.startswith(f"{section} ")
    ]
    # the law spelled out ("brottsbalken") before its abbreviation ("BrB")
    cited = sorted(names, key=lambda label: (-len(label), label))
    if not section or not cited:
        return passage.id
    number = passage.document.removeprefix("SFS ")
    return cited[0] if number in cited[0] else f"{cited[0]} ({passage.document})"


def summary(
    graph: KnowledgeGraph,
    passages: Mapping[str, Passage],
    evidence: list[dict[str, str]],
    facts: list[Fact],
    ranked: Sequence[str],
    lang: str,
) -> str:
    """The answer in words: the answering sentences quoted with their source, then the
    graph's facts as sentences (duties, relationships and findings; a fact that is not
    a statement of who does what is shown as a card, not summarised)."""
    words = TEXTS[lang]
    quote = words["quote_translated" if lang == "en" else "quote"]
    sentences = [
        quote.format(text=e["text"], source=source_name(passages[e["passage_id"]], graph))
        for e in evidence[: settings.SUMMARY_EVIDENCE]
    ]
    quoted = _folded(" ".join(e["text"] for e in evidence[: settings.SUMMARY_EVIDENCE]))
    stated = [
        f
        for f in facts
        if f.kind in ("duty", "relationship", "assessment")
        and not (f.quote and _folded(f.quote) in quoted)  # its words are quoted already
        and (lang != "en" or f.statement_en)  # a Swedish statement is a card, not an English sentence
    ]
    # one sentence of the source about one subject is said once: a duty and a relationship
    # read from it ("gör en anmälan till … Mottagningsenheten", "anmäler till
    # Mottagningsenheten") say the same thing twice; both stay cards
    said_of: dict[tuple[str, str], Fact] = {}
    for fact in stated:
        said_of.setdefault((fact.subject, _folded(fact.quote) if fact.quote else fact.iri), fact)
    for fact in list(said_of.values())[: settings.SUMMARY_FACTS]:
        subject = graph.entity(fact.subject)
        statement = (fact.statement_en if lang == "en" else None) or fact.statement
        if fact.kind == "assessment" and subject:
            name = english_name(subject.label_en or subject.label) if lang == "en" else subject.label
            parts = [words["assessment"].format(name=name, statement=statement)]
        else:
            parts = [sentence(graph, fact, lang)]
        laws = [e for e in map(graph.entity, fact.laws) if e and e.iri != fact.subject]
        said_laws = {name for law in laws for name in (law.label, law.label_en) if name}
        if laws and not any(name.casefold() in statement.casefold() for name in said_laws):
            parts.append(words["law"].format(laws=", ".join(_law_names(laws, lang))))
        if fact.since and fact.since[:4] not in statement:
            parts.append(words["since"].format(since=fact.since))
        said = ", ".join(parts)
        sentences.append(said[0].upper() + said[1:].rstrip(".") + ".")
    if sentences:
        return " ".join(sentences)
    if not ranked:
        return words["abstain"]
    passage = passages[ranked[0]]
    first = re.split(r"(?<=[.!?])\s", passage.text, maxsplit=1)[0]
    return words["passage_only"].format(
        section=passage.section or passage.document, sentence=first
    )


def _law_names(laws: Sequence[Any], lang: str) -> list[str]:
    """The names of a fact's laws for a sentence, each once: an act whose section is
    named too goes unsaid ("enligt 5 kap. 11 § socialtjänstlagen", not "enligt
    Socialtjänstlagen, 5 kap. 11 § socialtjänstlagen").

    >>> from types import SimpleNamespace as Law
    >>> _law_names([Law(label="Socialtjänstlagen", label_en=None),
    ...             Law(label="5 kap. 11 § socialtjänstlagen", label_en=None)], "sv")
    ['5 kap. 11 § socialtjänstlagen']
    """
    names = [(law.label_en if lang == "en" else None) or law.label for law in laws]
    return [
        name
        for name in names
        if not any(name.casefold() in other.casefold() for other in names if other != name)
    ]


def _folded(text: str) -> str:
    return normalize_space(text).casefold()
