"""Whether the documents answer a question, and how sure an answer is.

Two kinds of evidence decide, in this order:

1. **What is asked.** A question that asks for an attribute (a phone number, an address,
   opening hours, a person's name, an amount of money, statistics, a length of time, a
   date to come — ``data/attributes.json``) is answerable only if one of the first
   passages gives a value of that kind; the engine then says which attribute the
   documents do not give. A law or a source whose words the documents do not hold is not
   answered either; nor is a name no document holds that the question is about.
2. **How well the best passages fit.** A logistic regression over the question's
   retrieval signals (the ranker's margin, the best cosines, the share of the question's
   words the documents know, how many names in it no document holds: "Barnahus",
   "ECPAT"), each weighed only the way it is known to push
   (``settings.ANSWERABLE_SIGNS``), estimates the probability that the
   question is answerable at all; below a threshold chosen by grouped cross-validation
   the engine abstains, and names what the documents do not mention when the question
   holds such names. The ranker's best score is left out of it
   (``settings.ANSWERABLE_LEFT_OUT``): the curated entities raise it, and a question
   about a document nobody curated was refused more. A second one, fitted the same way
   on whether the first passage held the answer, and reading the best score too, is the
   confidence an answer shows: calibrated, so that answers shown
   with 0.8 are right about eight times in ten (the README's reliability table).

Both models are data (``data/abstainer.json``), written with their cross-validated
figures by ``benchmarks/answers.py --fit``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from vemgorvad import settings
from vemgorvad.corpus.model import Passage
from vemgorvad.graph.model import Fact
from vemgorvad.index.lexical import swedish_stopwords
from vemgorvad.qa import understand
from vemgorvad.qa.facts import source_name
from vemgorvad.qa.rank import Ranker, sigmoid

ATTRIBUTES_FILE = Path(__file__).parent / "data" / "attributes.json"
ABSTAINER_FILE = Path(__file__).parent / "data" / "abstainer.json"

QUESTION_FEATURES = (
    "top",
    "margin",
    "top_dense",
    "top_window",
    "coverage",
    "lexical_coverage",
    "top_entity",
    "english",
    "unknown_names",
)
"""The features of a question for both models, in row order (:func:`question_row`)."""


@dataclass(frozen=True)
class Attribute:
    """Something a question can ask for that a passage states or does not."""

    name: str
    label: dict[str, str]
    question: re.Pattern[str]
    evidence: re.Pattern[str]


@cache
def attributes() -> tuple[Attribute, ...]:
    """The attributes of ``data/attributes.json``."""
    data = json.loads(ATTRIBUTES_FILE.read_text(encoding="utf-8"))
    return tuple(
        Attribute(
            item["name"],
            {"sv": item["sv"], "en": item["en"]},
            re.compile(item["question"]),
            re.compile(item["evidence"]),
        )
        for item in data["attributes"]
    )


def missing_attribute(question: str, passages: Sequence[str]) -> Attribute | None:
    """The attribute a question asks for that none of the passages gives, if any.

    >>> missing_attribute("Vilket telefonnummer har enheten?", ["Enheten ger stöd."]).name
    'phone'
    >>> missing_attribute("Vilket telefonnummer har enheten?", ["Ring 018-727 00 00."]) is None
    True
    """
    folded = question.casefold()
    for attribute in attributes():
        if attribute.question.search(folded) and not any(
            attribute.evidence.search(text) for text in passages
        ):
            return attribute
    return None


def question_row(
    scores: Sequence[float],
    dense: Sequence[float],
    window: Sequence[float],
    entity: Sequence[float],
    coverage: float,
    lexical_coverage: float,
    english: bool,
    unknown_names: int = 0,
) -> list[float]:
    """A question's features, in the order of :data:`QUESTION_FEATURES`.

    Args:
        scores: the ranker's scores of the candidates, best first.
        dense, window, entity: those features of the first few candidates.
        coverage: the share of the question's content words the documents know.
        lexical_coverage: the share of its lemmas the BM25 index knows.
        english: whether the question is English.
        unknown_names: how many names in the question no document holds.
    """
    top = scores[0] if len(scores) else 0.0
    second = scores[1] if len(scores) > 1 else top
    return [
        float(top),
        float(top - second),
        max(dense, default=0.0),
        max(window, default=0.0),
        coverage,
        lexical_coverage,
        max(entity, default=0.0),
        float(english),
        float(unknown_names),
    ]


@dataclass(frozen=True)
class Abstainer:
    """The two fitted question models and the threshold of answering.

    Attributes:
        answerable: log-odds that the documents answer the question.
        correct: log-odds that the first passage holds the answer (the confidence).
        threshold: abstain below this probability of being answerable.
        about: how they were fitted and what cross-validation measured.
    """

    answerable: Ranker
    correct: Ranker
    threshold: float
    about: dict[str, Any]

    def probabilities(self, row: Sequence[float]) -> tuple[float, float]:
        """(probability answerable, calibrated confidence) of a question's row."""
        x = np.asarray([row], dtype=float)
        answerable = sigmoid(float(self.answerable.score(x, QUESTION_FEATURES)[0]))
        correct = sigmoid(float(self.correct.score(x, QUESTION_FEATURES)[0]))
        return answerable, correct

    def to_json(self) -> dict[str, Any]:
        return {
            "answerable": self.answerable.to_json(),
            "correct": self.correct.to_json(),
            "threshold": self.threshold,
            "about": self.about,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Abstainer:
        return cls(
            Ranker.from_json(data["answerable"], QUESTION_FEATURES),
            Ranker.from_json(data["correct"], QUESTION_FEATURES),
            float(data["threshold"]),
            dict(data.get("about", {})),
        )

    @classmethod
    def load(cls, path: Path = ABSTAINER_FILE) -> Abstainer:
        """The fitted models.

        Raises:
            FileNotFoundError: nothing fitted yet (``benchmarks/answers.py --fit``).
        """
        return cls.from_json(json.loads(path.read_text(encoding="utf-8")))

    def save(self, path: Path = ABSTAINER_FILE) -> None:
        path.write_text(json.dumps(self.to_json(), indent=1) + "\n", encoding="utf-8")


def asks_beyond(text: str, lang: str, names: Sequence[str]) -> bool:
    """Whether a question asks about more than names the documents do not hold: a
    question made of such a name alone ("Vad är Mikamottagningen?", "What does the
    Zorblax Foundation do?") asks what it is, and nothing in the documents can say.

    >>> asks_beyond("Vad gör Zorblaxmottagningen?", "sv", ["Zorblaxmottagningen"])
    False
    >>> asks_beyond("Hur samverkar Zorblaxmottagningen med Nexus?", "sv", ["Zorblaxmottagningen"])
    True
    """
    rest = text
    for name in names:
        rest = rest.replace(name, " ")
    return bool(understand.content_lemmas(rest, lang))


def _around(text: str, name: str) -> tuple[str, str]:
    """The word before a name in a question (past an article) and the word after it,
    case folded ("" where there is none)."""
    cues = understand.CUES["name_roles"]
    at = text.find(name)
    words = [(start, word.casefold()) for start, _, word in understand.word_spans(text)]
    before = [w for start, w in words if start < at]
    after = [w for start, w in words if start >= at + len(name)]
    while before and before[-1] in cues["articles"]:
        before.pop()
    return (before[-1] if before else "", after[0] if after else "")


def names_a_place(text: str, name: str) -> bool:
    """Whether a name in a question is where something happens: after a preposition of
    place ("utanför ICA", "bor i Västerås") or before a word of place ("Västerås kommun").

    >>> names_a_place("Ett barn tigger utanför ICA – har kommunen ansvar?", "ICA")
    True
    >>> names_a_place("Vad gör Zorblax för offer i Uppsala?", "Zorblax")
    False
    """
    return _is_place(*_around(text, name))


def _is_place(before: str, after: str) -> bool:
    """Whether the words around a name make it a place (``cues.json: name_roles``)."""
    cues = understand.CUES["name_roles"]
    return before in cues["place_before"] or after in cues["place_after"]


def asked_about(text: str, names: Sequence[str]) -> list[str]:
    """The unknown names a question is about, not ones it names by the way.

    A name is asked about when the word before it (past an article) asks about it or
    makes it the subject (``cues.json: name_roles``); a name after any other word is where
    or to whom something happens, and one followed by a word of place is a municipality's.

    >>> asked_about("What does Zorblax do for victims in Uppsala?", ["Zorblax"])
    ['Zorblax']
    >>> asked_about("Finns det ett Barnahus i Uppsala för barn?", ["Barnahus i Uppsala"])
    ['Barnahus i Uppsala']
    >>> asked_about("Ett barn tigger utanför ICA – har kommunen ansvar?", ["ICA"])
    []
    >>> asked_about("Har Västerås kommun ansvar för barn som tigger?", ["Västerås"])
    []
    """
    subject_before = understand.CUES["name_roles"]["subject_before"]
    asked = []
    for name in names:
        before, after = _around(text, name)
        if before in subject_before and not _is_place(before, after):
            asked.append(name)
    return asked


def gives_figure(question: str, lang: str, texts: Sequence[str], labels: Sequence[str]) -> bool:
    """Whether one of the texts gives a number of the thing the question counts.

    A figure counts when a word right after it matches what the question counts (the
    words after "hur många" / "how many"; else any content word of the question) or a word
    of the labels of the entities it names ("två regionkoordinatorer").

    >>> gives_figure("Hur många regionkoordinatorer finns?", "sv", ["Det finns två regionkoordinatorer."], [])
    True
    >>> gives_figure("How many days does the court have?", "en", ["Rätten ska pröva saken inom fyra dagar."], [])
    True
    >>> gives_figure("Hur många sexköpare döms?", "sv", ["Under två år döms den som …"], [])
    False
    >>> gives_figure("Hur många år fängelse kan man få?", "sv", ["… fängelse i högst tio år."], [])
    True
    """
    folded = question.casefold()
    noun = re.search(r"\b(?:hur många|how many) (\w+)", folded)
    if noun and noun.group(1) not in _function_words(english=True):
        # what "hur många" counts is the word after it ("hur många sexköpare döms"), not "döms"
        stems = [noun.group(1)]
    else:
        stems = [w.casefold() for w in understand.content_words(question, lang)]
    if lang == "en":  # the documents count in Swedish: "how many days" counts "dagar"
        units = understand.CUES["unit_words"]
        asked = re.findall(r"\bhow (?:many|much) (\w+)", folded)
        stems.extend(str(units[w]) for w in asked if w in units)
    for label in labels:
        stems.extend(
            w.casefold() for w in understand.words(label) if len(w) >= settings.FIGURE_LABEL_WORD
        )
    for text in texts:
        for counted in counted_words(text):
            if any(
                understand.token_match(counted, stem) >= settings.FIGURE_WORD_MATCH
                or understand.token_match(stem, counted) >= settings.FIGURE_WORD_MATCH
                for stem in stems
            ):
                return True
    return False


FIGURE = re.compile(r"(?<![\d:/-])\d+(?:[.,]\d+)?(?![\d:/-])")


@cache
def _function_words(english: bool = False) -> frozenset[str]:
    """Swedish function words (NLTK's list, as the lexical index uses), and the end of a
    sentence: what cannot be counted; with ``english``, the English cue stop words too.
    Not the Swedish cue stop words, which hold "år"."""
    words = {"", *swedish_stopwords()}
    if english:
        words |= set(understand.CUES["stopwords"]["en"])
    return frozenset(words)


def counted_words(text: str) -> list[str]:
    """The words that follow a figure in a text, within its clause: the things it counts.

    Years, dates, SFS numbers, section numbers and the numerals of a list's items are not
    figures of anything. A number written as a word counts something only when a word that
    is not a function word follows it: "sex månader" and "fyra år" do, "köper sex i
    Sverige" and "säljer sex. Lagen" do not.

    >>> counted_words("Den som köper sex i Sverige döms till fängelse i högst sex månader.")
    ['månader']
    >>> counted_words("Fängelse i lägst fyra och högst tio år.")
    ['år']
    >>> counted_words("Den säljer sex. Lagen har 3 paragrafer.")
    ['paragrafer']
    >>> counted_words("Om barnet har fyllt 15 år, barnet samtycker och\\n2. barnets vilja har klarlagts,")
    ['år']
    """
    masked = re.sub(
        r"\b(?:19|20)\d\d\b|\d+ kap\.|\d+ [a-z] ?§|\d+ §|^\s*\d+\.", " ", text, flags=re.MULTILINE
    )
    numbers = set(understand.CUES["number_words"])
    stop = _function_words()
    counted: list[str] = []
    for sentence in re.split(r"(?<=[.!?;:])\s+|[,()]", masked):  # a comma ends what is counted
        tokens = understand.words(sentence)
        for position, token in enumerate(tokens):
            following = tokens[position + 1].casefold() if position + 1 < len(tokens) else ""
            if FIGURE.fullmatch(token) or (token.casefold() in numbers and following not in stop):
                counted.extend(
                    t.casefold()
                    for t in tokens[position + 1 : position + 1 + settings.FIGURE_COUNTED_WORDS]
                )
    return counted


class Reasons:
    """What is asked, against what the best passages give: the rules of ``ABSTAIN_RULES``.

    Args:
        matcher: the engine's entity matcher (names of laws, sources, actors).
        passages: the passages by id.
        refers: passage id → the entities it refers to.
        facts_of: the graph's facts that involve an entity.
        rules: the rules in force (``settings.ABSTAIN_RULES``).
        held_section: whether a passage is, or cites, a section (by its IRI).
        name: a passage as a reader names it (:func:`vemgorvad.qa.facts.source_name`).
    """

    def __init__(
        self,
        matcher: understand.EntityMatcher,
        passages: Mapping[str, Passage],
        refers: Mapping[str, frozenset[str]],
        facts_of: Callable[[str], Sequence[Fact]],
        rules: Sequence[str],
        held_section: Callable[[str], bool] = lambda iri: True,
        name: Callable[[Passage], str] = source_name,
    ) -> None:
        self.matcher, self.passages, self.refers = matcher, passages, refers
        self.facts_of, self.rules = facts_of, tuple(rules)
        self.held_section, self.name = held_section, name

    def why(
        self,
        text: str,
        lang: str,
        ranked: Sequence[str],
        mentions: Sequence[understand.Mention],
        unlikely: bool,
        unread: bool = False,
    ) -> tuple[str, dict[str, str]]:
        """Why the documents do not answer (a key of the engine's texts) and the words to
        fill in, or ``("", {})`` when they may.

        Args:
            text: the question.
            lang: its language.
            ranked: passage ids, best first.
            mentions: the entities it names.
            unlikely: whether the answerability model puts it below its threshold.
            unread: whether no word of it is one the documents use (for an English
                question, none the graph's English or the glossary knows either).
        """
        rules, matcher = self.rules, self.matcher
        top_texts = [self.passages[pid].text for pid in ranked[: settings.FIGURE_PASSAGES]]
        if "unknown_law" in rules and (laws := matcher.unknown_law_names(text)):
            return "unknown_law", {"laws": ", ".join(laws)}
        if "unknown_source" in rules and (source := matcher.unknown_source(text)):
            return "unknown_source", {"source": source}
        cited = understand.cited_sections(text) or understand.cited_chapters(text)
        if (
            "unknown_section" in rules
            and cited
            and not any(self.held_section(section.iri) for section in cited)
        ):
            return "unknown_section", {"sections": ", ".join(s.name for s in cited)}
        if "attribute" in rules and (attribute := missing_attribute(text, top_texts)):
            return "attribute", {"attribute": attribute.label[lang]}
        if "in_passing" in rules and (passing := self.in_passing(mentions, ranked)):
            return "in_passing", passing
        labels = [label for m in mentions for label in (m.entity.label, *m.entity.alt_labels)]
        if (
            "no_number" in rules
            and understand.asks_quantity(text)
            and not gives_figure(text, lang, top_texts, labels)
        ):
            return "no_number", {}
        if (
            "share" in rules
            and re.search(understand.CUES["share"], text.casefold())
            and not any(re.search(r"%|procent", t) for t in top_texts)
        ):
            return "no_number", {}
        names = matcher.unknown_names(text, lang)
        if "unknown_subject" in rules and names and not asks_beyond(text, lang, names):
            return "unknown_name", {"names": ", ".join(names)}
        if "unknown_actor" in rules and (asked := asked_about(text, names)):
            return "unknown_name", {"names": ", ".join(asked)}
        if "unknown_words" in rules and unread and not mentions:
            return "unknown_words", {}
        if unlikely:
            if names:
                return "unknown_name", {"names": ", ".join(names)}
            return "abstain", {}
        return "", {}

    def in_passing(
        self, mentions: Sequence[understand.Mention], ranked: Sequence[str]
    ) -> dict[str, str]:
        """An actor the question names that no fact has do anything and none of the best
        passages names: where the documents do mention it.

        An actor no fact involves is said so whatever else the question names. One that is
        only another's partner (the object of a relationship, never a bearer or subject) is
        said so unless the question also names an actor that does act: then it may ask about
        the two's dealings ("Samverkar förvaltningen med Migrationsverket?").
        """
        top = set(ranked[: settings.FIGURE_PASSAGES])
        named = [
            mention.entity
            for mention in mentions
            if mention.how == "label"
            and mention.weight >= settings.NAMED_MIN_WEIGHT
            and mention.entity.kind == "actor"
        ]
        acts = {e.iri for e in named if any(f.subject == e.iri for f in self.facts_of(e.iri))}
        for entity in named:
            if entity.iri in acts or (acts and self.facts_of(entity.iri)):
                continue
            where = [pid for pid, iris in self.refers.items() if entity.iri in iris]
            if where and not top & set(where):
                order = {pid: position for position, pid in enumerate(ranked)}  # nearest first
                where.sort(key=lambda pid: (order.get(pid, len(order)), pid))
                shown = ", ".join(self.name(self.passages[pid]) for pid in where[: settings.IN_PASSING_PLACES])
                return {"name": entity.label, "where": shown}
        return {}
