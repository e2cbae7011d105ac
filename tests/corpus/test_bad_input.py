"""Bad documents get one clear message naming the file, and nothing else is lost."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfWriter

from vemgorvad.corpus.load import DocumentError, load_corpus, load_document
from vemgorvad.corpus.model import text_key
from vemgorvad.corpus.passages import clean_inline, passages_from_blocks, prose_blocks

GOOD = "Polismyndigheten utreder brott och samverkar med socialtjänsten om skydd till brottsoffer."


def _corpus_with(tmp_path: Path, name: str, content: bytes) -> Path:
    (tmp_path / name).write_bytes(content)
    (tmp_path / "bra.txt").write_text(GOOD, encoding="utf-8")
    return tmp_path


def test_a_pdf_without_text_is_named(tmp_path):
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    with open(tmp_path / "skannad.pdf", "wb") as out:
        writer.write(out)
    report = load_corpus(_corpus_with(tmp_path, "x.md", b"# Rubrik\n\nEtt stycke med text i.\n"))
    messages = [str(e) for e in report.errors]
    assert len(messages) == 1 and "skannad.pdf" in messages[0] and "no text layer" in messages[0]
    assert sorted(d.path for d in report.documents) == ["bra.txt", "x.md"]


def test_a_corrupt_pdf_is_named(tmp_path):
    report = load_corpus(_corpus_with(tmp_path, "trasig.pdf", b"%PDF-1.7\n garbage"))
    assert "trasig.pdf" in str(report.errors[0]) and "PDF" in str(report.errors[0])
    assert [d.path for d in report.documents] == ["bra.txt"]


def test_a_huge_file_is_refused_with_its_size(tmp_path):
    with open(tmp_path / "enorm.txt", "wb") as out:
        out.truncate(50 * 1024 * 1024)  # 50 MB, sparse on disk
    report = load_corpus(_corpus_with(tmp_path, "liten.md", b"# R\n\nEtt litet stycke text.\n"))
    assert "enorm.txt" in str(report.errors[0]) and "too large" in str(report.errors[0])
    assert len(report.documents) == 2


def test_latin1_text_is_read(tmp_path):
    text = "Socialnämnden ska verka för att våldsutövare ändrar sitt beteende."
    (tmp_path / "latin1.txt").write_bytes(text.encode("latin-1"))
    assert load_document(tmp_path / "latin1.txt").passages[0].text == text


def test_bad_metadata_is_named(tmp_path):
    (tmp_path / "pm.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "pm.txt.meta.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(DocumentError, match=r"pm\.txt\.meta\.json.*not valid JSON"):
        load_document(tmp_path / "pm.txt")


# --- property tests --------------------------------------------------------------------

swedish_text = st.text(
    alphabet=st.sampled_from(
        list("abcdefghijklmnopqrstuvwxyzåäöABCDEFGHIJKLMNOPQRSTUVWXYZÅÄÖ .,;:!?-–§*#\n\t0123456789")
    ),
    max_size=2000,
)


@settings(max_examples=200, deadline=None)
@given(swedish_text)
def test_the_splitter_keeps_every_word_and_never_crashes(text):
    for markdown in (False, True):
        blocks = prose_blocks(text, markdown=markdown)
        passages = passages_from_blocks("D", blocks)
        assert len({p.id for p in passages}) == len(passages)
        for passage in passages:
            assert passage.text == passage.text.strip() and passage.text
            assert passage.id.startswith("D#")
        # nothing is made up: every word of a passage is a word of the (unmarked) input
        source = set(clean_inline(text.replace("#", " ")).split()) | set(clean_inline(text).split())
        for passage in passages:
            assert set(passage.text.split()) <= source


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=500))
def test_ids_depend_on_the_text_alone(text):
    assert text_key(text) == text_key(" " + text.replace(" ", "  ") + "\n")


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.binary(max_size=3000))
def test_the_loader_reads_or_names_any_bytes(tmp_path, data):
    path = tmp_path / "any.txt"
    path.write_bytes(data)
    try:
        document = load_document(path)
    except DocumentError as error:
        assert "any.txt" in str(error)
    else:
        assert document.passages
