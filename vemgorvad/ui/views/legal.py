"""The Lagrum (Legal references) view: the legal table, the timeline and the checker.

The data come from :func:`vemgorvad.ui.viewmodels.legal.legal_table`,
:func:`vemgorvad.ui.viewmodels.legal.timeline` and :class:`vemgorvad.graph.checker.ReferenceChecker`
(its messages worded by :mod:`vemgorvad.ui.viewmodels.references`); this module only
renders them.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import threading
from pathlib import Path
from typing import Any

from rdflib import Graph

from vemgorvad.corpus.load import read_text
from vemgorvad.graph.checker import ReferenceChecker
from vemgorvad.ui.viewmodels.references import worded
from vemgorvad.ui.views.html import actor_link, e, mark, passage_link, table
from vemgorvad.ui.views.i18n import LOCALES, pick, t

logger = logging.getLogger(__name__)

SHOWN_CITATIONS = 5
"""How many citing passages a row links to before it only counts them."""

UPLOAD_TYPES = [".txt", ".md", ".docx", ".pdf"]
"""The file types the checker reads."""

_SPAN = json.loads((LOCALES / "reference_span.json").read_text(encoding="utf-8"))
_OPENING = re.compile(
    r"\b(?:" + "|".join(map(re.escape, _SPAN["opening_words"])) + r")\s*\(\s*$", re.IGNORECASE
)
_CLOSING = re.compile(
    r"^\s*\)(?:\s+(?:" + "|".join(map(re.escape, _SPAN["title_words"])) + r")\b[^.,;:\n()]*)?"
)


def whole_span(text: str, result: dict[str, Any]) -> tuple[int, int]:
    """A checked reference's span widened to the words that belong to it: "lag (2019:999)
    om skydd för barn" around a bare "2019:999" (words in ``locales/reference_span.json``).

    >>> whole_span("Enligt lag (2019:999) om skydd för barn.", {"start": 12, "end": 20})
    (7, 39)
    """
    start, end = int(result["start"]), int(result["end"])
    before = _OPENING.search(text[max(0, start - 40) : start])
    after = _CLOSING.match(text[end : end + 400])
    if not (before and after):
        return start, end
    title = after.group(0)
    words = title.split()
    if len(words) > _SPAN["max_title_words"] + 1:
        title = title[: title.index(words[_SPAN["max_title_words"] + 1])]
    return start - (len(before.group(0))), end + len(title.rstrip())


# --- the table ----------------------------------------------------------------------------


def status_text(row: dict[str, Any], lang: str) -> str:
    """A regulation's status in words: "gäller", "ersatt av … från …"."""
    if row["status"] == "replaced" and row["replaced_by"]:
        newer = row["replaced_by"][0]
        by = pick(newer, lang)
        if newer.get("in_force"):
            by += f" {t(lang, 'from')} {newer['in_force']}"
        return t(lang, "status_replaced", by=by)
    return t(lang, f"status_{row['status']}")


def _source_text(source: dict[str, Any] | None, lang: str) -> str:
    """Where a status or date comes from, in words (a passage as a link)."""
    if source is None:
        return e(t(lang, "source_none"))
    if source.get("kind") == "header":
        return e(t(lang, "source_header", document=source.get("document", "")))
    if source.get("kind") == "passage":
        pid = source.get("passage_id")
        return f"{e(t(lang, 'source_passage'))} {passage_link(pid, pid)}"
    return e(t(lang, "source_graph"))


def _status_badge(row: dict[str, Any], lang: str) -> str:
    css = {"in force": "ok", "replaced": "warn", "not yet in force": "info"}.get(
        row["status"], "muted"
    )
    return (
        f"<span class='vgv-status vgv-status-{css}' data-status='{e(row['status'])}'>"
        f"{e(status_text(row, lang))}</span>"
        f"<div class='vgv-meta vgv-source'>{_source_text(row.get('status_source'), lang)}</div>"
    )


def _in_force_cell(row: dict[str, Any], lang: str) -> str:
    if not row.get("in_force"):
        return "–"
    source = row.get("in_force_source")
    return f"{e(row['in_force'])}" + (
        f"<div class='vgv-meta vgv-source'>{_source_text(source, lang)}</div>" if source else ""
    )


def _regulation_cell(row: dict[str, Any], lang: str) -> str:
    kinds = ", ".join(pick(kind, lang) for kind in row["kinds"])
    parts = [f"<b>{e(pick(row, lang))}</b>"]
    if kinds:
        parts.append(f"<div class='vgv-meta'>{e(kinds)}</div>")
    if row.get("part_of"):
        parts.append(
            f"<div class='vgv-meta'>{e(t(lang, 'legal_part_of'))} {e(pick(row['part_of'], lang))}</div>"
        )
    if row["origin"] != "curated":
        parts.append(
            f"<div class='vgv-meta vgv-origin'>{e(t(lang, 'origin_' + row['origin']))}</div>"
        )
    return "".join(parts)


def _statements_cell(row: dict[str, Any], lang: str) -> str:
    items = []
    for statement in row["statements"]:
        subject = (
            pick(statement["subject"], lang) if statement["subject"]["id"] != row["id"] else ""
        )
        text = pick(statement, lang, "statement")
        link = passage_link(statement.get("passage_id"), "¶", statement.get("passage_id") or "")
        items.append(f"<li>{e(subject + ' ' if subject else '')}{e(text)} {link}</li>")
    return f"<ul class='vgv-list'>{''.join(items)}</ul>" if items else ""


def _cited_cell(row: dict[str, Any]) -> str:
    if not row["cited_in_count"]:
        return "–"
    links = " ".join(
        passage_link(pid, str(i + 1), pid)
        for i, pid in enumerate(row["cited_in"][:SHOWN_CITATIONS])
    )
    more = " …" if row["cited_in_count"] > SHOWN_CITATIONS else ""
    return f"<b>{row['cited_in_count']}</b> <span class='vgv-meta'>{links}{more}</span>"


def render_legal_table(rows: list[dict[str, Any]], lang: str, show_extracted: bool = False) -> str:
    """The legal table: one row per regulation (curated and from the statutes; the
    extractor's finds only when asked)."""
    shown = [row for row in rows if show_extracted or row["origin"] != "extracted"]
    body = []
    for row in shown:
        text = row.get("text") or {}
        body.append(
            [
                _regulation_cell(row, lang),
                e(", ".join(row["citations"])) or "–",
                _in_force_cell(row, lang),
                _status_badge(row, lang),
                _statements_cell(row, lang),
                ", ".join(actor_link(actor["id"], pick(actor, lang)) for actor in row["binds"])
                or "–",
                _cited_cell(row),
                passage_link(text.get("id"), text.get("id")) if text else "–",
            ]
        )
    headers = [
        e(t(lang, key))
        for key in (
            "legal_regulation",
            "legal_citation",
            "legal_in_force",
            "legal_status",
            "legal_says",
            "legal_binds",
            "legal_cited",
            "legal_text",
        )
    ]
    return (
        f"<div class='vgv-meta'>{e(t(lang, 'legal_count', count=len(shown)))}</div>"
        f"<div class='vgv-scroll'>{table(headers, body, 'vgv-legal')}</div>"
    )


def render_timeline(entries: list[dict[str, Any]], lang: str) -> str:
    """The dated legal changes as a vertical timeline."""
    items = []
    for entry in entries:
        regulation = entry["regulation"]
        name = pick(regulation, lang)
        citation = regulation.get("citation")
        if citation and citation not in name:
            name += f" ({citation})"
        statement = pick(entry, lang, "statement") if entry.get("statement") else ""
        link = (
            passage_link(entry.get("passage_id"), t(lang, "show_in_source"))
            if entry.get("passage_id")
            else ""
        )
        items.append(
            f"<li class='vgv-tl-item' data-date='{e(entry['date'])}'>"
            f"<span class='vgv-tl-date'>{e(entry['date'])}</span>"
            f"<div class='vgv-tl-body'><b>{e(name)}</b> <span class='vgv-tl-kind'>{e(pick(entry, lang, 'kind_label'))}</span>"
            + (f"<div>{e(statement)}</div>" if statement else "")
            + (f"<div class='vgv-meta'>{link}</div>" if link else "")
            + "</div></li>"
        )
    return f"<ol class='vgv-timeline'>{''.join(items)}</ol>"


# --- the checker --------------------------------------------------------------------------


class Checker:
    """One :class:`ReferenceChecker` over the graph, made again when the day changes."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self._lock = threading.Lock()
        self._checker: ReferenceChecker | None = None

    def get(self) -> ReferenceChecker:
        """The checker of today."""
        with self._lock:
            if self._checker is None or self._checker.today != dt.date.today():
                self._checker = ReferenceChecker(self.graph)
            return self._checker

    def check(self, text: str, base: str | None = None) -> list[dict[str, Any]]:
        """:func:`vemgorvad.ui.viewmodels.references.check_text` with the cached indexes."""
        return worded(self.get().check(text, base or None))

    def check_path(self, path: Path, base: str | None = None) -> tuple[str, list[dict[str, Any]]]:
        """The text of a file and its checked references (a statute's SFS as base).

        Raises:
            vemgorvad.corpus.load.DocumentError: the file cannot be read.
        """
        text, sfs = read_text(path)
        return text, self.check(text, base or sfs)


def _status_of_reference(result: dict[str, Any], lang: str) -> str:
    status = str(result.get("status") or "unknown")
    if status.startswith("replaced by "):
        rest = status.removeprefix("replaced by ").replace(" from ", f" {t(lang, 'from')} ")
        return t(lang, "status_replaced", by=rest)
    return t(lang, f"status_{status}")


def _warnings(result: dict[str, Any], lang: str) -> list[str]:
    """A checked reference's warnings in the page's language."""
    return (
        list(result.get("warnings_en") or result["warnings"])
        if lang == "en"
        else result["warnings"]
    )


def render_check(text: str, results: list[dict[str, Any]], lang: str) -> str:
    """The checked references: a summary, the text with its references marked (flagged
    ones in red), and a table with every reference's reading, status and warnings."""
    if not results:
        return f"<div class='vgv-summary vgv-answer'>{e(t(lang, 'refs_none'))}</div>"
    flagged = sum(1 for r in results if r["warnings"])
    results = [_widened(text, result) for result in results]
    rows = []
    for number, result in enumerate(results, start=1):
        resolved = result.get("resolved") or {}
        reading = (
            f"{e(resolved.get('label'))}"
            + (
                f"<div class='vgv-meta'>{e(resolved.get('citation'))} · {e(resolved.get('kind'))}</div>"
                if resolved.get("citation") or resolved.get("kind")
                else ""
            )
            if resolved
            else "–"
        )
        warnings = (
            "<ul class='vgv-list vgv-warnings'>"
            + "".join(f"<li>⚠ {e(w)}</li>" for w in _warnings(result, lang))
            + "</ul>"
            if result["warnings"]
            else f"<span class='vgv-ok'>✓ {e(t(lang, 'refs_ok'))}</span>"
        )
        cited = " ".join(
            passage_link(pid, str(i + 1), pid)
            for i, pid in enumerate(result["cited_in"][:SHOWN_CITATIONS])
        )
        rows.append(
            [
                f"<span class='vgv-ref-no'>{number}</span> <b class='vgv-ref{' vgv-flagged' if result['warnings'] else ''}'>{e(result['text'])}</b>",
                reading,
                e(_status_of_reference(result, lang)),
                f"{result.get('cited_in_count', 0)} <span class='vgv-meta'>{cited}</span>",
                warnings,
            ]
        )
    headers = [
        e(t(lang, key))
        for key in ("refs_reference", "refs_resolved", "refs_status", "refs_cited", "refs_warnings")
    ]
    marked = _marked_text(text, results) if text else ""
    return (
        f"<div class='vgv-summary {'vgv-uncertain' if flagged else 'vgv-answer'}' data-flagged='{flagged}'>"
        f"{e(t(lang, 'refs_summary', total=len(results), flagged=flagged))}</div>"
        + (f"<div class='vgv-card vgv-checked-text'>{marked}</div>" if marked else "")
        + f"<div class='vgv-scroll'>{table(headers, rows, 'vgv-refs')}</div>"
    )


def _widened(text: str, result: dict[str, Any]) -> dict[str, Any]:
    if not text or "start" not in result:
        return result
    start, end = whole_span(text, result)
    return {**result, "start": start, "end": end, "text": text[start:end]}


def _marked_text(text: str, results: list[dict[str, Any]]) -> str:
    """The checked text, escaped, each reference marked (flagged ones apart)."""
    flagged = [(r["start"], r["end"]) for r in results if r["warnings"]]
    fine = [(r["start"], r["end"]) for r in results if not r["warnings"]]
    if len(text) > 20000:
        text = text[:20000]
    # mark the flagged references, then the fine ones, in one pass over the text
    spans = sorted([(s, x, True) for s, x in flagged] + [(s, x, False) for s, x in fine])
    out, position = [], 0
    for start, end, bad in spans:
        if start < position or end > len(text):
            continue
        out.append(mark(text[position:start], []))
        css = "vgv-ref-bad" if bad else "vgv-ref-ok"
        out.append(f"<mark class='{css}'>{e(text[start:end])}</mark>")
        position = end
    out.append(mark(text[position:], []))
    return "".join(out).replace("\n", "<br>")
