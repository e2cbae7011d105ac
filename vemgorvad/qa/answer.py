"""The answer engine: the one function every face calls.

:meth:`Engine.ask` reads a question, retrieves from both sides — the graph's facts and
passages by hybrid search — and lets each side rank the other (a passage is as close to
the question as the closest of its curated facts; a fact from a passage that ranks high,
about an entity the question names, comes first), explains links between named entities
with graph paths, and answers in the shape of ``shared/spec/answer-contract.md``. When neither side
answers the question it abstains, in the question's language, and still lists the
nearest passages for a person to judge.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import re
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from vemgorvad import settings
from vemgorvad.graph.query import Entity, Fact, KnowledgeGraph
from vemgorvad.index.lexical import LexicalIndex
from vemgorvad.qa import understand
from vemgorvad.qa.understand import EntityMatcher, Mention

logger = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 2000
"""Longer input is cut: no question needs more, and embedding cost grows with length."""

TEXTS = {
    "sv": {
        "empty": "Skriv en fråga, till exempel ”Vem samordnar arbetet mot människohandel?”.",
        "abstain": "Dokumenten täcker inte den frågan. De närmaste styckena visas nedan, så att du själv kan bedöma dem.",
        "unknown_law": "Dokumenten innehåller inget om vad {laws} säger. De närmaste styckena visas nedan.",
        "no_number": "Dokumenten anger ingen sådan siffra. De närmaste styckena visas nedan.",
        "unknown_source": "Dokumenten återger inte vad {source} säger. De närmaste styckena visas nedan.",
        "assessment": "Enligt {name}: {statement}",
        "cites": "nämner {law}",
        "passage_only": "Det mest relevanta stycket ({section}): ”{sentence}”",
        "law": "enligt {laws}",
        "since": "sedan {since}",
        "uncertain": "Osäkert svar: kontrollera de citerade styckena.",
    },
    "en": {
        "empty": "Type a question, for example “Who coordinates the work against human trafficking?”.",
        "abstain": "The documents do not cover this question. The nearest passages are listed below for you to judge.",
        "unknown_law": "The documents say nothing about what {laws} says. The nearest passages are listed below.",
        "no_number": "The documents give no such figure. The nearest passages are listed below.",
        "unknown_source": "The documents do not give what {source} says. The nearest passages are listed below.",
        "assessment": "According to {name}: {statement}",
        "cites": "cites {law}",
        "passage_only": "The most relevant passage ({section}): “{sentence}”",
        "law": "under {laws}",
        "since": "since {since}",
        "uncertain": "Uncertain answer: check the cited passages.",
    },
}


@dataclass(frozen=True)
class Scored:
    passage_id: str
    score: float
    dense: float | None


def clean_question(text: str) -> str:
    """Remove control characters, fold white space, cut to a sane length."""
    text = "".join(
        " " if unicodedata.category(c).startswith("C") and c not in "\t\n" else c for c in text
    )
    return re.sub(r"\s+", " ", text).strip()[:MAX_QUESTION_CHARS]


class Engine:
    """Graph + index + model, loaded once; :meth:`ask` answers a question."""

    def __init__(
        self,
        graph: KnowledgeGraph,
        index: Any,
        embedder: Any,
        cache: Path | None = None,
    ) -> None:
        self.graph = graph
        self.index = index
        self.embedder = embedder
        self.passages = {p.id: p for p in index.passages}
        self.matcher = EntityMatcher(
            graph.entities.values(),
            [p.text for p in index.passages],
            [f.statement_en or "" for f in graph.facts.values()],
        )
        self._semantic_entities = [
            e for e in graph.entities.values() if not e.extracted and e.kind != "provision"
        ]
        self._facts = [f for f in graph.facts.values() if f.passage_id in self.passages]
        texts = [_describe(e) for e in self._semantic_entities]
        # Each fact is embedded by its statement in Swedish and, where it has one, English.
        # A fact is embedded three ways: its Swedish statement, its English statement,
        # and its quote (the source's own words, a sentence rather than a paragraph).
        english = [self._sentence(f, "en") for f in self._facts]
        statements = [self._sentence(f, "sv") for f in self._facts]
        statements += english
        statements += [f.quote or f.statement for f in self._facts]
        vectors = _cached_vectors(embedder, texts + statements, cache)
        self._entity_vectors = vectors[: len(texts)]
        n = len(self._facts)
        self._fact_vectors = vectors[len(texts) :].reshape(3, n, -1) if n else None
        named = _cached_named(
            self._named_in,
            {p.id: p.text for p in index.passages},
            {f.iri: f"{f.statement} {f.quote}" for f in self._facts},
            [
                (e.iri, e.label, e.label_en, *e.alt_labels, *e.hidden_labels)
                for e in graph.entities.values()
            ],
            cache.with_name("qa-entities.json") if cache else None,
        )
        self._english = LexicalIndex.build(english, language="en")
        self._specificity = _specificity(named["passages"], len(index.passages))
        self._fact_entities = {
            f.iri: f.entities | frozenset(named["facts"][f.iri]) for f in self._facts
        }

    def _named_in(self, text: str) -> list[str]:
        """The entities a text names by a label, as the matcher finds them in questions."""
        return sorted(
            m.entity.iri for m in self.matcher.find(text) if m.weight >= settings.NAMED_MIN_WEIGHT
        )

    def _sentence(self, fact: Fact, lang: str) -> str:
        """A fact as one sentence: its subject's name and its statement, in a language."""
        subject = self.graph.entity(fact.subject)
        if lang == "en":
            name = (subject.label_en or subject.label) if subject else ""
            return f"{name} {fact.statement_en or fact.statement}".strip()
        return f"{subject.label if subject else ''} {fact.statement}".strip()

    @classmethod
    def load(cls, build_path: Path | None = None) -> Engine:
        """Load the current build (or the one at ``build_path``)."""
        from vemgorvad.index.embed import load_embedder
        from vemgorvad.index.search import PassageIndex
        from vemgorvad.pipeline import current_build, load_graph

        path = build_path or current_build()
        if path is None or not (path / "manifest.json").exists():
            raise FileNotFoundError("nothing is built yet: run `vemgorvad build` first")
        embedder = load_embedder()
        index = PassageIndex.load(path / "index", embedder)
        graph = KnowledgeGraph(load_graph(path))
        return cls(graph, index, embedder, cache=path / "qa-vectors.npz")

    # --- the steps ---------------------------------------------------------------------

    def _semantic_mentions(self, vector: np.ndarray, found: list[Mention]) -> list[Mention]:
        if not len(self._semantic_entities):
            return []
        similarity = self._entity_vectors @ vector
        best = int(np.argmax(similarity))
        named = {m.entity.iri for m in found}
        entity = self._semantic_entities[best]
        if similarity[best] < settings.SEMANTIC_ENTITY_MIN or entity.iri in named:
            return []
        weight = float(similarity[best] - settings.SEMANTIC_ENTITY_MIN) * 10
        return [Mention(entity, min(0.6, max(0.2, weight)), -1, -1, "semantic")]

    def _fact_similarity(self, vector: np.ndarray) -> dict[str, float]:
        """Every fact's cosine with the question: the best of its statements and quote."""
        if not self._facts or self._fact_vectors is None:
            return {}
        similarity = (self._fact_vectors @ vector).max(axis=0)
        return {f.iri: float(s) for f, s in zip(self._facts, similarity, strict=True)}

    def _score_facts(
        self, similarity: dict[str, float], mentions: list[Mention]
    ) -> dict[str, float]:
        """Every fact's score: its similarity plus the weight of the named entities in it.

        A fact involves the entities it links and those its words name. A named entity
        weighs as well as it was matched, times how specific it is: naming a rare actor
        ("ideella organisationer") picks out its facts, naming "Sverige" hardly any.
        """
        weights = {
            m.entity.iri: m.weight * self._specificity.get(m.entity.iri, 1.0) for m in mentions
        }
        scores = {}
        for iri, sim in similarity.items():
            named = sum(weights.get(e, 0.0) for e in self._fact_entities[iri])
            scores[iri] = sim + settings.FACT_ENTITY_WEIGHT * min(named, 1.5)
        return scores

    def _rank_passages(
        self, question: str, vector: np.ndarray, fact_scores: dict[str, float], lang: str
    ) -> list[Scored]:
        """Hybrid search in which a passage's curated facts are further views of it.

        A fact's statements (Swedish, English) and its quote are vectors of its source
        passage; the passage is as close to the question as the closest of them, counting
        the entities the question names in the fact. So a long paragraph is found by the
        one sentence a fact was made of, an English question by a fact's English
        statement, and a paraphrase by the actors it names.

        An English question also gets a lexical side of its own: BM25 over the facts'
        English sentences ranks their passages, weighted by the share of the question the
        Swedish BM25 cannot read (so the two lexical sides share one weight).

        Args:
            question: the cleaned question.
            vector: its embedding.
            fact_scores: fact IRI → the fact's score (:meth:`_score_facts`).
            lang: the question's language.
        """
        views: dict[str, float] = {}
        for iri, score in fact_scores.items():
            passage_id = self.graph.facts[iri].passage_id or ""
            score += settings.FACT_VIEW_OFFSET
            views[passage_id] = max(views.get(passage_id, -1.0), score)
        rankings = []
        if lang == "en" and settings.ENGLISH_LEXICAL:
            weight = settings.FUSION_LEXICAL_WEIGHT * (1.0 - self.index.coverage(question))
            rankings.append((self._english_ranking(question), weight))
        hits = self.index.search(
            question,
            k=settings.CANDIDATES,
            query_vector=vector,
            views=views or None,
            rankings=rankings,
        )
        return [Scored(hit.passage_id, hit.score, hit.dense) for hit in hits]

    def _english_ranking(self, question: str) -> list[str]:
        """Passage ids by the best BM25 score of their facts' English sentences."""
        best: dict[str, float] = {}
        for fact, score in zip(self._facts, self._english.scores(question), strict=True):
            if score > best.get(fact.passage_id or "", 0.0):
                best[fact.passage_id or ""] = float(score)
        return sorted(best, key=lambda pid: (-best[pid], pid))

    def _rank_facts(
        self, ranked: list[Scored], fact_scores: dict[str, float], kind: str
    ) -> list[tuple[float, Fact]]:
        """The facts to show: strong on their own, and from a passage that ranks high."""
        position = {s.passage_id: i for i, s in enumerate(ranked)}
        scored = []
        for iri, score in fact_scores.items():
            fact = self.graph.facts[iri]
            rank = position.get(fact.passage_id or "")
            if rank is None or rank >= settings.FACT_PASSAGES:
                continue
            total = score + settings.FACT_RANK_WEIGHT / (1 + rank)
            if kind == "when" and fact.since:
                total += settings.FACT_KIND_BONUS
            if kind == "law" and fact.laws:
                total += settings.FACT_KIND_BONUS
            scored.append((total, fact))
        scored.sort(key=lambda item: (-item[0], item[1].iri))
        if not scored:
            return []
        floor = scored[0][0] - settings.FACT_SCORE_SPREAD
        shown = [item for item in scored if item[0] >= floor][: settings.MAX_FACTS]
        return self._with_siblings(shown, scored)

    def _with_siblings(
        self, shown: list[tuple[float, Fact]], scored: list[tuple[float, Fact]]
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

    def _citations(
        self, ranked: list[Scored], facts: list[tuple[float, Fact]], lang: str
    ) -> list[dict[str, Any]]:
        """The laws the best passages cite that no shown fact names: extracted facts."""
        shown = {law for _, fact in facts for law in (*fact.laws, fact.subject, *fact.objects)}
        out: list[dict[str, Any]] = []
        for scored in ranked[: settings.CITATION_PASSAGES]:
            for iri, words in self.graph.citations.get(scored.passage_id, ()):
                entity = self.graph.entity(iri)
                if iri in shown or entity is None or entity.kind == "provision":
                    continue
                shown.add(iri)
                out.append(
                    {
                        "id": f"{scored.passage_id}#cites-{entity.iri}",
                        "kind": "citation",
                        "actor": None,
                        "relation": "cites",
                        "statement": TEXTS[lang]["cites"].format(law=entity.label),
                        "object": entity.ref(),
                        "laws": [entity.ref()],
                        "target_groups": [],
                        "since": entity.in_force,
                        "source": {"passage_id": scored.passage_id, "quote": words},
                        "extracted": True,
                        "score": 0.0,
                    }
                )
        return out[: settings.MAX_CITATIONS]

    def _paths(self, mentions: list[Mention]) -> list[list[dict]]:
        named = [m.entity.iri for m in mentions if m.how == "label" and m.weight >= 0.5][:3]
        paths: list[list[dict]] = []
        for i, source in enumerate(named):
            for target in named[i + 1 :]:
                paths.extend(self.graph.paths(source, target, limit=2))
        return paths[:3]

    # --- the answer --------------------------------------------------------------------

    def ask(self, question: str) -> dict[str, Any]:
        """Answer a question in the answer contract's JSON shape (a dict)."""
        return self.ask_many([question])[0]

    def ask_many(self, questions: list[str]) -> list[dict[str, Any]]:
        """Answer several questions, embedding them in one pass (for a busy server)."""
        started = time.perf_counter()
        texts = [clean_question(q) for q in questions]
        wanted = [i for i, text in enumerate(texts) if understand.words(text)]
        vectors = self.embedder.encode_queries([texts[i] for i in wanted]) if wanted else []
        by_index = dict(zip(wanted, vectors, strict=True))
        return [
            self._answer_one(question, text, by_index.get(i), started)
            for i, (question, text) in enumerate(zip(questions, texts, strict=True))
        ]

    def _answer_one(
        self, question: str, text: str, vector: np.ndarray | None, started: float
    ) -> dict[str, Any]:
        lang = understand.language(text) if text else "sv"
        words = TEXTS[lang]
        if vector is None:
            return _answer(question, False, words["empty"], [], [], [], lang, "empty", 0.0)
        kind = understand.kind(text)
        mentions = self.matcher.find(text)
        mentions += self._semantic_mentions(vector, mentions)
        similarity = self._fact_similarity(vector)
        fact_scores = self._score_facts(similarity, mentions)
        ranked = self._rank_passages(text, vector, fact_scores, lang)
        passages = [self._passage(s) for s in ranked[: settings.RETURNED_PASSAGES]]

        reason = self._abstain_reason(text, lang, ranked, mentions)
        if reason:
            summary = words[reason].format(
                laws=", ".join(self.matcher.unknown_law_names(text)),
                source=self.matcher.unknown_source(text) or "",
            )
            return _answer(question, False, summary, [], [], passages, lang, kind, 0.0, started)

        facts = self._rank_facts(ranked, fact_scores, kind)
        citations = self._citations(ranked, facts, lang)
        paths = self._paths(mentions)
        top_dense = ranked[0].dense if ranked and ranked[0].dense is not None else 0.0
        confidence = float(min(1.0, max(0.0, (top_dense - settings.ABSTAIN_DENSE[lang]) * 8)))
        if facts:
            confidence = max(confidence, 0.5)
        summary = self._summary([f for _, f in facts], ranked, lang)
        if confidence < settings.UNCERTAIN_BELOW:
            summary = f"{words['uncertain']} {summary}"
        return _answer(
            question,
            True,
            summary,
            [self._fact(f, score) for score, f in facts] + citations,
            paths,
            passages,
            lang,
            kind,
            confidence,
            started,
            mentions,
        )

    def _abstain_reason(
        self, text: str, lang: str, ranked: list[Scored], mentions: list[Mention]
    ) -> str:
        """Why the documents do not answer the question, or "" when they may."""
        if self.matcher.unknown_law_names(text):
            return "unknown_law"
        if self.matcher.unknown_source(text):
            return "unknown_source"
        if self.matcher.coverage(text, lang) < settings.MIN_COVERAGE[lang]:
            return "abstain"
        if understand.asks_quantity(text) and not self._gives_figure(text, lang, ranked, mentions):
            return "no_number"
        if re.search(understand.CUES["share"], text.casefold()) and not any(
            re.search(r"%|procent", self.passages[s.passage_id].text)
            for s in ranked[: settings.FIGURE_PASSAGES]
        ):
            return "no_number"
        top_dense = max((s.dense or 0.0) for s in ranked[:5]) if ranked else 0.0
        if top_dense < settings.ABSTAIN_DENSE[lang]:
            return "abstain"
        return ""

    def _gives_figure(
        self, text: str, lang: str, ranked: list[Scored], mentions: list[Mention]
    ) -> bool:
        """Whether a top passage gives a number of the thing the question counts.

        A figure counts when a word right after it matches a content word of the
        question or a label of an entity the question names ("två regionkoordinatorer").
        """
        stems = [w.casefold() for w in understand.content_words(text, lang)]
        for mention in mentions:
            for label in (mention.entity.label, *mention.entity.alt_labels):
                stems.extend(w.casefold() for w in understand.words(label) if len(w) >= 4)
        for scored in ranked[: settings.FIGURE_PASSAGES]:
            for counted in _counted_words(self.passages[scored.passage_id].text):
                if any(
                    understand.token_match(counted, stem) >= 0.7
                    or understand.token_match(stem, counted) >= 0.7
                    for stem in stems
                ):
                    return True
        return False

    def _passage(self, scored: Scored) -> dict[str, Any]:
        passage = self.passages[scored.passage_id]
        return {
            "id": passage.id,
            "document": passage.document,
            "section": passage.section,
            "text": passage.text,
            "score": round(scored.score, 6),
            "similarity": None if scored.dense is None else round(float(scored.dense), 4),
        }

    def _ref(self, iri: str) -> dict[str, Any] | None:
        entity = self.graph.entity(iri)
        return entity.ref() if entity else None

    def _fact(self, fact: Fact, score: float) -> dict[str, Any]:
        subject = self.graph.entity(fact.subject)
        actor = self._ref(fact.subject) if subject and subject.kind == "actor" else None
        laws = [r for r in (self._ref(i) for i in fact.laws) if r]
        objects = [r for r in (self._ref(i) for i in fact.objects) if r]
        return {
            "id": fact.iri,
            "kind": fact.kind,
            "actor": actor,
            "relation": fact.relation,
            "statement": fact.statement,
            "statement_en": fact.statement_en,
            "object": objects[0] if objects else None,
            "laws": laws,
            "target_groups": [r for r in (self._ref(i) for i in fact.groups) if r],
            "since": fact.since,
            "source": {"passage_id": fact.passage_id, "quote": fact.quote},
            "extracted": fact.extracted,
            "score": round(score, 4),
        }

    def _summary(self, facts: list[Fact], ranked: list[Scored], lang: str) -> str:
        words = TEXTS[lang]
        sentences = []
        for fact in facts[: settings.SUMMARY_FACTS]:
            subject = self.graph.entity(fact.subject)
            statement = (fact.statement_en if lang == "en" else None) or fact.statement
            if fact.kind == "assessment" and subject:
                name = (subject.label_en if lang == "en" else None) or subject.label
                parts = [words["assessment"].format(name=name, statement=statement)]
            else:
                parts = [self._sentence(fact, lang)]
            law_names = [
                e.label for e in map(self.graph.entity, fact.laws) if e and e.iri != fact.subject
            ]
            if law_names and not any(law in statement for law in law_names):
                parts.append(words["law"].format(laws=", ".join(law_names)))
            if fact.since and fact.since[:4] not in statement:
                parts.append(words["since"].format(since=fact.since))
            sentence = ", ".join(parts)
            sentences.append(sentence[0].upper() + sentence[1:].rstrip(".") + ".")
        if sentences:
            return " ".join(sentences)
        if not ranked:
            return words["abstain"]
        passage = self.passages[ranked[0].passage_id]
        first = re.split(r"(?<=[.!?])\s", passage.text, maxsplit=1)[0]
        return words["passage_only"].format(
            section=passage.section or passage.document, sentence=first
        )


def _cached_vectors(embedder: Any, texts: list[str], cache: Path | None) -> np.ndarray:
    """Passage-side vectors of texts, kept beside the build so a restart need not re-embed."""
    key = hashlib.sha256("\x1f".join([embedder.name, *texts]).encode()).hexdigest()
    if cache is not None and cache.exists():
        try:
            with np.load(cache) as stored:
                if str(stored["key"]) == key:
                    return np.asarray(stored["vectors"])
        except (OSError, KeyError, ValueError):
            logger.warning("ignoring unreadable cache %s", cache)
    vectors = embedder.encode_passages(texts) if texts else np.zeros((0, embedder.dimension))
    if cache is not None:
        try:
            temporary = cache.with_suffix(".tmp.npz")
            np.savez(temporary, key=key, vectors=vectors)
            temporary.replace(cache)
        except OSError:
            logger.warning("could not write cache %s", cache)
    return np.asarray(vectors, dtype=np.float32)


def _cached_named(
    named_in: Callable[[str], list[str]],
    passages: dict[str, str],
    facts: dict[str, str],
    labels: list[tuple[str | None, ...]],
    cache: Path | None,
) -> dict[str, dict[str, list[str]]]:
    """The entities each passage and each fact's words name, kept beside the build.

    Matching every passage takes a second or two; the cache is keyed by the texts, the
    labels and the matcher's code, so any change to them matches afresh.
    """
    source = Path(understand.__file__).read_bytes()
    key = hashlib.sha256(
        json.dumps([passages, facts, labels], ensure_ascii=False).encode() + source
    ).hexdigest()
    if cache is not None and cache.exists():
        try:
            stored = json.loads(cache.read_text(encoding="utf-8"))
            if stored.get("key") == key:
                return stored["named"]
        except (OSError, ValueError, AttributeError):
            logger.warning("ignoring unreadable cache %s", cache)
    named = {
        "passages": {pid: named_in(text) for pid, text in passages.items()},
        "facts": {iri: named_in(text) for iri, text in facts.items()},
    }
    if cache is not None:
        try:
            temporary = cache.with_suffix(".tmp")
            temporary.write_text(json.dumps({"key": key, "named": named}), encoding="utf-8")
            temporary.replace(cache)
        except OSError:
            logger.warning("could not write cache %s", cache)
    return named


def _specificity(named: dict[str, list[str]], passages: int) -> dict[str, float]:
    """How much naming an entity narrows the documents down: 1 for an entity that no
    passage names, towards 0 for one that every passage names (idf over the passages,
    scaled to [0, 1]).

    >>> {iri: round(s, 3) for iri, s in _specificity({"p1": ["a", "b"], "p2": ["a"]}, 3).items()}
    {'a': 0.208, 'b': 0.5}
    """
    counts: dict[str, int] = {}
    for iris in named.values():
        for iri in iris:
            counts[iri] = counts.get(iri, 0) + 1
    n = passages + 1
    return {iri: math.log(n / (count + 1)) / math.log(n) for iri, count in sorted(counts.items())}


def _describe(entity: Entity) -> str:
    names = ", ".join([entity.label, *entity.alt_labels[:6]])
    return f"{names}. {entity.definition or ''}".strip()


_FIGURE = re.compile(r"(?<![\d:/-])\d+(?:[.,]\d+)?(?![\d:/-])")


def _counted_words(text: str) -> list[str]:
    """The words that follow a figure in a text: the things it counts.

    Years, dates, SFS numbers and section numbers are not figures of anything.
    """
    masked = re.sub(r"\b(?:19|20)\d\d\b|\d+ kap\.|\d+ [a-z] ?§|\d+ §|^\d+\.", " ", text)
    tokens = understand.words(masked)
    numbers = set(understand.CUES["number_words"])
    counted: list[str] = []
    for position, token in enumerate(tokens):
        if _FIGURE.fullmatch(token) or token.casefold() in numbers:
            counted.extend(t.casefold() for t in tokens[position + 1 : position + 3])
    return counted


def _answer(
    question: str,
    answerable: bool,
    summary: str,
    facts: list[dict[str, Any]],
    paths: list[list[dict]],
    passages: list[dict[str, Any]],
    lang: str,
    kind: str,
    confidence: float,
    started: float | None = None,
    mentions: list[Mention] | None = None,
) -> dict[str, Any]:
    return {
        "question": question,
        "answerable": answerable,
        "summary": summary,
        "facts": facts if answerable else [],
        "paths": paths if answerable else [],
        "passages": passages,
        "language": lang,
        "kind": kind,
        "confidence": round(confidence, 3),
        "entities": [
            {**m.entity.ref(), "kind": m.entity.kind, "weight": round(m.weight, 3), "how": m.how}
            for m in (mentions or [])
        ],
        "milliseconds": round((time.perf_counter() - started) * 1000, 1) if started else 0.0,
    }
