"""The Ansvarsmatris (Responsibility matrix) view and its CSV and xlsx exports.

The matrix itself is :func:`vemgorvad.ui.viewmodels.matrix.responsibility_matrix`; here it is
drawn as a table (actors as rows, target groups as columns) and written to files.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import tempfile
from pathlib import Path
from typing import Any

from vemgorvad.ui.views.html import actor_badge, e, extracted_mark, passage_link
from vemgorvad.ui.views.i18n import pick, t

EXPORT_DIR = Path(tempfile.gettempdir()) / "vemgorvad-ui"
"""Where the exports are written before Gradio serves them."""


SHORT = 110
"""How much of a duty's statement a cell shows (the whole in its tooltip and the exports)."""


def _law_names(duty: dict[str, Any], lang: str) -> str:
    return ", ".join(law.get("citation") or pick(law, lang) for law in duty["laws"])


def shown(
    matrix: dict[str, Any], hide_empty: bool = True, hide_extracted: bool = False
) -> dict[str, Any]:
    """The matrix as the page shows it: without the extractor's duties when asked, and
    without the rows and columns left empty (unless asked to keep them)."""
    rows = []
    for row in matrix["rows"]:
        cells = {
            group: [d for d in duties if not (hide_extracted and d.get("extracted"))]
            for group, duties in row["cells"].items()
        }
        rows.append({**row, "cells": {g: d for g, d in cells.items() if d}})
    groups = matrix["groups"]
    if hide_empty:
        rows = [row for row in rows if any(row["cells"].get(g["id"]) for g in groups)]
        used = {g for row in rows for g in row["cells"]}
        groups = [g for g in groups if g["id"] in used]
    return {"groups": groups, "rows": rows}


def _duty_item(duty: dict[str, Any], lang: str) -> str:
    law = _law_names(duty, lang)
    via = (
        f" <span class='vgv-meta'>({e(t(lang, 'matrix_via'))} {e(pick(duty['via'], lang))})</span>"
        if duty.get("via")
        else ""
    )
    extracted = extracted_mark(duty, lang)
    css = "vgv-duty" + (" vgv-inherited" if duty.get("via") else "")
    return (
        f"<li class='{css}' data-extracted='{int(bool(duty.get('extracted')))}'>"
        f"{e(pick(duty, lang, 'statement'))}{via}{extracted}"
        + (f" <span class='vgv-law'>{e(law)}</span>" if law else "")
        + f" {passage_link(duty.get('passage_id'), '¶', duty.get('passage_id') or '')}</li>"
    )


def _cell(duties: list[dict[str, Any]], lang: str) -> str:
    """A cell: how many duties and the first one's start; opened, every duty in full."""
    if not duties:
        return ""
    first = pick(duties[0], lang, "statement")
    short = first if len(first) <= SHORT else first[: SHORT - 1].rstrip() + "…"
    marked = any(d.get("extracted") for d in duties)
    return (
        f"<details class='vgv-mx-cell'><summary><b>{len(duties)}</b> · {e(short)}"
        + (" <span class='vgv-extracted-dot' aria-hidden='true'>◌</span>" if marked else "")
        + f"</summary><ul class='vgv-list'>{''.join(_duty_item(d, lang) for d in duties)}</ul>"
        "</details>"
    )


def render_matrix(
    matrix: dict[str, Any],
    lang: str,
    hide_empty: bool = True,
    hide_extracted: bool = False,
    by_law: bool = False,
) -> str:
    """The matrix as an HTML table in a scroll area with sticky headers; each cell opens
    to its full duties with law and passage."""
    matrix = shown(matrix, hide_empty, hide_extracted)
    groups, rows = matrix["groups"], matrix["rows"]
    if not rows:
        return f"<div class='vgv-summary vgv-abstain'>{e(t(lang, 'matrix_empty'))}</div>"
    head = [f"<th scope='col' class='vgv-mx-actor'>{e(t(lang, 'matrix_actor'))}</th>"]
    for group in groups:
        narrower = " vgv-mx-narrower" if group.get("broader") else ""
        head.append(
            f"<th scope='col' class='vgv-mx-group{narrower}' data-group='{e(group['id'])}'>{e(pick(group, lang))}</th>"
        )
    body = []
    for row in rows:
        actor = row["actor"]
        cells = [
            f"<th scope='row' class='vgv-mx-actor'>{actor_badge(actor['id'], pick(actor, lang), actor['kind'], pick(actor, lang, 'kind_label'))}</th>"
        ]
        for group in groups:
            duties = row["cells"].get(group["id"], [])
            cells.append(
                f"<td data-group='{e(group['id'])}' data-count='{len(duties)}'>{_cell(duties, lang)}</td>"
            )
        body.append(f"<tr data-actor='{e(actor['id'])}'>{''.join(cells)}</tr>")
    size = t(
        lang, "matrix_size_laws" if by_law else "matrix_size", rows=len(rows), groups=len(groups)
    )
    return (
        f"<div class='vgv-meta'>{e(size)}</div>"
        f"<div class='vgv-scroll vgv-mx-wrap'><table class='vgv-table vgv-matrix'><thead><tr>{''.join(head)}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


def _cell_text(duties: list[dict[str, Any]], lang: str) -> str:
    lines = []
    for duty in duties:
        law = _law_names(duty, lang)
        line = pick(duty, lang, "statement")
        if duty.get("via"):
            line += f" ({t(lang, 'matrix_via')} {pick(duty['via'], lang)})"
        if law:
            line += f" [{law}]"
        if duty.get("passage_id"):
            line += f" ({duty['passage_id']})"
        lines.append(line)
    return "\n".join(lines)


def _safe_cell(value: str) -> str:
    """A spreadsheet cell that cannot be read as a formula (CSV injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def matrix_table(matrix: dict[str, Any], lang: str) -> list[list[str]]:
    """The matrix as rows of text: a header row, then one row per actor."""
    header = [t(lang, "matrix_actor"), *(pick(group, lang) for group in matrix["groups"])]
    out = [header]
    for row in matrix["rows"]:
        out.append(
            [
                pick(row["actor"], lang),
                *(
                    _cell_text(row["cells"].get(group["id"], []), lang)
                    for group in matrix["groups"]
                ),
            ]
        )
    return [[_safe_cell(cell) for cell in row] for row in out]


def duty_list(matrix: dict[str, Any], lang: str) -> list[list[str]]:
    """The matrix in long form: one row per actor, group and duty."""
    groups = {group["id"]: pick(group, lang) for group in matrix["groups"]}
    out = [
        [
            t(lang, "matrix_actor"),
            t(lang, "group"),
            t(lang, "duty"),
            t(lang, "law"),
            t(lang, "since"),
            t(lang, "passage"),
            t(lang, "quote"),
        ]
    ]
    for row in matrix["rows"]:
        for group_id, duties in row["cells"].items():
            for duty in duties:
                out.append(
                    [
                        pick(row["actor"], lang),
                        groups.get(group_id, group_id),
                        pick(duty, lang, "statement"),
                        _law_names(duty, lang),
                        duty.get("since") or "",
                        duty.get("passage_id") or "",
                        duty.get("quote") or "",
                    ]
                )
    return [[_safe_cell(cell) for cell in row] for row in out]


def _export_path(matrix: dict[str, Any], lang: str, suffix: str) -> Path:
    key = hashlib.sha256(
        json.dumps([matrix, lang], sort_keys=True, ensure_ascii=False).encode()
    ).hexdigest()[:12]
    name = "ansvarsmatris" if lang == "sv" else "responsibility-matrix"
    EXPORT_DIR.mkdir(parents=True, exist_ok=True)
    return EXPORT_DIR / f"{name}-{key}{suffix}"


def export_csv(matrix: dict[str, Any], lang: str) -> Path:
    """The matrix as a CSV file (UTF-8 with BOM, so that Excel reads å, ä, ö)."""
    path = _export_path(matrix, lang, ".csv")
    if not path.exists():
        buffer = io.StringIO()
        csv.writer(buffer).writerows(matrix_table(matrix, lang))
        path.write_text(buffer.getvalue(), encoding="utf-8-sig")
    return path


def export_xlsx(matrix: dict[str, Any], lang: str) -> Path:
    """The matrix as an Excel workbook: the matrix sheet and a sheet of every duty."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    path = _export_path(matrix, lang, ".xlsx")
    if path.exists():
        return path
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Matris" if lang == "sv" else "Matrix"
    for row in matrix_table(matrix, lang):
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for column in sheet.iter_cols(min_row=2):
        for cell in column:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.column_dimensions["A"].width = 32
    for index in range(2, len(matrix["groups"]) + 2):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = 40
    sheet.freeze_panes = "B2"
    duties = workbook.create_sheet("Ansvar" if lang == "sv" else "Duties")
    for row in duty_list(matrix, lang):
        duties.append(row)
    for cell in duties[1]:
        cell.font = Font(bold=True)
    workbook.save(path)
    return path
