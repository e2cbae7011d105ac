"""Lexical retrieval: BM25 (bm25s) over a Swedish analyser.

The analyser turns text into index terms in four steps:

1. lower-cased word tokens (letters and digits; hyphens and slashes split words, so
   ``EU/EES-medborgare`` gives ``eu``, ``ees``, ``medborgare``);
2. Swedish stopwords dropped (NLTK's list, as shipped in ``bm25s.stopwords``), judged on
   the surface form so that ``män`` (men) survives although its lemma ``man`` is also the
   pronoun;
3. each word's lemma (simplemma, ``sv``, greedy for words outside its dictionary:
   ``människohandeln`` → ``människohandel``);
4. compounds split where the lemmatiser leaves them whole: a word of at least
   :data:`vemgorvad.settings.MIN_COMPOUND` letters that is a known word after a known
   word (allowing the binding ``-s-`` and the ``-o-``/``-u-``/dropped-vowel forms of a
   first part) also yields those two parts, so ``människohandelsbrott`` is indexed as
   itself and as ``människohandel`` and ``brott``. Known means a base form in
   simplemma's Swedish dictionary or among the corpus's own lemmas.

The same analysis runs on queries and passages, so an inflected or compound form in
either finds the other. A query's noun made from a verb by ``-ning``/``-ing`` also searches
the verb, when the dictionary knows it: "Vem gör utredningen?" finds "nämnden utreder"
(:func:`verb_of`; the passages' nouns were indexed with their verbs too, and that measured
worse: ``settings.MIN_DERIVATION_STEM``).
"""

from __future__ import annotations

import functools
import json
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from vemgorvad import settings

logger = logging.getLogger(__name__)

LANGUAGE = "sv"

_WORD = re.compile(r"[^\W_]+", re.UNICODE)


@functools.cache
def dictionary_lemmas() -> frozenset[str]:
    """The lemmas of simplemma's Swedish dictionary (≈129k; built once, ~1 s)."""
    from simplemma.strategies.dictionaries import DEFAULT_DICTIONARY_FACTORY

    return frozenset(DEFAULT_DICTIONARY_FACTORY.get_dictionary(LANGUAGE).values())


def _bm25s() -> ModuleType:
    """``bm25s``, imported without its logger forced to DEBUG.

    bm25s sets its own logger's level to DEBUG on import, which makes it chatter in any
    application that logs; its level is handed back to the logging configuration.
    """
    import bm25s

    logging.getLogger("bm25s").setLevel(logging.NOTSET)
    return bm25s


def swedish_stopwords() -> frozenset[str]:
    """NLTK's Swedish stopwords, as maintained in ``bm25s.stopwords``."""
    from bm25s.stopwords import STOPWORDS_SWEDISH

    return frozenset(STOPWORDS_SWEDISH)


def words(text: str) -> list[str]:
    """Lower-cased word tokens, stopwords and all.

    >>> words("Nämnden och EU/EES-medborgare")
    ['nämnden', 'och', 'eu', 'ees', 'medborgare']
    """
    return _WORD.findall(text.lower())


def content_words(text: str, stopwords: frozenset[str]) -> list[str]:
    """Lower-cased word tokens that are not stopwords (nor single letters).

    >>> content_words("Nämnden och EU/EES-medborgare i Uppsala", frozenset({"och", "i"}))
    ['nämnden', 'eu', 'ees', 'medborgare', 'uppsala']
    """
    return [
        word
        for word in words(text)
        if word not in stopwords and (len(word) > 1 or word.isdigit())
    ]


class SwedishAnalyzer:
    """Words → lemmas → compound parts, for BM25 on Swedish text.

    Attributes:
        stopwords: surface forms that are never indexed.
        corpus_lemmas: lemmas seen in the corpus; with simplemma's dictionary, the
            vocabulary compound parts must come from.
    """

    def __init__(
        self,
        corpus_lemmas: Iterable[str] = (),
        stopwords: frozenset[str] | None = None,
        split_compounds: bool = True,
    ) -> None:
        """Create an analyser.

        Args:
            corpus_lemmas: lemmas known from the corpus (beside simplemma's dictionary).
            stopwords: surface forms to drop; NLTK's Swedish list by default.
            split_compounds: whether to add the parts of compounds.
        """
        self.stopwords = stopwords if stopwords is not None else swedish_stopwords()
        self.corpus_lemmas: set[str] = set(corpus_lemmas)
        self.split_compounds = split_compounds
        self._lemma_cache: dict[str, str] = {}
        self._parts_cache: dict[str, tuple[str, ...]] = {}

    def words(self, text: str) -> list[str]:
        """Lower-cased word tokens that are not stopwords.

        >>> SwedishAnalyzer().words("Socialnämnden och EU/EES-medborgare i Uppsala")
        ['socialnämnden', 'eu', 'ees', 'medborgare', 'uppsala']
        """
        return content_words(text, self.stopwords)

    def lemma(self, word: str) -> str:
        """The lemma of a lower-cased word (cached).

        >>> SwedishAnalyzer().lemma("människohandeln"), SwedishAnalyzer().lemma("samordnar")
        ('människohandel', 'samordna')
        """
        cached = self._lemma_cache.get(word)
        if cached is None:
            import simplemma

            cached = mended(word, simplemma.lemmatize(word, lang=LANGUAGE, greedy=True).lower())
            self._lemma_cache[word] = cached
        return cached

    def lemmas(self, text: str) -> list[str]:
        """The lemmas of the text's non-stopwords, in order."""
        return [self.lemma(word) for word in self.words(text)]

    def terms(self, text: str, verbs: bool = False) -> list[str]:
        """Index terms: each lemma, followed by its compound parts (and for a query, each
        with the verb it is made from).

        >>> SwedishAnalyzer().terms("människohandelsbrottet")
        ['människohandelsbrott', 'människohandel', 'brott']
        >>> SwedishAnalyzer().terms("samordningen", verbs=True)
        ['samordning', 'samordna']
        """
        return self.lemma_terms(self.lemmas(text), verbs)

    def lemma_terms(self, lemmas: Iterable[str], verbs: bool = False) -> list[str]:
        """Index terms of lemmas already found: each, followed by its compound parts (and
        for a query, each with the verb it is made from).

        >>> SwedishAnalyzer().lemma_terms(["socialnämnd"])
        ['socialnämnd', 'social', 'nämnd']
        >>> SwedishAnalyzer().lemma_terms(["brottsutredning"], verbs=True)
        ['brottsutredning', 'brott', 'utredning', 'utreda']
        """
        terms: list[str] = []
        for lemma in lemmas:
            for term in (lemma, *self.parts(lemma)) if self.split_compounds else (lemma,):
                terms.append(term)
                verb = verb_of(term) if verbs else None
                if verb:
                    terms.append(verb)
        return terms

    def is_known(self, word: str) -> bool:
        """Whether a word is among the corpus's lemmas or the lemmas of simplemma's dictionary.

        Inflected forms do not count (``fört``, ``uppehålls``), so they do not become parts.

        >>> analyzer = SwedishAnalyzer()
        >>> analyzer.is_known("brott"), analyzer.is_known("fört")
        (True, False)
        """
        return word in self.corpus_lemmas or word in dictionary_lemmas()

    def parts(self, word: str) -> tuple[str, ...]:
        """The two known parts of a compound (empty if it is not one).

        Of the splits into a known first part and a known last part, the one with the
        longest first part wins: the most specific head, ``människohandels|brott`` rather
        than ``människo|handelsbrott``. The last part of a lemma is already a base form;
        the first part is given back as the word it stands for (binding ``s`` dropped,
        ``kvinno-`` → ``kvinna``).

        Args:
            word: a lemma.

        Returns:
            ``(first, last)``, or ``()``.

        >>> SwedishAnalyzer().parts("sexköpslag")
        ('sexköp', 'lag')
        """
        cached = self._parts_cache.get(word)
        if cached is not None:
            return cached
        found: tuple[str, ...] = ()
        if len(word) >= settings.MIN_COMPOUND and word.isalpha():
            for cut in range(len(word) - settings.MIN_PART, settings.MIN_PART - 1, -1):
                if max(cut, len(word) - cut) < settings.MIN_PART + 1:
                    continue
                tail = word[cut:]
                if tail in self.stopwords or not self.is_known(tail):
                    continue
                head = self._known_head(word[:cut])
                if head:
                    found = (head, tail)
                    break
        self._parts_cache[word] = found
        return found

    def _known_head(self, head: str) -> str | None:
        """The word a compound's first part stands for, if it is a known one."""
        if head in self.stopwords:
            return None  # för|undersökning: a prefix, not a word of its own
        candidates = []
        if head.endswith("s"):
            candidates.append(head[:-1])  # binding s: människohandels-
        candidates.append(head)
        if head[-1] in "ou":
            candidates.append(head[:-1] + "a")  # kvinno- → kvinna, gatu- → gata
        if len(head) > settings.MIN_PART and not _is_word_form(head):
            candidates += [head + "a", head + "e"]  # skol- → skola, pojk- → pojke
        for candidate in candidates:
            if (
                len(candidate) >= settings.MIN_PART
                and candidate not in self.stopwords
                and self.is_known(candidate)
            ):
                return candidate
        return None


def mended(word: str, lemma: str) -> str:
    """simplemma's lemma of a word, with a verb in the present tense it takes for a noun
    in ``-are`` read as the verb.

    >>> mended("samordnar", "samordnare"), mended("lärare", "lärare")
    ('samordna', 'lärare')
    """
    if lemma == word + "e" and word.endswith("ar") and word[:-1] in dictionary_lemmas():
        return word[:-1]
    return lemma


def verb_of(noun: str) -> str | None:
    """The verb a noun in ``-ning`` or ``-ing`` is made from, if the dictionary knows it.

    >>> verb_of("samordning"), verb_of("prövning"), verb_of("utredning"), verb_of("ring")
    ('samordna', 'pröva', 'utreda', None)
    """
    for suffix in ("ning", "ing"):
        stem = noun[: -len(suffix)]
        if noun.endswith(suffix) and len(stem) >= settings.MIN_DERIVATION_STEM:
            verb = stem + "a"
            if verb in dictionary_lemmas():
                return verb
    return None


def _is_word_form(word: str) -> bool:
    """Whether simplemma knows the word as some form (``fört``: not a clipped ``förta``)."""
    import simplemma

    return bool(simplemma.is_known(word, lang=LANGUAGE))


class EnglishAnalyzer:
    """Words → Snowball stems (PyStemmer), for BM25 on English text.

    The corpus is Swedish; the graph's English sentences (one per curated fact) give an
    English question words to match, so it need not lean on embeddings alone.

    >>> EnglishAnalyzer().terms("Which organisations does the committee support financially?")
    ['organis', 'committe', 'support', 'financi']
    """

    split_compounds = False

    def __init__(self) -> None:
        import Stemmer
        from bm25s.stopwords import STOPWORDS_EN_PLUS

        self.stopwords = frozenset(STOPWORDS_EN_PLUS)  # NLTK's English list
        self.corpus_lemmas: set[str] = set()
        self._stemmer = Stemmer.Stemmer("english")

    def words(self, text: str) -> list[str]:
        """Lower-cased word tokens that are not stopwords."""
        return content_words(text, self.stopwords)

    def lemmas(self, text: str) -> list[str]:
        """The stems of the text's non-stopwords, in order."""
        return list(self.stems(self.words(text)))

    def stems(self, tokens: Sequence[str]) -> tuple[str, ...]:
        """The Snowball stems of word tokens, one each."""
        return tuple(self._stemmer.stemWords(list(tokens)))

    def terms(self, text: str) -> list[str]:
        """Index terms: the stems."""
        return self.lemmas(text)


@dataclass(frozen=True)
class Query:
    """A BM25 query: text to analyse, and Swedish lemmas taken as they are.

    The lemmas are what another language's words mean here (:mod:`vemgorvad.index.glossary`
    gives an English question's words as Swedish lemmas). Lemmatised again, one could turn
    into another word (``nämnd`` read alone is taken for the verb ``nämna``); they only get
    their compound parts, as a passage's lemmas do.
    """

    text: str
    lemmas: tuple[str, ...] = ()


class LexicalIndex:
    """BM25 over a fixed list of texts, scored for all of them at once.

    Attributes:
        analyzer: the analyser used for texts and queries alike.
        size: the number of indexed texts.
    """

    def __init__(
        self, analyzer: SwedishAnalyzer | EnglishAnalyzer, retriever: Any | None, size: int
    ) -> None:
        """Wrap a bm25s retriever (None when no text has a single term)."""
        self.analyzer = analyzer
        self._retriever = retriever
        self.size = size
        self._vocabulary: dict[str, int] = retriever.vocab_dict if retriever is not None else {}

    @classmethod
    def build(
        cls, texts: Sequence[str], split_compounds: bool = True, language: str = LANGUAGE
    ) -> LexicalIndex:
        """Analyse and index texts.

        Args:
            texts: the texts, in the order their scores are reported.
            split_compounds: whether to add compound parts (on by default; Swedish).
            language: ``sv`` (the corpus; lemmas and compounds) or ``en`` (stems; an
                English index is built where it is used, not saved).

        Returns:
            The index.
        """
        bm25s = _bm25s()
        analyzer: SwedishAnalyzer | EnglishAnalyzer
        if language == "en":
            analyzer = EnglishAnalyzer()
            documents = [analyzer.terms(text) for text in texts]
        else:
            swedish = analyzer = SwedishAnalyzer(split_compounds=split_compounds)
            lemmatised = [swedish.lemmas(text) for text in texts]
            swedish.corpus_lemmas = {lemma for lemmas in lemmatised for lemma in lemmas}
            documents = [swedish.lemma_terms(lemmas) for lemmas in lemmatised]
        if not any(documents):  # bm25s cannot index a corpus without terms
            return cls(analyzer, None, len(texts))
        retriever = bm25s.BM25(k1=settings.BM25_K1, b=settings.BM25_B, method=settings.BM25_METHOD)
        retriever.index(documents, show_progress=False)
        logger.debug("BM25 over %d texts, %d terms", len(texts), len(retriever.vocab_dict))
        return cls(analyzer, retriever, len(texts))

    def scores(self, query: str | Query) -> np.ndarray:
        """BM25 scores of every text for a query.

        Args:
            query: the query text, or a :class:`Query` with lemmas of its own.

        Returns:
            ``(size,)`` float32; all zeros when no query term is in the index.
        """
        if isinstance(query, str):
            query = Query(query)
        if isinstance(self.analyzer, SwedishAnalyzer):
            terms = self.analyzer.terms(query.text, verbs=True)
            terms += self.analyzer.lemma_terms(query.lemmas, verbs=True)
        else:
            terms = self.analyzer.terms(query.text)
        ids = [self._vocabulary[t] for t in terms if t in self._vocabulary]
        if not ids or self._retriever is None:
            return np.zeros(self.size, np.float32)
        return np.asarray(self._retriever.get_scores_from_ids(ids), dtype=np.float32)

    def coverage(self, query: str) -> float:
        """How much of the query the index can know: the share of its lemmas in the index.

        An English question over Swedish text scores low; a Swedish one high.

        Args:
            query: the query text.

        Returns:
            A share in [0, 1]; 0 for a query without content words.
        """
        lemmas = self.analyzer.lemmas(query)
        if not lemmas:
            return 0.0
        return sum(lemma in self._vocabulary for lemma in lemmas) / len(lemmas)

    def save(self, directory: Path) -> None:
        """Write the index into a folder (created if needed)."""
        directory.mkdir(parents=True, exist_ok=True)
        if self._retriever is not None:
            self._retriever.save(str(directory))
        meta = {
            "size": self.size,
            "terms": len(self._vocabulary),
            "split_compounds": self.analyzer.split_compounds,
            "corpus_lemmas": sorted(self.analyzer.corpus_lemmas),
        }
        (directory / "analyzer.json").write_text(json.dumps(meta, ensure_ascii=False))

    @classmethod
    def load(cls, directory: Path) -> LexicalIndex:
        """Read an index written by :meth:`save`."""
        bm25s = _bm25s()
        meta = json.loads((directory / "analyzer.json").read_text())
        retriever = bm25s.BM25.load(str(directory)) if meta["terms"] else None
        analyzer = SwedishAnalyzer(meta["corpus_lemmas"], split_compounds=meta["split_compounds"])
        return cls(analyzer, retriever, int(meta["size"]))
