"""An English question's words in Swedish, for BM25 over the Swedish passages.

The corpus is Swedish, so BM25 knows nothing of an English question but its names and
cognates. :class:`Glossary` reads ``data/glossary.tsv`` (the corpus's content lemmas and
compound parts with their English equivalents; the file says how it was made) and puts an English text's words
into Swedish lemmas: dictionary-based query translation, the plainest kind of
cross-language retrieval. Phrases come before their words ("social welfare board" →
``socialnämnd``, not "social" and "board"), and every Swedish lemma an English word can
mean is kept — BM25's weights sort the right sense from the others, as it would among a
Swedish question's own words.

English is matched on Snowball stems, so "decisions", "decided" and "deciding" all find
"decide"; a stopword alone ("do", "other") is never translated, though it may be part of a
phrase ("deprive of liberty").
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from vemgorvad.index.lexical import EnglishAnalyzer, words

GLOSSARY_FILE = Path(__file__).parent / "data" / "glossary.tsv"


@dataclass(frozen=True)
class Translation:
    """An English text put into Swedish.

    Attributes:
        senses: for each English word or phrase translated, in order, its Swedish lemmas.
        content_words: how many of the text's words are not stopwords.
        translated: how many of those the glossary put into Swedish.
        rest: the content words it did not translate (names, mostly: "LVM", "ICA").
    """

    senses: tuple[tuple[str, ...], ...]
    content_words: int
    translated: int
    rest: tuple[str, ...] = ()

    @property
    def lemmas(self) -> tuple[str, ...]:
        """The Swedish lemmas, each once, in the order their English first occurs."""
        return tuple(dict.fromkeys(lemma for sense in self.senses for lemma in sense))

    @property
    def share(self) -> float:
        """The share of the content words translated (0 for a text without any)."""
        return self.translated / self.content_words if self.content_words else 0.0


class Glossary:
    """English words and phrases → Swedish lemmas.

    >>> g = Glossary.load()
    >>> g.translate("Who decides on compulsory care?").lemmas[:4]
    ('besluta', 'bestämma', 'tvång', 'vård')
    >>> g.translate("the social welfare board").lemmas
    ('socialnämnd',)
    """

    def __init__(self, entries: dict[tuple[str, ...], tuple[str, ...]]) -> None:
        """Index entries: an English phrase as stems → its Swedish lemmas."""
        self._analyzer = EnglishAnalyzer()
        self._entries = entries
        self._longest = max((len(phrase) for phrase in entries), default=0)

    @classmethod
    def read(cls, path: Path) -> Glossary:
        """Read a glossary file: a Swedish lemma, a tab, English equivalents split by "; "
        (lines starting with ``#`` are comments).

        Raises:
            ValueError: a line is not two tab-separated fields.
        """
        stemmer = EnglishAnalyzer()
        entries: dict[tuple[str, ...], list[str]] = {}
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip() or line.startswith("#"):
                continue
            fields = line.split("\t")
            if len(fields) != 2 or not fields[0].strip():
                raise ValueError(f"{path}:{number}: expected 'swedish<TAB>english; english'")
            swedish = fields[0].strip().casefold()
            for english in fields[1].split(";"):
                phrase = stemmer.stems(words(english.casefold()))
                if phrase and swedish not in entries.setdefault(phrase, []):
                    entries[phrase].append(swedish)
        return cls({phrase: tuple(lemmas) for phrase, lemmas in entries.items()})

    @classmethod
    def load(cls) -> Glossary:
        """The project's glossary (``data/glossary.tsv``), read once."""
        return _default()

    def translate(self, text: str) -> Translation:
        """The Swedish lemmas of an English text's words and phrases, longest phrase first.

        Args:
            text: English text (a question).

        Returns:
            The translation, with how much of the text it covers.
        """
        tokens = words(text.casefold())
        stems = self._analyzer.stems(tokens)
        content = [token not in self._analyzer.stopwords for token in tokens]
        senses: list[tuple[str, ...]] = []
        rest: list[str] = []
        translated = 0
        i = 0
        while i < len(tokens):
            for size in range(min(self._longest, len(tokens) - i), 0, -1):
                found = self._entries.get(stems[i : i + size])
                if found and (size > 1 or content[i]):
                    senses.append(found)
                    translated += sum(content[i : i + size])
                    i += size
                    break
            else:
                if content[i]:
                    rest.append(tokens[i])
                i += 1
        return Translation(tuple(senses), sum(content), translated, tuple(rest))


@functools.cache
def _default() -> Glossary:
    return Glossary.read(GLOSSARY_FILE)
