"""Documents saved as a Word document or printed to a PDF, as a user might.

A statute's SFST text in Word: each header line and each paragraph of the body is a
paragraph, no blank ones. Printed to a PDF: in a narrow column, so every paragraph wraps
over several lines. A memo printed to a PDF: its paragraphs with a little space between
them, as a word processor sets them.
"""

from __future__ import annotations

import re
from pathlib import Path

import docx
from fpdf import FPDF


def _header_and_paragraphs(text: str) -> tuple[list[str], list[str]]:
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    header, body = "\n".join(lines).strip().split("\n\n", 1)
    paragraphs = [" ".join(block.split()) for block in re.split(r"\n\s*\n", body) if block.strip()]
    return header.splitlines(), paragraphs


def _body_font(pdf: FPDF, font: Path | None) -> None:
    """Set the body text in a TrueType ``font``, or else the built-in Latin-1 Helvetica."""
    if font is not None:
        pdf.add_font("body", fname=str(font))
    pdf.set_font("body" if font is not None else "Helvetica", size=10)


def as_word(text: str, path: Path) -> Path:
    """``text`` (an SFST statute) saved as a Word document at ``path``."""
    header, paragraphs = _header_and_paragraphs(text)
    word = docx.Document()
    for paragraph in header + paragraphs:
        word.add_paragraph(paragraph)
    word.save(path)
    return path


def as_pdf(text: str, path: Path, font: Path | None = None) -> Path:
    """``text`` (an SFST statute) printed to a PDF at ``path``, 80 mm wide (in a TrueType
    ``font`` when given, else the built-in Latin-1 one)."""
    header, paragraphs = _header_and_paragraphs(text)
    pdf = FPDF()
    pdf.add_page()
    _body_font(pdf, font)
    for line in header:
        pdf.multi_cell(80, 5, line, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(5)
    for paragraph in paragraphs:
        pdf.multi_cell(80, 5, paragraph, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
    pdf.output(str(path))
    return path


class _Letter(FPDF):
    """A page with a letterhead and its number at the foot, as a municipality's memo has."""

    letterhead = ""

    def header(self) -> None:
        if self.letterhead:
            self.set_font("Helvetica", size=8)
            self.cell(0, 5, self.letterhead, new_x="LMARGIN", new_y="NEXT")
            self.ln(4)
            self.set_font("Helvetica", size=10)

    def footer(self) -> None:
        if self.letterhead:
            self.set_y(-15)
            self.set_font("Helvetica", size=8)
            self.cell(0, 5, f"Sida {self.page_no()} ({{nb}})")
            self.set_font("Helvetica", size=10)


def prose_as_pdf(
    text: str,
    path: Path,
    letterhead: str = "",
    font: Path | None = None,
    title: str = "",
    line_mm: float = 5,
) -> Path:
    """``text`` (paragraphs separated by blank lines) printed to a PDF at ``path``, with
    ``letterhead`` and the page number on every page when given, ``title`` as its title
    property and lines ``line_mm`` apart (5 for a 10 pt font is about 1.4 spacing, 8
    double spacing). The built-in font has Latin-1 only; a TrueType ``font`` prints any
    character ("–", "”")."""
    pdf = _Letter()
    pdf.letterhead = letterhead
    if title:
        pdf.set_title(title)
    pdf.add_page()
    _body_font(pdf, font)
    for block in re.split(r"\n\s*\n", text):
        if block.strip():
            pdf.multi_cell(0, line_mm, " ".join(block.split()), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(line_mm * 0.6)
    pdf.output(str(path))
    return path


def as_riksdagen_text(text: str) -> str:
    """An SFST statute text (``SFS-nummer: …`` header) with its header as riksdagen.se's
    text gives it: the title first, each field's name on a line and its value on the
    next ("SFS nr:", "Departement/myndighet:", "Ändrad:" …)."""
    names = {"SFS-nummer": "SFS nr", "Departement": "Departement/myndighet", "Ändring införd": "Ändrad"}
    header, paragraphs = _header_and_paragraphs(text)
    fields = [line.split(":", 1) for line in header if ":" in line and not line.startswith(header[1])]
    lines = [header[1], ""]
    for name, value in fields:
        lines += [f"{names.get(name, name)}: ", value.strip(), ""]
    return "\n".join(lines) + "\n" + "\n\n".join(paragraphs) + "\n"
