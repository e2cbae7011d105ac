"""The answer engine: the one function every face calls.

:meth:`Engine.ask` reads a question and answers in the shape of
``shared/spec/answer-contract.md``:

1. **Understand** (:mod:`vemgorvad.qa.understand`): language, kind, the entities named.
2. **Draw candidates** the same way for every document (:meth:`PassageIndex.candidates`:
   whole-passage cosine, best-sentence cosine, BM25 over text and context).
3. **Rank** them by a fitted model over every signal (:mod:`vemgorvad.qa.rank`), the
   graph's among them: facts stated in a passage, entities it names, laws it belongs to.
4. **Decide** whether the documents answer (:mod:`vemgorvad.qa.abstain`): what is asked
   and whether the best passages give it, then a fitted, calibrated model.
5. **Answer**: the sentences that answer, verbatim (:mod:`vemgorvad.qa.evidence`), the
   graph's facts from the best passages, paths between the entities named, the passages.
   When the documents do not answer, it says so and why, in the question's language, and
   still lists the nearest passages for a person to judge.
"""

from __future__ import annotations

import logging
import re
import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from vemgorvad import settings
from vemgorvad.graph.model import KnowledgeGraph
from vemgorvad.index.glossary import Glossary
from vemgorvad.index.lexical import LexicalIndex, Query
from vemgorvad.qa import evidence as evidence_sentences
from vemgorvad.qa import facts as facts_view
from vemgorvad.qa import prepared, shape, understand
from vemgorvad.qa.abstain import (
    QUESTION_FEATURES,
    Abstainer,
    Reasons,
    names_a_place,
    question_row,
)
from vemgorvad.qa.rank import FEATURES, Ranker, Signals, feature_row, sigmoid, with_gaps
from vemgorvad.qa.understand import EntityMatcher, Mention

logger = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 2000
"""Longer input is cut: no question needs more, and embedding cost grows with length."""

TEXTS = facts_view.TEXTS
"""What the engine says, per language (the faces read it from here too)."""

@dataclass(frozen=True)
class Analysis:
    """What :meth:`Engine.analyse` reads off a question (see there)."""

    lang: str
    kind: str
    mentions: list[Mention]
    ranked: list[Scored]
    rows: np.ndarray
    signals: list[float]
    cited: list[str]
    """The passages of the sections the question cites by number, of the entry into force
    it asks about, or the first section of the statute it asks what it is (looked up, first)."""
    entry_into_force: bool = False
    """Whether :attr:`cited` are the sources of a named law's entry into force."""
    reading: bool = False
    """Whether the question asks only what :attr:`cited` say: they are quoted from their
    opening, with nothing uncertain about where the answer is."""
    references: References | None = None
    """For a question asking which laws a document refers to, the documents it asks about
    and what they cite; None for any other question."""


@dataclass(frozen=True)
class References:
    """What documents a question asks the references of, and what they cite."""

    documents: tuple[str, ...]
    laws: tuple[tuple[str, str, str], ...]
    """(passage, law IRI, the words citing it) per law, the passage the first that cites
    it, in reading order."""


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
        ranker: Ranker | None = None,
        abstainer: Abstainer | None = None,
    ) -> None:
        """Join a loaded graph, index and model.

        Args:
            graph: the knowledge graph.
            index: the passage index.
            embedder: the embedding model.
            cache: where to keep the vectors of facts and entities between starts.
            ranker: the passage ranker (default: the fitted one, ``qa/data/ranker.json``).
            abstainer: the question models (default: the fitted ones).
        """
        self.graph = graph
        self.ranker = ranker or _fitted(Ranker.load, Ranker.dense_only)
        self.abstainer = abstainer if abstainer is not None else _fitted(Abstainer.load, None)
        self.index = index
        self.embedder = embedder
        self.passages = {p.id: p for p in index.passages}
        self.glossary = Glossary.load()
        self.matcher = EntityMatcher(
            graph.entities.values(),
            [p.text for p in index.passages],
            [f.statement_en or "" for f in graph.facts.values()],
            {prepared.law_key(p.document) for p in index.passages
             if prepared.LAW_NUMBER.search(p.document)},
        )
        self._semantic_entities = [
            e for e in graph.entities.values() if not e.extracted and e.kind != "provision"
        ]
        self._facts = [f for f in graph.facts.values() if f.passage_id in self.passages]
        self._embed_facts_and_entities(cache)
        self._read_references(cache)
        self._read_laws_and_headings()
        self.reasons = Reasons(
            self.matcher,
            self.passages,
            self._passage_entities,
            lambda iri: graph.facts_by_entity.get(iri, ()),
            settings.ABSTAIN_RULES,
            lambda iri: (
                iri in self._section_passages
                or iri in self._chapter_passages
                or iri in self._cited_sections
            ),
            lambda passage: facts_view.source_name(passage, graph),
        )

    def _embed_facts_and_entities(self, cache: Path | None) -> None:
        """The vectors of the entities' descriptions and of the facts, and a lexical index
        of the facts' English sentences (kept beside the build)."""
        texts = [prepared.describe(e) for e in self._semantic_entities]
        # A fact is embedded three ways: its Swedish statement, its English statement,
        # and its quote (the source's own words, a sentence rather than a paragraph).
        english = [facts_view.sentence(self.graph, f, "en") for f in self._facts]
        statements = [facts_view.sentence(self.graph, f, "sv") for f in self._facts]
        statements += english
        statements += [f.quote or f.statement for f in self._facts]
        vectors = prepared.cached_vectors(self.embedder, texts + statements, cache)
        self._entity_vectors = vectors[: len(texts)]
        n = len(self._facts)
        self._fact_vectors = vectors[len(texts) :].reshape(3, n, -1) if n else None
        self._english = LexicalIndex.build(english, language="en")

    def _read_references(self, cache: Path | None) -> None:
        """What each passage and fact refers to: the entities their words name, the
        entities of the facts a passage states, the act a statute's section is the text of
        (curated or extracted, the memo or a statute, alike)."""
        graph, passages = self.graph, self.index.passages
        named = prepared.cached_named(
            self._named_in,
            {p.id: p.text for p in passages},
            {f.iri: f"{f.statement} {f.quote}" for f in self._facts},
            [
                (e.iri, e.label, e.label_en, *e.alt_labels, *e.hidden_labels)
                for e in graph.entities.values()
            ],
            cache.with_name("qa-entities.json") if cache else None,
        )
        self._specificity = prepared.specificity(named["passages"], len(passages))
        self._fact_entities = {
            f.iri: f.entities | frozenset(named["facts"][f.iri]) for f in self._facts
        }
        stated: dict[str, set[str]] = {}
        for fact in self._facts:
            stated.setdefault(fact.passage_id or "", set()).update(self._fact_entities[fact.iri])
        own = prepared.passage_laws(graph, {p.id: p.document for p in passages})
        self._text_of = {
            pid: sorted(iris, key=lambda iri: ("#" not in iri, iri)) for pid, iris in own.items()
        }
        self._passage_entities = {
            pid: frozenset(iris) | frozenset(stated.get(pid, ())) | own[pid]
            for pid, iris in named["passages"].items()
        }
        self._section_passages: dict[str, list[str]] = {}
        chapters: dict[str, dict[str, None]] = {}
        for passage in passages:
            for iri in own[passage.id]:
                if "#" in iri:
                    self._section_passages.setdefault(iri, []).append(passage.id)
                if chapter := understand.chapter_of(iri):
                    chapters.setdefault(chapter, {})[passage.id] = None
        self._chapter_passages = {chapter: list(ids) for chapter, ids in chapters.items()}
        by_entity: dict[str, list[int]] = {}
        self._facts_of_passage: dict[str, list[int]] = {}
        for row, fact in enumerate(self._facts):
            for iri in self._fact_entities[fact.iri]:
                by_entity.setdefault(iri, []).append(row)
            self._facts_of_passage.setdefault(fact.passage_id or "", []).append(row)
        self._facts_of_entity = {iri: set(rows) for iri, rows in by_entity.items()}

    def _read_laws_and_headings(self) -> None:
        """Per passage: the words of its title and heading, the laws it cites and the law
        it is part of; per law held as a document, that document."""
        passages = self.index.passages
        titles = prepared.document_titles(self.graph, {p.document for p in passages})
        self._heading_lemmas = {
            p.id: understand.lemmas(f"{titles.get(p.document, '')} {p.section}") for p in passages
        }
        self._document_places = prepared.document_places(self.graph, {p.document for p in passages})
        self._place_of_passage = {
            p.id: self._document_places[p.document] for p in passages if p.document in self._document_places
        }
        self._places = frozenset(self._document_places.values())
        self._cited_laws = {
            p.id: frozenset(prepared.law_key(iri) for iri, _ in self.graph.citations.get(p.id, ()))
            for p in passages
        }
        self._cited_sections = {
            section
            for p in passages
            for iri, words in self.graph.citations.get(p.id, ())
            for section in prepared.sections_cited(iri, words)
        }
        # a chapter is cited where a section of it is
        self._cited_sections |= {
            chapter for s in self._cited_sections if (chapter := understand.chapter_of(s))
        }
        statutes = {p.document for p in passages if prepared.LAW_NUMBER.search(p.document)}
        self._statutes = frozenset(statutes)
        self._reading_order = sorted(passages, key=lambda p: (p.document, p.ordinal))
        self._first_passage: dict[str, str] = {}  # document → its first passage
        for p in self._reading_order:
            self._first_passage.setdefault(p.document, p.id)
        self._law_documents: dict[str, set[str]] = {}
        for document in statutes:
            self._law_documents.setdefault(prepared.law_key(document), set()).add(document)
        self._document_laws = {
            p.id: frozenset({prepared.law_key(p.document)} if p.document in statutes else ())
            for p in passages
        }

    def _named_in(self, text: str) -> list[str]:
        """The entities a text names by a label, as the matcher finds them in questions."""
        return sorted(
            m.entity.iri for m in self.matcher.find(text) if m.weight >= settings.NAMED_MIN_WEIGHT
        )

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
        low, high = settings.SEMANTIC_ENTITY_WEIGHTS
        weight = float(similarity[best] - settings.SEMANTIC_ENTITY_MIN) * settings.SEMANTIC_ENTITY_SLOPE
        return [Mention(entity, min(high, max(low, weight)), -1, -1, "semantic")]

    def _score_facts(
        self, vector: np.ndarray, mentions: list[Mention], passages: Sequence[str]
    ) -> dict[str, float]:
        """The score of every fact stated in the given passages (only a fact of the first
        passages is shown): its cosine with the question (the best of its statements and
        quote) plus the weight of the named entities in it.

        A fact involves the entities it links and those its words name. A named entity
        weighs as well as it was matched, times how specific it is: naming a rare actor
        ("ideella organisationer") picks out its facts, naming "Sverige" hardly any.
        """
        rows = [row for pid in dict.fromkeys(passages) for row in self._facts_of_passage.get(pid, ())]
        if not rows or self._fact_vectors is None:
            return {}
        similarity = (self._fact_vectors[:, rows] @ vector).max(axis=0)
        weights = {
            m.entity.iri: m.weight * self._specificity.get(m.entity.iri, 1.0) for m in mentions
        }
        named = np.zeros(len(rows))
        for iri, weight in weights.items():
            involved = self._facts_of_entity.get(iri)
            if involved:
                named += [weight if row in involved else 0.0 for row in rows]
        bonus = settings.FACT_ENTITY_WEIGHT * np.minimum(named, settings.ENTITY_WEIGHT_CAP)
        return {
            self._facts[row].iri: float(cosine + extra)
            for row, cosine, extra in zip(rows, similarity, bonus, strict=True)
        }

    def candidate_features(
        self,
        text: str,
        vector: np.ndarray,
        mentions: list[Mention],
        lang: str,
        rest_vector: np.ndarray | None = None,
        cited: Sequence[str] = (),
    ) -> tuple[list[Any], np.ndarray]:
        """The first stage's candidates for a question and their feature rows.

        Args:
            text: the cleaned question.
            vector: its embedding.
            mentions: the entities it names.
            lang: its language.
            rest_vector: the question without the laws it names, embedded, if the caller
                has it (:func:`understand.without_laws`; embedded here when needed).
            cited: the passages of the sections it cites by number (drawn whatever
                they score).

        Returns:
            (candidates, ``(len(candidates), len(FEATURES))`` rows).
        """
        laws = {
            prepared.law_key(name)
            for m in mentions
            if m.entity.kind in ("law", "provision") and m.weight >= settings.NAMED_MIN_WEIGHT
            for name in (m.entity.iri, m.entity.citation or m.entity.iri)
        } | understand.named_laws(text)
        documents = {d for law in laws for d in self._law_documents.get(law, ())}
        rest = self._without_laws(text, lang, rest_vector) if documents else None
        candidates = self.index.candidates(
            self.lexical_query(text, lang),
            vector,
            settings.CANDIDATE_DEPTH,
            documents,
            (self.lexical_query(rest[0], lang), rest[1]) if rest else None,
            cited,
        )
        weights = {
            m.entity.iri: m.weight * self._specificity.get(m.entity.iri, 1.0) for m in mentions
        }
        asked = understand.content_lemmas(text, lang)
        coverage = self.index.coverage(text)
        lexical_coverage = self.glossary.translate(text).share if lang == "en" else coverage
        english: dict[str, int] = {}
        if lang == "en":
            english = {pid: r for r, pid in enumerate(self._english_ranking(text), start=1)}
        lexical_max = max((c.lexical for c in candidates), default=0.0)
        rows = []
        for c in candidates:
            named = sum(weights.get(e, 0.0) for e in self._passage_entities.get(c.passage_id, ()))
            signals = Signals(
                entity=min(named, settings.ENTITY_WEIGHT_CAP),
                law_document=bool(laws & self._document_laws.get(c.passage_id, frozenset())),
                law_cited=bool(laws & self._cited_laws.get(c.passage_id, frozenset())),
                heading=(
                    len(asked & self._heading_lemmas.get(c.passage_id, frozenset())) / len(asked)
                    if asked
                    else 0.0
                ),
                english=english.get(c.passage_id),
            )
            rows.append(
                feature_row(
                    c,
                    signals,
                    lexical_max=lexical_max,
                    coverage=lexical_coverage,
                    english_weight=(1.0 - coverage) if lang == "en" else 0.0,
                    rank_k=settings.FUSION_RRF_K,
                )
            )
        return candidates, with_gaps(
            np.asarray(rows, dtype=float).reshape(len(candidates), -1),
            [self.passages[c.passage_id].document for c in candidates],
            settings.DOCUMENT_TOP,
        )

    def lexical_query(self, text: str, lang: str) -> Query:
        """What BM25 reads of a question: an English one's words put into Swedish.

        The English words the glossary translates are not searched as they are: they
        would only find the English in a Swedish text (a treaty's title), and it drew
        English questions about crime to a list of international mechanisms.
        """
        if lang != "en":
            return Query(text)
        translation = self.glossary.translate(text)
        return Query(" ".join(translation.rest), translation.lemmas)

    def _without_laws(
        self, text: str, lang: str, vector: np.ndarray | None
    ) -> tuple[str, np.ndarray] | None:
        """The question without the laws it names, and embedded, if anything is left to ask."""
        rest = understand.without_laws(text)
        if rest == text or not understand.content_lemmas(rest, lang):
            return None
        return rest, self.embedder.encode_queries([rest])[0] if vector is None else vector

    def entry_into_force_passages(
        self, text: str, mentions: Sequence[Mention], kind: str | None = None
    ) -> list[str]:
        """For a question asking when a law it names entered into force ("När trädde LVM i
        kraft?", a question of kind "when"), the passages that say so: the sources of the
        graph's dated events of its entry into force (a statute's own transitional
        provisions, or a memo's account). They are looked up, not searched, like a section
        cited by number: the amendments' transitional provisions ("Denna lag träder i kraft
        den 1 juli 1994") stand as close to the question as the act's own. (``kind``: the
        question's, if the caller has it.)"""
        asks = re.search(understand.CUES["in_force"], text.casefold())
        if (kind or understand.kind(text)) != "when" or not asks:
            return []  # "Vilka ändringar trädde i kraft 2021?" asks what, not when
        out: list[str] = []
        for mention in mentions:
            law = mention.entity.kind in ("law", "provision")
            if not law or mention.weight < settings.NAMED_MIN_WEIGHT:
                continue
            for fact in self.graph.facts_by_entity.get(mention.entity.iri, ()):
                source = fact.passage_id or ""
                if (
                    fact.kind == "event"
                    and fact.subject == mention.entity.iri
                    and fact.relation == "EnteredIntoForce"
                    and source in self.passages
                    and source not in out
                ):
                    out.append(source)
        return out

    def statute_opening(self, text: str, lang: str, mentions: Sequence[Mention]) -> list[str]:
        """For a question that names one statute the corpus holds and asks only what it is
        or says ("Vad är LVM?", "Vad handlar brottsskadelagen om?", "What is the Social
        Services Act?"), the statute's first passage: its first section, which says what
        the law is for. Looked up like a section cited, since nothing else in the question
        could find it: a statute nobody wrote about, asked so, was refused."""
        laws = set(understand.named_laws(text))
        tokens = understand.words(text)
        for mention in sorted(mentions, key=lambda m: -m.start):
            if mention.entity.kind == "law" and mention.how == "label":
                laws.add(prepared.law_key(mention.entity.iri))
                tokens[mention.start : mention.end] = ["lagen"]  # an English title, too
        held = [self._law_documents[law] for law in sorted(laws) if law in self._law_documents]
        if len(held) != 1 or len(held[0]) != 1:  # "socialtjänstlagen" names the new act too
            return []
        if not understand.asks_only_what_it_says(" ".join(tokens), lang):
            return []
        document = next(iter(held[0]))
        first = self._first_passage[document]
        # only the act's own beginning: the corpus may hold a part of it (brottsbalken's
        # chapters 4 and 6), whose first section says nothing of what the act is
        return [first] if first.removeprefix(document).strip() in ("1 §", "1 kap. 1 §") else []

    def document_references(self, text: str, places: frozenset[str]) -> References | None:
        """For a question asking which laws a document refers to ("Vilka lagar hänvisar
        promemorian till?", "Which laws does the memo cite?"), the documents it asks about
        and each law they cite: (the first passage citing it, the law's IRI, the words that
        do), in reading order; None for any other question. The documents are those that
        are no statute, of the municipality the question names (``places``) if it names
        one. Looked up in the graph's legal references: the passages that cite a law are not
        what a search for the question finds."""
        if not understand.asks_references(text, self._places):
            return None
        documents = tuple(
            document
            for document in self._first_passage
            if document not in self._statutes
            and (not places or self._document_places.get(document) in places)
        )
        kinds = understand.asked_kinds(text)  # "Vilka konventioner …": those only
        found: dict[str, tuple[str, str, str]] = {}
        for passage in self._reading_order:
            if passage.document not in documents:
                continue
            for iri, words in self.graph.citations.get(passage.id, ()):
                act = self.graph.entity(iri.split("#", 1)[0]) or self.graph.entity(iri)
                if act is None or (kinds and not kinds & prepared.regulation_kinds(self.graph, act.iri)):
                    continue
                if act.iri not in found:
                    found[act.iri] = (passage.id, act.iri, words)
        return References(documents, tuple(found.values()))

    def cited_passages(self, text: str) -> list[str]:
        """The passages that are the text of the sections a question cites by number
        ("Vad säger 6 kap. 11 § brottsbalken?"), in the order cited."""
        return [pid for pid, _ in self._cited_stycken(text)]

    def _cited_stycken(self, text: str) -> list[tuple[str, int | None]]:
        """:meth:`cited_passages`, each with the stycke cited in it (None for the whole)."""
        return [
            (pid, section.stycke)
            for section in understand.cited_sections(text)
            for pid in self._section_passages.get(section.iri, ())
        ]

    def _rank_passages(
        self,
        candidates: list[Any],
        rows: np.ndarray,
        cited: Sequence[str] = (),
        within: frozenset[str] = frozenset(),
        places: frozenset[str] = frozenset(),
    ) -> tuple[list[Scored], np.ndarray]:
        """The candidates by the ranker's score, best first, and the rows in that order.

        A section the question cites by number is looked up, not searched: its passages
        come first, in the order cited, each as likely to hold the answer as the best
        candidate at least (no question the ranker was fitted on cites one, so no fitted
        weight could say how much a citation is worth). The passages of a chapter it names
        without a section (``within``) come before the rest, in the order of their scores,
        the first of them as likely as the best candidate: the question has said where to
        look, not which section answers. A question that names the places of some
        documents (``places``: "… i Västerås") is answered from them and the documents of
        no place (statutes) before the documents of another municipality.
        """
        scores = self.ranker.score(rows)
        first = {pid: i for i, pid in enumerate(cited)}
        if first and len(scores):
            best = float(scores.max())
            scores = np.asarray(
                [max(float(v), best) if c.passage_id in first else float(v)
                 for v, c in zip(scores, candidates, strict=True)]
            )
        inside = [i for i, c in enumerate(candidates) if c.passage_id in within]
        if inside:  # the chapter's best as likely as the best candidate, its order kept
            scores = np.asarray(scores, dtype=float).copy()
            scores[inside] += max(0.0, float(scores.max()) - float(scores[inside].max()))
        order = sorted(
            range(len(candidates)),
            key=lambda i: (
                first.get(candidates[i].passage_id, len(first)),
                bool(within) and candidates[i].passage_id not in within,
                bool(places)
                and self._place_of_passage.get(candidates[i].passage_id, "") not in {"", *places},
                -scores[i],
                candidates[i].row,
            ),
        )
        ranked = [
            Scored(candidates[i].passage_id, float(scores[i]), candidates[i].dense) for i in order
        ]
        return ranked, rows[order] if len(order) else rows

    def _english_ranking(self, question: str) -> list[str]:
        """Passage ids by the best BM25 score of their facts' English sentences."""
        best: dict[str, float] = {}
        for fact, score in zip(self._facts, self._english.scores(question), strict=True):
            if score > best.get(fact.passage_id or "", 0.0):
                best[fact.passage_id or ""] = float(score)
        return sorted(best, key=lambda pid: (-best[pid], pid))

    def _paths(self, mentions: list[Mention]) -> list[list[dict]]:
        named = [
            m.entity.iri
            for m in mentions
            if m.how == "label" and m.weight >= settings.NAMED_MIN_WEIGHT
        ][: settings.PATH_ENTITIES]
        paths: list[list[dict]] = []
        for i, source in enumerate(named):
            for target in named[i + 1 :]:
                paths.extend(self.graph.paths(source, target, limit=settings.PATHS_PER_PAIR))
        return paths[: settings.MAX_PATHS]

    # --- the answer --------------------------------------------------------------------

    def ask(self, question: str) -> dict[str, Any]:
        """Answer a question in the answer contract's JSON shape (a dict)."""
        return self.ask_many([question])[0]

    def ask_many(self, questions: list[str]) -> list[dict[str, Any]]:
        """Answer several questions, embedding them in one pass (for a busy server)."""
        started = time.perf_counter()
        texts = [clean_question(q) for q in questions]
        wanted = [i for i, text in enumerate(texts) if understand.words(text)]
        # a question naming a law is also asked without it (candidate_features): one pass
        rests = {
            i: understand.without_laws(texts[i])
            for i in wanted
            if understand.named_laws(texts[i]) & self._law_documents.keys()
        }
        batch = [texts[i] for i in wanted] + list(rests.values())
        vectors = self.embedder.encode_queries(batch) if batch else []
        by_index = dict(zip(wanted, vectors[: len(wanted)], strict=True))
        rest_vectors = dict(zip(rests, vectors[len(wanted) :], strict=True))
        return [
            self._answer_one(question, text, by_index.get(i), started, rest_vectors.get(i))
            for i, (question, text) in enumerate(zip(questions, texts, strict=True))
        ]

    def analyse(
        self, text: str, vector: np.ndarray, rest_vector: np.ndarray | None = None
    ) -> Analysis:
        """Everything the engine reads off a question before it decides: its language and
        kind, the entities it names, the candidates ranked with their features, and the
        question's own signals (for the abstention models).

        Args:
            text: the cleaned question.
            vector: its embedding.
            rest_vector: its embedding without the laws it names, if the caller has it.
        """
        lang, kind = understand.language(text), understand.kind(text)
        mentions = self.matcher.find(text)
        mentions += self._semantic_mentions(vector, mentions)
        cited = self.cited_passages(text)
        in_force = [] if cited else self.entry_into_force_passages(text, mentions, kind)
        cited = cited or in_force
        chapters = () if cited else understand.cited_chapters(text)
        in_chapters = [p for c in chapters for p in self._chapter_passages.get(c.iri, ())]
        if in_chapters and understand.asks_only_what_it_says(text, lang):
            cited, in_chapters = in_chapters, []  # "Vad säger 6 kap. BrB?": read in order
        opening = [] if cited or in_chapters else self.statute_opening(text, lang, mentions)
        cited = cited or opening
        places = frozenset(p for p in self._places if understand.names_place(text, p))
        references = None if cited or in_chapters else self.document_references(text, places)
        if references is not None:
            cited = list(dict.fromkeys(pid for pid, _, _ in references.laws))
        reading = bool(opening) or (bool(cited) and understand.asks_only_what_it_says(text, lang))
        candidates, rows = self.candidate_features(
            text, vector, mentions, lang, rest_vector, cited or in_chapters
        )
        ranked, rows = self._rank_passages(candidates, rows, cited, frozenset(in_chapters), places)
        top = rows[: settings.QUESTION_PASSAGES]
        signals = question_row(
            [s.score for s in ranked],
            top[:, FEATURES.index("dense")].tolist(),
            top[:, FEATURES.index("window")].tolist(),
            top[:, FEATURES.index("entity")].tolist(),
            self.matcher.coverage(text, lang),
            self.index.coverage(text),
            lang == "en",
            # a name where something happens ("utanför ICA", "i Västerås") is no sign that
            # the documents cannot answer
            self.matcher.unknown_name_words(text, lambda name: not names_a_place(text, name)),
        )
        return Analysis(
            lang, kind, mentions, ranked, rows, signals, cited, bool(in_force), reading, references
        )

    def _answer_one(
        self,
        question: str,
        text: str,
        vector: np.ndarray | None,
        started: float,
        rest_vector: np.ndarray | None = None,
    ) -> dict[str, Any]:
        if vector is None:
            lang = understand.language(text) if text else "sv"
            return shape.answer(question, False, TEXTS[lang]["empty"], [], [], [], lang, "empty", 0.0)
        analysis = self.analyse(text, vector, rest_vector)
        lang, kind, mentions, ranked = (
            analysis.lang, analysis.kind, analysis.mentions, analysis.ranked
        )
        signals = analysis.signals
        words = TEXTS[lang]
        passages = [shape.passage(self.passages[s.passage_id], s.score, s.dense) for s in ranked[: settings.RETURNED_PASSAGES]]
        answerable, confidence = self._probabilities(signals)
        if analysis.references is not None:
            return self._references_answer(question, analysis, analysis.references, passages, started)
        # a question asking what the sections it cites (or the statute it names) say is
        # answered by their own words, looked up: nothing is uncertain about where they are
        quoting = analysis.reading
        # nor about when a law entered into force, when the graph dates it from its source
        if quoting or analysis.entry_into_force:
            answerable = confidence = 1.0
        reason, details = self.abstain_reason(text, analysis, answerable)
        if reason:
            summary = words[reason].format(**details)
            return shape.answer(
                question, False, summary, [], [], passages, lang, kind, 0.0, started, mentions,
                reason=reason, answerable_probability=answerable,
            )
        order = [s.passage_id for s in ranked]
        fact_scores = self._score_facts(vector, mentions, order[: settings.FACT_PASSAGES])
        cited = set(analysis.cited)  # a section looked up is quoted first
        if quoting:
            evidence = evidence_sentences.opening(
                self._cited_stycken(text) or [(pid, None) for pid in analysis.cited],
                self.index,
                lambda pid: self.passages[pid].text,
            )
        else:
            evidence = evidence_sentences.select(
                vector,
                understand.content_lemmas(text, lang),
                [(s.passage_id, sigmoid(s.score)) for s in ranked if not cited or s.passage_id in cited],
                self.index,
                lambda pid: self.passages[pid].text,
            )
        facts = facts_view.rank_facts(self.graph, order, fact_scores, kind, evidence)
        citations = facts_view.citations(self.graph, order, facts, lang, self._text_of, self.passages)
        paths = self._paths(mentions)
        summary = facts_view.summary(
            self.graph, self.passages, evidence, [f for _, f in facts], order, lang
        )
        if confidence < settings.UNCERTAIN_BELOW:
            summary = f"{words['uncertain']} {summary}"
        return shape.answer(
            question,
            True,
            summary,
            [facts_view.fact_json(self.graph, f, score) for score, f in facts] + citations,
            paths,
            passages,
            lang,
            kind,
            confidence,
            started,
            mentions,
            evidence=evidence,
            answerable_probability=answerable,
        )

    def _references_answer(
        self,
        question: str,
        analysis: Analysis,
        references: References,
        passages: list[dict[str, Any]],
        started: float,
    ) -> dict[str, Any]:
        """The laws the documents asked about cite (:meth:`document_references`), each a
        citation fact with the passage that first cites it; the citing sentences quoted."""
        lang, words = analysis.lang, TEXTS[analysis.lang]
        laws = [
            (pid, entity, quoted)
            for pid, iri, quoted in references.laws
            if (entity := self.graph.entity(iri)) is not None
        ]
        facts = [facts_view.citation_json(law, pid, "cites", quoted, lang) for pid, law, quoted in laws]
        evidence = evidence_sentences.citing(
            [(pid, quoted) for pid, _, quoted in laws], self.index, lambda pid: self.passages[pid].text
        )
        documents = list(dict.fromkeys(self.passages[pid].document for pid, _, _ in laws))
        documents = documents or list(references.documents)
        titles = prepared.document_titles(self.graph, set(documents))
        named = ", ".join(f"«{titles.get(d) or d}»" for d in documents) or words["the_documents"]
        if not laws:  # nothing to quote: the documents say no law, which is an answer of sorts
            return shape.answer(
                question, False, words["no_references"].format(documents=named), [], [], passages,
                lang, analysis.kind, 0.0, started, analysis.mentions, reason="no_references",
            )
        names = [(law.label_en if lang == "en" else None) or law.label for _, law, _ in laws]
        listed = words["references"].format(documents=named, count=len(names), laws=", ".join(names))
        quoted = facts_view.summary(self.graph, self.passages, evidence, [], [], lang) if evidence else ""
        return shape.answer(
            question, True, f"{quoted} {listed}".strip(), facts, [], passages, lang, analysis.kind,
            1.0, started, analysis.mentions, evidence=evidence, answerable_probability=1.0,
        )

    def _probabilities(self, signals: list[float]) -> tuple[float, float]:
        """(probability the question is answerable, calibrated confidence of the answer).

        Without fitted question models, the best passage's cosine against the language's
        floor stands in for both (``ABSTAIN_DENSE``).
        """
        if self.abstainer is not None:
            return self.abstainer.probabilities(signals)
        named = dict(zip(QUESTION_FEATURES, signals, strict=True))
        floor = settings.ABSTAIN_DENSE["en" if named["english"] else "sv"]
        best = named["top_dense"]
        sure = float(best >= floor)
        return sure, sure

    def abstain_reason(
        self, text: str, analysis: Analysis, answerable: float
    ) -> tuple[str, dict[str, str]]:
        """Why the documents do not answer the question (a key of ``TEXTS``) and the words
        to fill in, or ``("", {})`` when they may (:class:`vemgorvad.qa.abstain.Reasons`)."""
        threshold = self.abstainer.threshold if self.abstainer is not None else 1.0
        lang = analysis.lang
        coverage = analysis.signals[QUESTION_FEATURES.index("coverage")]  # the matcher's
        unread = not coverage and not (lang == "en" and self.glossary.translate(text).share)
        return self.reasons.why(
            text, lang, [s.passage_id for s in analysis.ranked], analysis.mentions,
            answerable < threshold, unread,
        )

def _fitted(load: Callable[[], Any], fallback: Callable[[], Any] | None) -> Any:
    """A fitted model from its data file, or the fallback when none was fitted yet or the
    one fitted names features this code no longer computes (the engine keeps answering,
    by plain vector search, and says why)."""
    try:
        return load()
    except FileNotFoundError:
        logger.warning("no fitted model found; run `make fit`")
    except ValueError as error:
        logger.warning("the fitted model does not fit this code (%s); run `make fit`", error)
    return fallback() if fallback else None
