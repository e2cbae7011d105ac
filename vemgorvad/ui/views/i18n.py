"""The app's own words in Swedish and English (the data's labels come from the graph).

Every sentence a person reads is in ``vemgorvad/ui/locales/<lang>.json`` (``texts`` for
the page, ``map`` for the actor map page, ``examples`` for the example questions,
``warnings`` for the reference checker's messages, in the CLI too, ``cli`` for what the
command line says); how a
passage's score reads as a strength ("stark träff") is in ``locales/strength.json``.
The language switch changes only these labels and which of the graph's labels is shown;
the engine always answers in the question's own language.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

LOCALES = Path(__file__).resolve().parent.parent / "locales"

LANGUAGES = {"Svenska": "sv", "English": "en"}
"""The language radio's choices → language code."""


def _load(lang: str) -> dict[str, Any]:
    return dict(json.loads((LOCALES / f"{lang}.json").read_text(encoding="utf-8")))


_LOCALE = {lang: _load(lang) for lang in LANGUAGES.values()}

EXAMPLES: dict[str, list[str]] = {lang: data["examples"] for lang, data in _LOCALE.items()}
"""Example questions written for the app (never taken from the evaluation files)."""

TEXTS: dict[str, dict[str, str]] = {lang: data["texts"] for lang, data in _LOCALE.items()}
"""Every label of the app, by language."""

MAP_TEXTS: dict[str, dict[str, str]] = {lang: data["map"] for lang, data in _LOCALE.items()}
"""The actor map page's labels (sent to it as JSON)."""

WARNINGS: dict[str, dict[str, str]] = {lang: data["warnings"] for lang, data in _LOCALE.items()}
"""The reference checker's messages (:data:`vemgorvad.graph.checker.MESSAGES`) as
sentences, and the words for what happened on a date."""

CLI_TEXTS: dict[str, dict[str, str]] = {lang: data["cli"] for lang, data in _LOCALE.items()}
"""What the command line says (its errors and reports)."""

STRENGTH_LEVELS: list[tuple[str, float]] = [
    (level["level"], float(level["min"]))
    for level in json.loads((LOCALES / "strength.json").read_text(encoding="utf-8"))["levels"]
]
"""(level, lowest score) from strongest to weakest: the one place the thresholds live."""


def lang_code(choice: str | None) -> str:
    """The language code of a radio choice or code ("Svenska", "English", "sv", "en")."""
    if choice in LANGUAGES.values():
        return str(choice)
    return LANGUAGES.get(choice or "", "sv")


def terminal_language(environ: Mapping[str, str] | None = None) -> str:
    """The command line's language, from the locale the terminal asks for (``LC_ALL``,
    ``LC_MESSAGES``, ``LANG``): Swedish for ``sv_*``, else English.

    >>> terminal_language({"LANG": "sv_SE.UTF-8"}), terminal_language({"LANG": "C.UTF-8"})
    ('sv', 'en')
    """
    import os

    environ = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        if environ.get(name):
            return "sv" if environ[name].startswith("sv") else "en"
    return "en"


def say(key: str, **values: Any) -> str:
    """A sentence of the command line (``cli`` in the locale files), in
    :func:`terminal_language`, with ``{values}`` filled in."""
    text = CLI_TEXTS[terminal_language()][key]
    return text.format(**values) if values else text


def t(lang: str, key: str, **values: Any) -> str:
    """The label ``key`` in ``lang`` (Swedish when missing), with ``{values}`` filled in."""
    text = TEXTS.get(lang, TEXTS["sv"]).get(key) or TEXTS["sv"].get(key, key)
    return text.format(**values) if values else text


def warning(lang: str, message: Mapping[str, Any]) -> str:
    """A message of the reference checker as a sentence in ``lang`` (Swedish when missing).

    >>> warning("en", {"key": "not_yet_in_force", "regulation": "Lag (2030:1)", "date": "2030-01-01"})
    'Lag (2030:1) comes into force only on 2030-01-01.'
    >>> dates = [{"date": "1999", "in_force": True}, {"date": "2005", "event": {"sv": None, "en": None}}]
    >>> warning("sv", {"key": "year_disagrees", "year": "2004", "regulation": "Sexköpslagen", "dates": dates})
    'Årtalet 2004 stämmer inte med grafen: Sexköpslagen trädde i kraft 1999, händelse 2005.'
    """
    words = WARNINGS.get(lang, WARNINGS["sv"])
    values = {name: value for name, value in message.items() if name != "key"}
    if "dates" in values:
        said = {
            (
                date["date"],
                words["date_in_force"]
                if date.get("in_force")
                else date["event"].get(lang) or words["date_event"],
            )
            for date in values["dates"]
        }
        values["dates"] = ", ".join(f"{what} {date}" for date, what in sorted(said))
    return words[message["key"]].format(**values)


def strength(score: float | None) -> str | None:
    """A calibrated score (0..1) as a level: "strong", "medium" or "weak" (None: no score).

    >>> strength(0.7), strength(0.2), strength(0.01)
    ('strong', 'medium', 'weak')
    """
    if score is None:
        return None
    for level, floor in STRENGTH_LEVELS:
        if score >= floor:
            return level
    return STRENGTH_LEVELS[-1][0]


def pick(item: Mapping[str, Any] | None, lang: str, key: str = "label") -> str:
    """An item's label in ``lang``: ``label_en`` in English when it has one, else ``label``."""
    if not item:
        return ""
    if lang == "en" and item.get(f"{key}_en"):
        return str(item[f"{key}_en"])
    return str(item.get(key) or "")
