"""What an upload did, as the Källa tab shows it: what entered the graph, or why nothing did.

The outcome is a plain dict (kept in the page's state, so the language switch can show it
again): ``{"added": {"document", "path", "seconds", "report"}}`` with the report of
:func:`vemgorvad.ui.upload_report.document_report`, or ``{"refused": {"reason", "details"}}``
with a reason of :data:`vemgorvad.ui.upload.REFUSALS`. Every text from the file is
escaped.
"""

from __future__ import annotations

from typing import Any

from vemgorvad import settings
from vemgorvad.ui.viewmodels.common import passage_anchor
from vemgorvad.ui.views.html import actor_link, e, extracted_mark, passage_link
from vemgorvad.ui.views.i18n import pick, t

MAX_LISTED = 25
"""Items of each list shown; the rest are counted ("… and 12 more")."""

FAILURES = ("build_failed", "load_failed")

STAGES = {
    "documents": (0.0, 0.01),
    "graph": (0.01, 0.08),
    "index": (0.08, 0.15),
    "sentences": (0.15, 0.2),
    "answers": (0.2, 0.99),
    "views": (0.99, 1.0),
}
"""Each stage's stretch of the progress bar: its share of the 102 s that adding LVM (30 KB,
69 passages) to the memo and six statutes took on 2 loaded cores: build 21 s (graph 8,
passage vectors 6, sentence vectors 5), then 81 s loading the answer engine over the new
build, most of it embedding every fact of the graph again."""


def mebibytes(size: int | float, lang: str) -> str:
    """A size in MiB with one decimal, in the page's decimal sign.

    >>> mebibytes(2 * 2**20, "sv"), mebibytes(3_500_000, "en")
    ('2,0 MiB', '3.3 MiB')
    """
    text = f"{size / 2**20:.1f} MiB"
    return text.replace(".", ",") if lang == "sv" else text


def progress(stage: str, done: int, total: int) -> float:
    """The share of an upload done when ``stage`` has done ``done`` of ``total``.

    >>> progress("graph", 1, 2), progress("views", 1, 1)
    (0.045, 1.0)
    """
    start, end = STAGES.get(stage, (0.0, 1.0))
    return round(start + (end - start) * (done / total if total else 0.0), 4)


def limit_text(lang: str) -> str:
    """The largest file the app takes, for the tab's introduction."""
    return mebibytes(settings.UPLOAD_MAX_BYTES, lang)


def render_outcome(outcome: dict[str, Any] | None, lang: str) -> str:
    """The outcome of the last upload (empty before the first)."""
    if not outcome:
        return ""
    if "added" in outcome:
        return render_added(outcome["added"], lang)
    refused = outcome.get("refused") or {}
    return render_refused(str(refused.get("reason", "unreadable")), refused.get("details") or {}, lang)


def render_refused(reason: str, details: dict[str, Any], lang: str) -> str:
    """Why a file was not added, and that nothing changed."""
    values = {key: details.get(key, "") for key in ("name", "existing", "id", "kinds", "detail", "error")}
    if "size" in details:
        values["size"] = mebibytes(details["size"], lang)
    values["limit"] = limit_text(lang)
    sentence = t(lang, f"upload_refused_{reason}", **values)
    after = t(lang, "upload_taken_back" if reason in FAILURES else "upload_unchanged")
    return (
        f"<div class='vgv-summary vgv-abstain' id='upload-refused' data-reason='{e(reason)}'>"
        f"<div class='vgv-summary-title'>{e(t(lang, 'upload_not_added'))}</div>"
        f"<p>{e(sentence)}</p><p class='vgv-meta'>{e(after)}</p></div>"
    )


def _listed(items: list[str], lang: str) -> str:
    shown = "".join(f"<li>{item}</li>" for item in items[:MAX_LISTED])
    if len(items) > MAX_LISTED:
        shown += f"<li class='vgv-meta'>{e(t(lang, 'upload_more', count=len(items) - MAX_LISTED))}</li>"
    return f"<ul>{shown}</ul>"


def _part(key: str, items: list[str], lang: str, part: str, open_: bool = False) -> str:
    body = _listed(items, lang) if items else f"<p class='vgv-meta'>{e(t(lang, key + '_none'))}</p>"
    return (
        f"<details class='vgv-upload-part' data-part='{part}' data-count='{len(items)}'"
        f"{' open' if open_ else ''}><summary>{e(t(lang, key, count=len(items)))}</summary>"
        f"{body}</details>"
    )


def render_added(added: dict[str, Any], lang: str) -> str:
    """What a document brought into the graph: counts, then each list, warnings open."""
    document = added["document"]
    report = added["report"]
    counts = {
        key: len(report[key])
        for key in ("passages", "actors", "duties", "relationships", "citations")
    }
    seconds = f"{added['seconds']:.0f}"
    headline = t(
        lang, "upload_added", title=document["title"], path=added["path"], seconds=seconds, **counts
    )
    passages = [
        passage_link(p["id"], p["id"], p["section"]) for p in report["passages"]
    ]
    actors = [
        actor_link(a["id"], pick(a, lang))
        + (f" <span class='vgv-meta'>{e(t(lang, 'upload_new_actor'))}</span>" if a["new"] else "")
        for a in report["actors"]
    ]
    duties = [
        f"<span class='vgv-duty' data-extracted='{int(bool(d['extracted']))}'>"
        f"{actor_link(d['bearer']['id'], pick(d['bearer'], lang))} "
        f"{e(pick(d, lang, 'statement'))}</span>{extracted_mark(d, lang)} "
        f"<span class='vgv-meta'>{passage_link(d['passage_id'])}</span>"
        for d in report["duties"]
    ]
    relationships = [
        f"{actor_link(r['subject']['id'], pick(r['subject'], lang))} "
        f"{e(pick(r, lang, 'statement'))}"
        + (" → " + ", ".join(e(pick(o, lang)) for o in r["objects"]) if r["objects"] else "")
        + f"{extracted_mark(r, lang)} <span class='vgv-meta'>{passage_link(r['passage_id'])}</span>"
        for r in report["relationships"]
    ]
    citations = [
        f"<b>{e(pick(c, lang))}</b>"
        + (f" <span class='vgv-meta'>{e(c['citation'])}</span>" if c.get("citation") else "")
        for c in report["citations"]
    ]
    warnings = [e(w["en"] if lang == "en" else w["sv"]) for w in report["warnings"]]
    if not report["duties"]:
        warnings.append(e(t(lang, "upload_no_duties")))
    anchor = passage_anchor(f"doc {document['id']}")
    return (
        f"<div class='vgv-summary vgv-answer' id='upload-added' data-document='{e(document['id'])}'>"
        f"<div class='vgv-summary-title'>{e(t(lang, 'upload_done'))}</div>"
        f"<p>{e(headline)}</p>"
        f"<p><a href='#{e(anchor)}' data-vgv-passage='{e(anchor)}'>{e(t(lang, 'upload_show'))}</a></p>"
        f"</div><div class='vgv-card' id='upload-report'>"
        + _part("upload_duties", duties, lang, "duties", open_=True)
        + _part("upload_relationships", relationships, lang, "relationships")
        + _part("upload_actors", actors, lang, "actors", open_=True)
        + _part("upload_citations", citations, lang, "citations")
        + f"<div class='vgv-warnings'>{_part('upload_warnings', warnings, lang, 'warnings', open_=True)}</div>"
        + _part("upload_passages", passages, lang, "passages")
        + "</div>"
    )
