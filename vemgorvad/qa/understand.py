"""Reading a question: its language, its kind, and the actors, laws and groups it names.

Entity linking matches the graph's own labels and alt labels against the question's
words, tolerant of Swedish inflection ("socialtjänstens", "länsstyrelsen"), compounds
and hyphenation ("nexus-enheten", "människohandelsbrott") and typos. A mention's weight
falls with how common its words are in the corpus, so that "människohandel", which every
paragraph says, does not make every question about the provision of that name. Where no
word matches, the question is compared with the entities' definitions in embedding space.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import simplemma
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from vemgorvad import settings
from vemgorvad.graph.model import Entity
from vemgorvad.index import lexical
from vemgorvad.legal import LegalRef
from vemgorvad.legal import parse as parse_citations
from vemgorvad.legal.english import swedish_form

CUES = json.loads((Path(__file__).parent / "data" / "cues.json").read_text(encoding="utf-8"))

_WORD = re.compile(r"[0-9A-Za-zÅÄÖåäöÉéÜüÆæØø]+")

INFLECTIONS = (
    "s", "n", "en", "ens", "et", "ets", "na", "nas", "ns", "er", "erna", "ernas", "ar", "arna",
    "arnas", "or", "orna", "ornas", "r", "rna", "rnas", "e", "a", "t", "es", "ts", "ens",
)  # fmt: skip
"""Swedish inflectional endings that may stand between an alias and the word in a question."""

LAW_NUMBER = re.compile(r"(\d{4}:\d+)")


def law_key(iri: str) -> str:
    """What a law IRI or a statute's document id is known by: its SFS number, else itself.

    >>> law_key("https://lagen.nu/2001:453#K5P11"), law_key("SFS 2001:453")
    ('2001:453', '2001:453')
    """
    found = LAW_NUMBER.search(iri)
    return found.group(1) if found else iri


_SECTION = re.compile(r"^[^#]*#(?:K\d+[a-z]?)?P\d+[a-z]?")


def section_of(iri: str) -> str:
    """A provision IRI down to its section: a stycke or punkt is part of its section.

    >>> section_of("https://lagen.nu/2001:453#K14P1S2N3"), section_of("https://lagen.nu/1962:700#K4P1a")
    ('https://lagen.nu/2001:453#K14P1', 'https://lagen.nu/1962:700#K4P1a')
    >>> section_of("https://lagen.nu/2001:453")
    'https://lagen.nu/2001:453'
    """
    found = _SECTION.match(iri)
    return found.group() if found else iri


LAW_WORD = "lagen"
"""What a law named alone is asked as once its own passages are searched
(:func:`without_laws`)."""


def named_laws(question: str) -> frozenset[str]:
    """The laws a question names as the citation parser reads them, by :func:`law_key`.

    The parser knows names in any inflection, abbreviations and numbers; a hyphenated
    compound names its law too ("LVM-vård", "SoL-utredning"). A bare "11 §" names none.

    >>> sorted(named_laws("Vem beslutar om LVM-vård enligt brottsskadelagen?"))
    ['1988:870', '2014:322']
    """
    return frozenset(key for _, _, key in law_spans(question))


@lru_cache(maxsize=1024)
def law_spans(question: str) -> tuple[tuple[int, int, str], ...]:
    """Where the question names laws: (start, end, :func:`law_key`) per reference.

    Remembered for the last questions: an answer asks it several times.

    >>> law_spans("Vad säger lagen om vård av missbrukare i vissa fall?")
    ((10, 51, '1988:870'),)
    """
    text = re.sub(r"(?<=\w)-(?=\w)", " ", question)  # the same length: spans hold
    return tuple(
        (ref.start, ref.end, law_key(ref.target)) for ref in parse_citations(text) if ref.act
    )


@dataclass(frozen=True)
class CitedSection:
    """A section a question cites by number: its provision IRI down to the section (a
    stycke or punkt cited is looked up in its section), how it is said, and the stycke
    cited, if one is. (A chapter named without a section is one too, its IRI the
    chapter's: :func:`cited_chapters`.)"""

    iri: str
    name: str
    stycke: int | None = None


@lru_cache(maxsize=1024)
def _cited(question: str) -> tuple[tuple[LegalRef, str], ...]:
    """The provisions a question cites in a statute (parsed once, English citations put the
    Swedish way), each with how it is said: "6 kap. 11 § brottsbalken", "6 kap. brottsbalken"."""
    out: list[tuple[LegalRef, str]] = []
    for ref in parse_citations(swedish_form(question)):
        if ref.act and ref.target and (ref.section or ref.chapter):
            act = ref.act_label or ref.sfs or ""
            chapter = f"{_spaced(ref.chapter)} kap. " if ref.chapter else ""
            section = f"{_spaced(ref.section)} § " if ref.section else ""
            out.append((ref, f"{chapter}{section}{act[:1].lower()}{act[1:]}".strip()))
    return tuple(out)


@lru_cache(maxsize=1024)
def cited_sections(question: str) -> tuple[CitedSection, ...]:
    """The sections a question cites by number, in the order cited.

    >>> [s.iri for s in cited_sections("Vad säger 14 kap. 1 § första stycket SoL och 38 § LVM?")]
    ['https://lagen.nu/2001:453#K14P1', 'https://lagen.nu/1988:870#P38']
    >>> cited_sections("Vad säger 3 kap. 1 a § BrB?")[0].name
    '3 kap. 1 a § brottsbalken'
    >>> cited_sections("What does Chapter 5, Section 11 of the Social Services Act say?")[0].name
    '5 kap. 11 § socialtjänstlagen'
    >>> cited_sections("Vad säger 2 kap. brottsbalken?"), cited_sections("Vad säger 11 §?")
    ((), ())
    """
    found: dict[str, CitedSection] = {}
    for ref, name in _cited(question):
        if ref.section:
            iri = section_of(ref.target)
            found.setdefault(iri, CitedSection(iri, name, ref.paragraph))
    return tuple(found.values())


_CHAPTER = re.compile(r"^[^#]*#K\d+[a-z]?")


def asks_references(question: str, places: Iterable[str] = ()) -> bool:
    """Whether a question asks which laws a document refers to, and nothing more
    (``cues.json: references``; the places of the documents aside): answered from the
    graph's legal references, not searched. A question about what the laws it cites say
    of something ("… när det gäller skyddat boende?") is searched.

    >>> asks_references("Vilka lagar hänvisar promemorian till?"), asks_references("Which laws does the memo cite?")
    (True, True)
    >>> asks_references("Vilka lagar hänvisar tjänsteskrivelsen från Ekby till?", ["Ekby"])
    True
    >>> asks_references("Vilka lagar styr nämndens arbete?"), asks_references("Vilken lag nämner sexköp?")
    (False, False)
    >>> asks_references("Vilken lag hänvisar promemorian till om skyddat boende?")
    False
    """
    folded = question.casefold()
    cues = CUES["references"]
    keys = ("ask", "cite", "law", "document")
    if not all(re.search(cues[key], folded) for key in keys):
        return False
    rest = folded
    for pattern in [cues[key] for key in keys] + [rf"\b{re.escape(p.casefold())}s?\b" for p in places]:
        rest = re.sub(pattern, " ", rest)
    return not content_lemmas(rest, language(question))


def asked_kinds(question: str) -> frozenset[str]:
    """The kinds of rule a question asks a document's references of (``cues.json:
    references.kinds``); empty when it asks for all ("Vilka lagar …?").

    >>> sorted(asked_kinds("Vilka konventioner hänvisar promemorian till?")), asked_kinds("Which laws?")
    (['Konvention'], frozenset())
    """
    folded = question.casefold()
    return frozenset(
        kind
        for pattern, kinds in CUES["references"]["kinds"].items()
        if not pattern.startswith("_") and re.search(pattern, folded)
        for kind in kinds
    )


def names_place(text: str, place: str) -> bool:
    """Whether a question names a place, as it is written or in the genitive.

    >>> names_place("Vad gör socialnämnden i Västerås?", "Västerås"), names_place("Uppsalas nämnd", "Uppsala")
    (True, True)
    >>> names_place("Vad gör socialnämnden?", "Uppsala")
    False
    """
    return bool(re.search(rf"\b{re.escape(place)}s?\b", text))


def chapter_of(iri: str) -> str | None:
    """A provision IRI down to its chapter (None for a law without chapters).

    >>> chapter_of("https://lagen.nu/1962:700#K6P11"), chapter_of("https://lagen.nu/1988:870#P38")
    ('https://lagen.nu/1962:700#K6', None)
    """
    found = _CHAPTER.match(iri)
    return found.group() if found else None


@lru_cache(maxsize=1024)
def cited_chapters(question: str) -> tuple[CitedSection, ...]:
    """The chapters a question names without a section ("Vilka brott regleras i 6 kap.
    brottsbalken?"), in the order named.

    >>> [(c.iri, c.name) for c in cited_chapters("Vilka brott regleras i 6 kap. BrB?")]
    [('https://lagen.nu/1962:700#K6', '6 kap. brottsbalken')]
    >>> cited_chapters("Vad säger 6 kap. 11 § brottsbalken?"), cited_chapters("Vad säger 6 kap.?")
    ((), ())
    """
    found: dict[str, CitedSection] = {}
    for ref, name in _cited(question):
        if not ref.section and (iri := chapter_of(ref.target)):
            found.setdefault(iri, CitedSection(iri, name))
    return tuple(found.values())


def asks_only_what_it_says(question: str, lang: str) -> bool:
    """Whether a question, its laws and citations aside, is made of words of asking what
    they say (``cues.json: reading_words``): a question that cites sections or chapters and
    asks that alone asks for their own words.

    >>> asks_only_what_it_says("Vad säger 6 kap. 1 § brottsbalken?", "sv")
    True
    >>> asks_only_what_it_says("What does 38 § LVM say?", "en")
    True
    >>> asks_only_what_it_says("Vad handlar 4 kap. brottsbalken om?", "sv")
    True
    >>> asks_only_what_it_says("Vad säger 5 kap. 11 § SoL om våld mot kvinnor?", "sv")
    False
    >>> asks_only_what_it_says("Vilka brott regleras i 6 kap. brottsbalken?", "sv")
    False
    """
    return content_lemmas(without_laws(swedish_form(question)), lang) <= _reading_lemmas()


@lru_cache(maxsize=1)
def _reading_lemmas() -> frozenset[str]:
    return frozenset(_lemma(w.casefold()) for w in CUES["reading_words"]["words"])


def _spaced(number: str) -> str:
    """A chapter or section number as written: "1a" → "1 a"."""
    return re.sub(r"(\d)([a-z])$", r"\1 \2", number)


def without_laws(question: str) -> str:
    """The question with the laws it names put as "lagen", a compound's rest kept.

    Once a statute is named, its name tells none of its sections apart; the rest of the
    question does. A name standing alone leaves "lagen", so the question still asks
    about a law (English ones too: e5 reads both); a compound loses its law ("LVM-hem"
    is asked as "hem").

    >>> without_laws("Hur länge får man vara avskild på ett LVM-hem?")
    'Hur länge får man vara avskild på ett hem?'
    >>> without_laws("Vad säger 5 kap. 11 § socialtjänstlagen om brottsoffer?")
    'Vad säger lagen om brottsoffer?'
    """
    out = question
    for start, end, _ in sorted(law_spans(question), reverse=True):
        word = "" if question[end : end + 1] == "-" else LAW_WORD
        out = f"{out[:start]} {word} {out[end:].lstrip('-')}"
    return re.sub(r"\s+([?!.,;:])", r"\1", re.sub(r"\s+", " ", out)).strip()


def words(text: str) -> list[str]:
    """The word tokens of a text, in their original case."""
    return _WORD.findall(text)


def word_spans(text: str) -> list[tuple[int, int, str]]:
    """The word tokens of a text with where they stand: (start, end, word)."""
    return [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]


def lemmas(text: str) -> frozenset[str]:
    """The Swedish lemmas of a text's words (case folded), for overlap between texts.

    >>> sorted(lemmas("Nämnderna ger stöd"))
    ['ge', 'nämnd', 'stöd']
    """
    return frozenset(_lemma(w.casefold()) for w in words(text))


def content_lemmas(question: str, lang: str) -> frozenset[str]:
    """The lemmas of a question's content words (:func:`content_words`)."""
    return frozenset(_lemma(w.casefold()) for w in content_words(question, lang))


def language(question: str) -> str:
    """``"sv"`` or ``"en"``, by function words and Swedish letters.

    >>> language("Vem samordnar arbetet?"), language("Who coordinates the work?")
    ('sv', 'en')
    """
    tokens = [token.casefold() for token in words(question)]
    swedish: float = sum(token in CUES["language"]["sv"] for token in tokens)
    english = sum(token in CUES["language"]["en"] for token in tokens)
    swedish += 0.5 * sum(any(c in token for c in "åäö") for token in tokens)
    return "en" if english > swedish else "sv"


def kind(question: str) -> str:
    """The question's kind: who, what, law, when, relation or target."""
    text = question.strip().casefold()
    for name, pattern in CUES["kinds"]:
        if re.search(pattern, text):
            return str(name)
    return "what"


def asks_quantity(question: str) -> bool:
    """Whether the question asks for a number ("hur många", "how many"); a question asking
    when is asking for a time, whatever it says of how much.

    >>> asks_quantity("Hur många barn berörs?"), asks_quantity("När ska polisen redovisa hur mycket det kostar?")
    (True, False)
    """
    return kind(question) != "when" and re.search(CUES["quantity"], question.casefold()) is not None


def content_words(question: str, lang: str) -> list[str]:
    """The question's words that carry its content: no stop words, no short words."""
    stop = set(CUES["stopwords"][lang])
    return [w for w in words(question) if len(w) >= 3 and w.casefold() not in stop]


def english_stem(word: str) -> str:
    """A crude English stem, enough to match "victims" to "victim", "coordinates" to
    "coordinate" in the graph's English statements.

    >>> english_stem("victims"), english_stem("coordinating"), english_stem("agencies")
    ('victim', 'coordinat', 'agenc')
    """
    for suffix in ("ies", "ing", "ed", "es", "s", "e", "y"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def token_match(query: str, alias: str) -> float:
    """How well a (case-folded) question word matches a (case-folded) alias word, 0 to 1.

    >>> token_match("socialtjänstens", "socialtjänsten")
    0.95
    >>> token_match("människohandelsbrott", "människohandel")
    0.7
    >>> token_match("socialstyrelsn", "socialstyrelsen")
    0.8
    >>> token_match("barnen", "barnkonventionen")
    0.0
    """
    shortest = settings.MATCH_MIN_CHARS
    if query == alias:
        return 1.0
    if len(alias) >= shortest and query.startswith(alias) and query[len(alias) :] in INFLECTIONS:
        return settings.MATCH_INFLECTED
    if len(query) >= shortest and alias.startswith(query) and alias[len(query) :] in INFLECTIONS:
        return settings.MATCH_UNINFLECTED
    if (
        len(alias) >= settings.MIN_COMPOUND_HEAD
        and query.startswith(alias)
        and len(query) - len(alias) >= shortest
    ):
        return settings.MATCH_COMPOUND_HEAD
    if min(len(query), len(alias)) >= settings.TYPO_MIN_CHARS and Levenshtein.distance(
        query, alias
    ) <= 1 + (len(alias) >= settings.TYPO_TWO_EDITS_CHARS):
        return settings.MATCH_TYPO
    return 0.0


@dataclass(frozen=True)
class Mention:
    """An entity named in the question."""

    entity: Entity
    weight: float  # 0..1: match quality × how informative the words are
    start: int  # token span in the question
    end: int
    how: str  # "label" | "semantic"


@dataclass(frozen=True)
class _Alias:
    entity: Entity
    tokens: tuple[str, ...]
    exact_case: bool  # acronyms (SoL, NMT, FN) match only as written
    informativeness: float


class EntityMatcher:
    """Finds the graph's entities in questions by their labels (see the module doc)."""

    def __init__(
        self,
        entities: Iterable[Entity],
        corpus_texts: Sequence[str],
        english_texts: Sequence[str] = (),
        held_laws: Iterable[str] = (),
    ) -> None:
        self.entities = list(entities)
        self.held_laws = frozenset(held_laws)
        """The laws whose text the corpus holds, by :func:`law_key` (a statute added to the
        corpus is known by every name the citation parser knows, curated or not)."""
        self.english_vocabulary = frozenset(
            english_stem(w.casefold())
            for text in [*english_texts, *(e.label_en or "" for e in self.entities)]
            for w in words(text)
        )
        written = [set(words(text)) for text in corpus_texts]
        every = set().union(*written)
        lower = {t for t in every if not t[0].isupper()}
        proper = {t.casefold() for t in every if t[0].isupper()} - lower
        documents = [{t.casefold() for t in tokens} for tokens in written]
        self._df: dict[str, int] = {}
        for vocabulary in documents:
            for token in vocabulary:
                self._df[token] = self._df.get(token, 0) + 1
        self._n = max(1, len(documents))
        names = {
            w.casefold()
            for e in self.entities
            for label in (e.label, *e.alt_labels)
            for w in words(label)
        }
        self.vocabulary = frozenset(self._df) | names
        self._name_words = sorted(
            names | {w.casefold() for e in self.entities for w in words(e.label_en or "")}
        )
        """Every word of the entities' names: a name a letter or two from one is misspelt."""
        self._actor_words = frozenset(
            w.casefold()
            for e in self.entities
            if e.kind == "actor"
            for label in (e.label, *e.alt_labels)
            for w in words(label)
            if len(w) >= settings.MIN_COMPOUND_HEAD
            or (w.casefold() in proper and len(w) > settings.MATCH_MIN_CHARS)
        )
        """The words of the actors' names a compound name may open ("Uppsökarenheten" is
        the Uppsökaren's unit, "Nexusteamet" Nexus's team): the longer ones, and the shorter
        ones the documents write only as names ("Nexus", not "barn" or "stöd")."""
        self.lemmas = frozenset(_lemma(w) for w in self.vocabulary)
        self._names = lru_cache(maxsize=1)(self._read_names)
        """The last question's names: an ask reads them twice (the answerability signal,
        then the rules of refusal), and each capitalised word is a fuzzy search."""
        self.aliases: list[_Alias] = []
        for entity in self.entities:
            labels = {entity.label, *entity.alt_labels, *entity.hidden_labels}
            if entity.label_en:
                labels.add(entity.label_en)
            # "National Operations Department (NOA)" is also named without its acronym,
            # "Swedish Migration Agency" without the country ("the Migration Agency")
            labels |= {_without_parenthesis(label) for label in labels}
            if entity.label_en:
                labels.add(_without_country(entity.label_en))
            for label in sorted(labels):  # not a set's order: it changes from run to run
                tokens = words(label)
                if not tokens:
                    continue
                exact = (
                    len(tokens) == 1
                    and len(tokens[0]) <= 5
                    and not tokens[0].islower()
                    and (sum(c.isupper() for c in tokens[0]) >= 2)
                )
                folded = tuple(tokens if exact else (t.casefold() for t in tokens))
                self.aliases.append(_Alias(entity, folded, exact, self._informativeness(folded)))
        self._curated_tokens = sorted(
            {t.casefold() for a in self.aliases if not a.entity.extracted for t in a.tokens}
        )
        """Every word of a curated entity's labels: what "names a law we know" means."""
        self._curated_laws = frozenset(
            law_key(e.iri) for e in self.entities if e.kind == "law" and not e.extracted
        )
        """The laws the graph holds curated facts about, by :func:`law_key`."""
        self._by_first: dict[str, list[_Alias]] = {}
        for alias in self.aliases:
            self._by_first.setdefault(alias.tokens[0][:3].casefold(), []).append(alias)

    def _informativeness(self, tokens: Sequence[str]) -> float:
        """1 for words rare in the corpus, towards 0.3 for words in most passages."""
        if len(tokens) > 1:
            return 1.0
        df = self._df.get(tokens[0].casefold(), 0)
        share = df / self._n
        return max(0.3, 1.0 - 0.7 * min(1.0, math.sqrt(share * 4)))

    def find(self, question: str) -> list[Mention]:
        """The entities a question names, best first, one mention per entity."""
        tokens = words(question)
        folded = [t.casefold() for t in tokens]
        found: dict[str, Mention] = {}
        for start in range(len(tokens)):
            for alias in self._by_first.get(folded[start][:3], ()):
                end = start + len(alias.tokens)
                if end > len(tokens):
                    continue
                candidate = tokens[start:end] if alias.exact_case else folded[start:end]
                scores = [
                    (1.0 if q == a else 0.0) if alias.exact_case else token_match(q, a)
                    for q, a in zip(candidate, alias.tokens, strict=True)
                ]
                quality = min(scores)
                if quality <= 0:
                    continue
                weight = quality * alias.informativeness
                iri = alias.entity.iri
                if iri not in found or found[iri].weight < weight:
                    found[iri] = Mention(alias.entity, weight, start, end, "label")
        return _prefer_longest(sorted(found.values(), key=lambda m: -m.weight))

    def unknown_law_names(self, question: str) -> list[str]:
        """Named laws in the question ("utlänningslagen") that the graph holds no facts about.

        A law the corpus only cites (an extracted node) counts as unknown: the documents
        cannot say what it says; a law whose text the corpus holds is known, curated or
        not. Generic words ("lagen", "konventionen") name no law. A name the question
        shares with another ("plan- och bygglagen") is said whole.
        """
        known = self._curated_tokens
        spans = law_spans(question)
        held = [(start, end) for start, end, key in spans if key in self.held_laws]
        out = []
        judged: list[tuple[int, int]] = []  # the law words read below
        for found in _WORD.finditer(question):
            token = found.group()
            folded = token.casefold()
            match = re.search(CUES["law_word"], folded)
            if not match or match.start() < 4:
                continue  # no law word, or a generic one ("lagen", "lagar")
            judged.append((found.start(), found.end()))
            if any(start <= found.start() < end for start, end in held):
                continue
            if any(token_match(folded, k) >= settings.MATCH_UNINFLECTED for k in known):
                continue
            stem = folded[: match.start()] + folded[match.start() : match.start() + 3]
            if any(k.startswith(stem) for k in known):
                continue  # "sexualbrottslagen" for "sexualbrottslagstiftningen"
            shared = re.search(r"(?:\w+-,?\s+)*\w+-\s+(?:och|eller)\s+$", question[: found.start()])
            out.append(question[shared.start() if shared else found.start() : found.end()])
        # a law named without a law word, which the citation parser knows ("LVU", "LSS",
        # "lagen (1990:52)"): unknown when the corpus holds neither its text nor facts of it
        unknown: list[tuple[int, int, str]] = []
        for start, end, key in spans:
            if key in self.held_laws or key in self._curated_laws:
                continue
            if any(a < end and start < b for a, b in judged):
                continue
            opening = re.search(r"\w+\s*\(\s*$", question[:start])  # "lagen (1990:52)"
            if opening and question[end:].lstrip().startswith(")"):
                start, end = opening.start(), question.index(")", end) + 1
            if unknown and unknown[-1][2] == key and not question[unknown[-1][1] : start].strip():
                unknown[-1] = (unknown[-1][0], end, key)  # "2 kap. LVU" is one name
            else:
                unknown.append((start, end, key))
        return out + [question[start:end] for start, end, _ in unknown]

    def coverage(self, question: str, lang: str) -> float:
        """The share of the question's content words that the documents or the graph use.

        Swedish words are looked up, inflection-tolerant, in the corpus; English words in
        the graph's English labels and statements (and the corpus, for names).
        """
        content = content_words(question, lang)
        if not content:
            return 0.0
        if lang == "en":
            known = sum(
                english_stem(w.casefold()) in self.english_vocabulary
                or w.casefold() in self.vocabulary
                for w in content
            )
        else:
            known = sum(self.covered(w) for w in content)
        return known / len(content)

    def unknown_source(self, question: str) -> str | None:
        """The source a question asks the words of ("what does X say"), when the
        documents neither are nor hold it; None when it asks no such thing."""
        folded = question.casefold()
        match = re.search(CUES["source_question"], folded)
        if not match:
            return None
        source = match.group(1)
        if len(folded) == len(question):
            source = question[match.start(1) : match.end(1)]  # said as the user wrote it ("LVU")
        held = [(a, b) for a, b, key in law_spans(question) if key in self.held_laws]
        if any(a < match.end(1) and match.start(1) < b for a, b in held):
            return None  # "vad säger lagen om vård av missbrukare …": its text is here
        if any(re.search(rf"\b{re.escape(w)}\b", source.casefold()) for w in CUES["source_words"]):
            return None
        named = [
            m for m in self.find(source)
            if m.weight >= 0.5 and (not m.entity.extracted or law_key(m.entity.iri) in self.held_laws)
        ]  # a law the graph curates, or one whose text the corpus holds, by any of its names
        if any(m.entity.kind in ("law", "provision") for m in named):
            return None
        return source.strip()

    def unknown_names(self, question: str, lang: str) -> list[str]:
        """Names in the question that no document and no label of the graph holds.

        A name is a capitalised word that does not open the question ("Barnahus",
        "ECPAT"); it is known when the corpus, the graph's labels (Swedish or English) or,
        for an English question, the English statements use it, allowing for inflection.
        Capitalised words joined by a connecting word make one name ("Prison and
        Probation Service", "Save the Children"), said whole when a word of it is unknown;
        an unknown name goes on by the unknown lower-case words after it ("Röda korset").
        """
        return [name for name, unknown in self._names(question) if unknown]

    def unknown_name_words(
        self, question: str, counts: Callable[[str], bool] = lambda name: True
    ) -> int:
        """How many words of the question's names no document or label holds (a signal
        of the answerability model), of the names ``counts`` keeps."""
        return sum(unknown for name, unknown in self._names(question) if counts(name))

    def _read_names(self, question: str) -> tuple[tuple[str, int], ...]:
        """The question's names (see :meth:`unknown_names`), each with how many of its
        words are unknown."""
        tokens = list(_WORD.finditer(question))
        stop = {w for lang_words in CUES["stopwords"].values() for w in lang_words}

        def is_name(position: int) -> bool:
            token = tokens[position].group()
            return (
                position > 0
                and len(token) >= 3
                and token[0].isupper()
                and token.casefold() not in stop
            )

        @cache  # asked of a token up to three times below; a misspelt name is a fuzzy search
        def unknown(token: str) -> bool:
            folded = token.casefold()
            return not (
                self.covered(token, compounds=False)
                or any(folded.startswith(word) for word in self._actor_words)
                or english_stem(folded) in self.english_vocabulary
                or self._misspelt_name(folded)
            )

        swedish = language(question) == "sv"
        names: list[tuple[str, int]] = []
        position = 0
        while position < len(tokens):
            if not is_name(position):
                position += 1
                continue
            end = position
            while True:  # "Zorblax Foundation", "Prison and Probation Service"
                if end + 1 < len(tokens) and is_name(end + 1):
                    end += 1
                elif (
                    end + 2 < len(tokens)
                    and tokens[end + 1].group() in CUES["name_joiners"]
                    and is_name(end + 2)
                ):
                    end += 2
                else:
                    break
            # "Röda korset", "Rädda barnen": a Swedish name goes on in lower case, by words
            # no document holds either
            while (
                swedish
                and end + 1 < len(tokens)
                and unknown(tokens[end].group())
                and tokens[end + 1].group().islower()
                and tokens[end + 1].group() not in stop
                and unknown(tokens[end + 1].group())
            ):
                end += 1
            run = [tokens[i].group() for i in range(position, end + 1) if is_name(i) or unknown(tokens[i].group())]
            text = question[tokens[position].start() : tokens[end].end()]
            names.append((text, sum(unknown(token) for token in run)))
            position = end + 1
        return tuple(names)

    def _misspelt_name(self, folded: str) -> bool:
        """Whether a word is an entity's name misspelt ("Nexsus", "Ebamottagningen"): one
        edit from a word of a name, two from ``TYPO_TWO_EDITS_CHARS`` letters."""
        if len(folded) < settings.TYPO_MIN_CHARS:
            return False
        edits = 1 + (len(folded) >= settings.TYPO_TWO_EDITS_CHARS)
        found = process.extractOne(
            folded, self._name_words, scorer=Levenshtein.distance, score_cutoff=edits
        )
        return found is not None

    def covered(self, token: str, compounds: bool = True) -> bool:
        """Whether a question word, or an inflection of it, occurs in the corpus; with
        ``compounds``, also a compound that opens with one ("tiggeriverksamheten"). A name
        does not count as known that way: "Brottsoffermyndigheten" is not "brottsoffer"."""
        folded = token.casefold()
        if folded in self.vocabulary or _lemma(folded) in self.lemmas:
            return True
        match = _stem_match if compounds else _inflected
        return any(match(folded, known) for known in _candidates(folded, self.vocabulary))


@lru_cache(maxsize=65536)
def _lemma(word: str) -> str:
    """The Swedish lemma of a word (simplemma), for matching "bygger" to "bygga"; a noun
    made from a verb is read as the verb, so "samordnar" matches "samordningen" (BM25
    searches a question's noun as its verb the same way, :func:`vemgorvad.index.lexical.verb_of`).

    >>> _lemma("samordnar"), _lemma("samordningen"), _lemma("nämnden")
    ('samordna', 'samordna', 'nämnd')
    """
    lemma = lexical.mended(word, str(simplemma.lemmatize(word, lang="sv")).casefold())
    return lexical.verb_of(lemma) or lemma


def _candidates(token: str, vocabulary: frozenset[str]) -> list[str]:
    stem = token[: max(4, len(token) - 4)]
    return _by_prefix(vocabulary).get(stem[:4], [])


@lru_cache(maxsize=4)
def _by_prefix(vocabulary: frozenset[str]) -> dict[str, list[str]]:
    index: dict[str, list[str]] = {}
    for word in vocabulary:
        index.setdefault(word[:4], []).append(word)
    return index


def _inflected(a: str, b: str) -> bool:
    """Whether one word is the other inflected (either way) or misspelt, not a compound
    of it."""
    return token_match(a, b) in (
        settings.MATCH_INFLECTED,
        settings.MATCH_UNINFLECTED,
        settings.MATCH_TYPO,
    )


def _stem_match(a: str, b: str) -> bool:
    return (
        token_match(a, b) >= settings.MATCH_COMPOUND_HEAD
        or token_match(b, a) >= settings.MATCH_UNINFLECTED
    )


def _without_parenthesis(label: str) -> str:
    """A label without a trailing parenthesis ("Nationella operativa avdelningen (NOA)").

    >>> _without_parenthesis("National Operations Department (NOA)")
    'National Operations Department'
    >>> _without_parenthesis("(NOA)")
    '(NOA)'
    """
    return re.sub(r"\s*\([^()]*\)\s*$", "", label).strip() or label


def _without_country(label: str) -> str:
    """An English name without the country it begins with, when two words or more remain.

    >>> _without_country("Swedish Migration Agency")
    'Migration Agency'
    >>> _without_country("Swedish Government")
    'Swedish Government'
    """
    rest = re.sub(r"^Swedish\s+", "", label)
    return rest if len(words(rest)) >= 2 else label


def _prefer_longest(mentions: list[Mention]) -> list[Mention]:
    """Drop a mention whose words lie inside a longer, stronger mention's words."""
    kept: list[Mention] = []
    for mention in sorted(mentions, key=lambda m: (-(m.end - m.start), -m.weight)):
        inside = any(
            k.start <= mention.start
            and mention.end <= k.end
            and (k.end - k.start) > (mention.end - mention.start)
            for k in kept
        )
        if not inside:
            kept.append(mention)
    return sorted(kept, key=lambda m: -m.weight)
