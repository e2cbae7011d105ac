"""The corpus loader on the real memo and statutes, and on small documents of each format."""

from __future__ import annotations

import re
from pathlib import Path

import docx
import pytest

from tests.formats import as_pdf, as_riksdagen_text, as_word, prose_as_pdf
from vemgorvad import settings
from vemgorvad.corpus.load import DocumentError, load_corpus, load_document, read_text

MEMO = settings.ROOT / "corpus" / "SCN-2022-00355.txt"
SOCIALTJANSTLAG = settings.ROOT / "corpus" / "sfs" / "sfs_2001-453_socialtjanstlag.txt"
EXCERPT = settings.ROOT / "tests" / "qa" / "data" / "sfs_excerpt_brottsskadelag.txt"


@pytest.fixture(scope="module")
def memo():
    return load_document(MEMO, settings.ROOT / "corpus")


def test_memo_metadata_comes_from_its_sidecar(memo):
    assert memo.id == "SCN-2022-00355"
    assert memo.date == "2022-05-17"
    assert (
        memo.title == "Socialnämndens arbete och organisering mot prostitution och människohandel"
    )
    assert "Socialförvaltningen" in (memo.issuer or "")


def test_passage_ids_are_stable_across_two_loads(memo):
    again = load_document(MEMO, settings.ROOT / "corpus")
    assert [p.id for p in memo.passages] == [p.id for p in again.passages]
    assert len({p.id for p in memo.passages}) == len(memo.passages)


def test_an_edit_elsewhere_keeps_the_other_ids(memo, tmp_path):
    edited = MEMO.read_text(encoding="utf-8").replace(
        "Ärendet har beretts av enheten för strategiskt stöd.",
        "Ärendet har beretts av enheten för strategiskt stöd och av Nexus.",
    )
    (tmp_path / "memo.txt").write_text(edited, encoding="utf-8")
    changed = load_document(tmp_path / "memo.txt")
    before = {p.text: p.id.split("#")[1] for p in memo.passages}
    after = {p.text: p.id.split("#")[1] for p in changed.passages}
    common = before.keys() & after.keys()
    assert len(common) == len(before) - 1
    assert all(before[text] == after[text] for text in common)


def test_no_passage_starts_in_lower_case(memo):
    assert all(not p.text[0].islower() for p in memo.passages)


def test_page_break_splits_are_joined(memo):
    texts = [p.text for p in memo.passages]
    # Each of these halves stood on either side of a page break in the memo.
    for joined in (
        "liksom människohandel för sexuella ändamål som en del av mäns våld mot kvinnor. Att förebygga",
        "En del av dessa barn är offer för människohandel eller exploatering.",
        "I uppdraget ingår att samla in uppgifter om omfattningen av människohandel",
        "i prostitution och människohandel. Det är också tydligt",
        "skyldighet att verka för att personer som utsätter",
    ):
        assert sum(joined in text for text in texts) == 1, joined


def test_headings_are_sections_not_passages(memo):
    sections = {p.section for p in memo.passages}
    assert {"Bakgrund", "Aktuell lagstiftning", "Nexus och IFO Barn och unga"} <= sections
    assert not any(p.text in sections for p in memo.passages)
    nexus = next(p for p in memo.passages if p.text.startswith("Nexus är förvaltningens enhet"))
    assert nexus.section == "Nexus och IFO Barn och unga"


def test_statute_sections_become_passages_with_their_reference():
    statute = load_document(SOCIALTJANSTLAG)
    assert statute.id == "SFS 2001:453"
    assert statute.kind == "statute"
    by_id = {p.id: p for p in statute.passages}
    section = by_id["SFS 2001:453 5 kap. 11 §"]
    assert section.text.startswith("11 §")
    assert section.section.startswith("5 kap.")
    assert "SFS 2001:453 4 kap. 1 §" in by_id
    assert all(re.match(r"SFS 2001:453 ", pid) for pid in by_id)


def test_a_statute_saved_as_markdown_is_read_as_the_statute(tmp_path):
    # an SFST text keeps its header whatever its file is called: its "#" source lines
    # are no markdown headings, and its sections are the statute's
    copy = tmp_path / "socialtjanstlag.md"
    copy.write_bytes(SOCIALTJANSTLAG.read_bytes())
    statute, original = load_document(copy), load_document(SOCIALTJANSTLAG)
    assert (statute.id, statute.kind, statute.sfs) == (original.id, "statute", original.sfs)
    assert [(p.id, p.text) for p in statute.passages] == [(p.id, p.text) for p in original.passages]
    assert read_text(copy) == read_text(SOCIALTJANSTLAG)


def _passages(document):
    return [(p.id, p.section, p.text) for p in document.passages]


@pytest.mark.parametrize(("save", "suffix"), [(as_word, ".docx"), (as_pdf, ".pdf")])
def test_a_statute_in_word_or_a_pdf_is_read_as_the_statute(tmp_path, save, suffix):
    # neither keeps the blank lines of the SFST text; both were read as prose, the
    # header's first line the title and every stycke a passage without its section
    original = load_document(EXCERPT)
    path = save(EXCERPT.read_text(encoding="utf-8"), tmp_path / f"lag{suffix}")
    saved = load_document(path)
    assert (saved.id, saved.kind, saved.sfs, saved.title) == (
        "SFS 2014:322", "statute", "2014:322", "Brottsskadelag (2014:322)"
    )
    assert saved.meta["in_force"] == original.meta["in_force"] == "2014-07-01"
    # word for word, each stycke on a line of its own (a PDF's gap between them is one)
    assert _passages(saved) == _passages(original)
    assert read_text(path)[1] == "2014:322"


@pytest.mark.parametrize("suffix", [".txt", ".docx", ".pdf"])
def test_a_statute_as_riksdagen_se_gives_it_is_read_as_the_statute(tmp_path, suffix):
    # riksdagen.se puts the title first and each field's value under its name ("SFS nr:")
    text = as_riksdagen_text(EXCERPT.read_text(encoding="utf-8"))
    assert text.startswith("Brottsskadelag (2014:322)\n\nSFS nr: \n2014:322\n")
    path = tmp_path / f"brottsskadelag{suffix}"
    if suffix in (".docx", ".pdf"):
        (as_word if suffix == ".docx" else as_pdf)(text, path)
    else:
        path.write_text(text, encoding="utf-8")
    saved, original = load_document(path), load_document(EXCERPT)
    assert (saved.id, saved.kind, saved.title) == ("SFS 2014:322", "statute", "Brottsskadelag (2014:322)")
    assert saved.meta["Departement"] == "Justitiedepartementet L2"
    assert saved.meta["in_force"] == "2014-07-01"
    assert _passages(saved) == _passages(original)


def test_a_statute_heading_wrapped_onto_two_lines_is_a_heading():
    by_id = {p.id: p for p in load_document(EXCERPT).passages}
    heading = "Förutsättningar för att pröva en ansökan om brottsskadeersättning"
    assert by_id["SFS 2014:322 15 §"].section == heading
    assert not any(heading in p.text for p in by_id.values())  # not glued to the section before


def test_a_statute_heading_ending_in_m_m_is_a_heading():
    """ "Socialnämndens uppgiftsskyldighet m.m." ends with a full stop, yet heads 12 kap.
    5–10 §§ socialtjänstlagen; read as text it was glued to the repealed 4 § before it and
    the six sections stood under "Gallring"."""
    statute = settings.ROOT / "corpus" / "sfs" / "sfs_2001-453_socialtjanstlag.txt"
    by_id = {p.id: p for p in load_document(statute).passages}
    heading = "Socialnämndens uppgiftsskyldighet m.m."
    for number in range(5, 11):
        assert by_id[f"SFS 2001:453 12 kap. {number} §"].section.endswith(heading)
    assert by_id["SFS 2001:453 12 kap. 4 §"].text == "4 § Har upphävts genom lag (2003:135)."


def test_a_word_document_or_pdf_without_an_sfst_header_is_prose(tmp_path):
    word = docx.Document()
    word.add_paragraph("SFS och socialtjänsten")
    word.add_paragraph("1 § Socialtjänsten ska främja människornas ekonomiska och sociala trygghet.")
    word.save(tmp_path / "pm.docx")
    document = load_document(tmp_path / "pm.docx")
    assert (document.kind, document.sfs) == ("document", None)
    assert [p.section for p in document.passages] == ["SFS och socialtjänsten"]


def test_a_memo_printed_to_a_pdf_keeps_its_paragraphs(tmp_path):
    # read line by line, a page of the memo was one passage of thousands of characters
    text = (
        "Rutin för orosanmälan\n\nMottagning\n\n"
        "Mottagningsenheten tar emot anmälningar om barn som far illa och gör en första "
        "bedömning av barnets behov av skydd samma dag som anmälan kommer in.\n\n"
        "Den som anmäler får veta att anmälan har tagits emot, men inte vad den leder till, "
        "eftersom uppgifterna omfattas av sekretess enligt offentlighets- och sekretesslagen.\n\n"
        "Utredning\n\nSocialnämnden ska utan dröjsmål inleda en utredning när den har fått "
        "kännedom om något som kan föranleda en åtgärd av nämnden.\n"
    )
    (tmp_path / "rutin.txt").write_text(text, encoding="utf-8")
    printed = load_document(prose_as_pdf(text, tmp_path / "rutin.pdf"))
    original = load_document(tmp_path / "rutin.txt")
    assert [(p.section, p.text) for p in printed.passages] == [
        (p.section, p.text) for p in original.passages
    ]
    assert [p.section for p in printed.passages] == ["Mottagning", "Mottagning", "Utredning"]
    # a title property that names the file it was made from is no title
    named = load_document(prose_as_pdf(text, tmp_path / "a.pdf", title="Microsoft Word - rutin.docx"))
    titled = load_document(prose_as_pdf(text, tmp_path / "b.pdf", title="Rutin för orosanmälan"))
    assert (named.title, titled.title) == ("Rutin för orosanmälan", "Rutin för orosanmälan")


@pytest.mark.parametrize("line_mm", [5, 8], ids=["single-spaced", "double-spaced"])
def test_the_memo_printed_with_a_letterhead_reads_as_its_text(tmp_path, line_mm):
    # eight pages or more, each with the letterhead on top and "Sida n (…)" at its foot;
    # double-spaced, a blank line parts every two lines of a paragraph, which made each
    # line a paragraph of its own (58 of the 73 passages word for word)
    text = "".join(c if ord(c) < 256 else "-" for c in MEMO.read_text(encoding="utf-8"))
    (tmp_path / "memo.txt").write_text(text, encoding="utf-8")
    letterhead = "Socialförvaltningen Tjänsteskrivelse SCN-2022-00355"
    printed = load_document(prose_as_pdf(text, tmp_path / "memo.pdf", letterhead, line_mm=line_mm))
    original = {(p.section, p.text) for p in load_document(tmp_path / "memo.txt").passages}
    differing = [p.text[:60] for p in printed.passages if (p.section, p.text) not in original]
    assert len(printed.passages) - len(differing) >= 0.95 * len(original), differing
    assert not any(letterhead in p.text or "Sida " in p.text for p in printed.passages)


def test_markdown_headings_and_metadata(tmp_path):
    (tmp_path / "pm.md").write_text(
        "# Rutin för orosanmälan\n\n## Mottagning\n\nMottagningsenheten tar emot anmälningar om"
        " barn som far illa.\n\nDen bedömer\nskyddsbehovet samma dag.\n",
        encoding="utf-8",
    )
    (tmp_path / "pm.md.meta.json").write_text('{"id": "PM-1", "date": "2024-01-02"}')
    document = load_document(tmp_path / "pm.md", tmp_path)
    assert (document.id, document.title, document.date) == (
        "PM-1",
        "Rutin för orosanmälan",
        "2024-01-02",
    )
    assert [p.section for p in document.passages] == ["Mottagning", "Mottagning"]
    assert document.passages[1].text == "Den bedömer skyddsbehovet samma dag."


def test_markdown_front_matter_is_metadata_not_a_passage(tmp_path):
    (tmp_path / "rutin.md").write_text(
        "---\ntitle: Rutin för orosanmälan\ndate: 2024-03-01\nissuer: Uppsala kommun\n---\n\n"
        "# Mottagning\n\nMottagningsenheten tar emot anmälningar om barn som far illa.\n",
        encoding="utf-8",
    )
    (tmp_path / "rutin.md.meta.json").write_text('{"date": "2024-04-01"}')  # the sidecar wins
    document = load_document(tmp_path / "rutin.md", tmp_path)
    assert (document.title, document.date, document.issuer) == (
        "Rutin för orosanmälan", "2024-04-01", "Uppsala kommun"
    )
    assert [(p.section, p.text) for p in document.passages] == [
        ("Mottagning", "Mottagningsenheten tar emot anmälningar om barn som far illa.")
    ]


def test_a_markdown_comment_is_no_passage(tmp_path):
    """A writer's note in a markdown file (``<!-- … -->``, one line or several, or inside
    a paragraph) is not the document's text: it never becomes a passage or part of one."""
    (tmp_path / "rutin.md").write_text(
        "# Mottagning\n\n<!-- Utkast: stäm av med\nenhetschefen före beslut. -->\n\n"
        "Mottagningsenheten tar emot anmälningar <!-- kontrollera --> om barn som far illa.\n",
        encoding="utf-8",
    )
    document = load_document(tmp_path / "rutin.md", tmp_path)
    assert [(p.section, p.text) for p in document.passages] == [
        ("Mottagning", "Mottagningsenheten tar emot anmälningar om barn som far illa.")
    ]


def test_docx_with_heading_styles(tmp_path):
    word = docx.Document()
    word.core_properties.title = "Samverkansrutin"
    word.add_heading("Ansvar", level=1)
    word.add_paragraph("Nexus utreder behov av stöd för vuxna som utsatts för våld.")
    word.add_paragraph("och fattar beslut om bistånd.")
    word.save(tmp_path / "rutin.docx")
    document = load_document(tmp_path / "rutin.docx", tmp_path)
    assert document.title == "Samverkansrutin"
    assert len(document.passages) == 1
    assert document.passages[0].section == "Ansvar"
    assert document.passages[0].text.endswith("våld. och fattar beslut om bistånd.")


def test_docx_without_heading_styles_has_its_headings_read_as_in_a_text(tmp_path):
    word = docx.Document()
    word.add_paragraph("Ansökan om ersättning")
    word.add_paragraph("En ansökan om brottsskadeersättning prövas av Brottsoffermyndigheten.")
    word.add_paragraph("Kort rad utan punkt")  # a heading, not a passage of its own
    word.add_paragraph("Ersättning betalas till den del skadan inte täcks av försäkring.")
    word.save(tmp_path / "plain.docx")
    sections = [(p.section, p.text[:10]) for p in load_document(tmp_path / "plain.docx").passages]
    assert sections == [("Ansökan om ersättning", "En ansökan"), ("Kort rad utan punkt", "Ersättning")]
    # with heading styles the styles decide: a short plain line is text
    styled = docx.Document()
    styled.add_heading("Ansvar", level=1)
    styled.add_paragraph("Kort rad utan punkt men med tillräckligt många ord i sig")
    styled.save(tmp_path / "styled.docx")
    assert [p.section for p in load_document(tmp_path / "styled.docx").passages] == ["Ansvar"]


def test_a_word_tables_rows_are_passages_under_their_heading(tmp_path):
    # a table's text was not read at all: a memo's table of who does what was lost
    word = docx.Document()
    word.add_heading("Ansvarsfördelning", level=1)
    word.add_paragraph("Tabellen visar vem som gör vad i arbetet mot människohandel.")
    table = word.add_table(rows=3, cols=2)
    for row, cells in zip(
        table.rows,
        [("Aktör", "Ansvar"), ("Polismyndigheten", "Utreder brott och tar emot anmälningar."),
         ("Socialnämnden", "Ger stöd och skydd till den som utsatts.")],
        strict=True,
    ):
        for cell, text in zip(row.cells, cells, strict=True):
            cell.text = text
    word.add_heading("Uppföljning", level=1)
    word.add_paragraph("Arbetet följs upp av förvaltningen varje år i verksamhetsberättelsen.")
    word.save(tmp_path / "ansvar.docx")
    passages = [(p.section, p.text) for p in load_document(tmp_path / "ansvar.docx").passages]
    assert passages == [
        ("Ansvarsfördelning", "Tabellen visar vem som gör vad i arbetet mot människohandel."),
        ("Ansvarsfördelning", "Aktör: Polismyndigheten; Ansvar: Utreder brott och tar emot anmälningar."),
        ("Ansvarsfördelning", "Aktör: Socialnämnden; Ansvar: Ger stöd och skydd till den som utsatts."),
        ("Uppföljning", "Arbetet följs upp av förvaltningen varje år i verksamhetsberättelsen."),
    ]


def test_a_markdown_tables_rows_are_passages(tmp_path):
    (tmp_path / "ansvar.md").write_text(
        "# Ansvar\n\n| Aktör | Ansvar |\n|---|:---:|\n"
        "| Polismyndigheten | Utreder brott och tar emot anmälningar. |\n"
        "| Socialnämnden | Ger stöd och skydd till den som utsatts. |\n",
        encoding="utf-8",
    )
    assert [p.text for p in load_document(tmp_path / "ansvar.md").passages] == [
        "Aktör: Polismyndigheten; Ansvar: Utreder brott och tar emot anmälningar.",
        "Aktör: Socialnämnden; Ansvar: Ger stöd och skydd till den som utsatts.",
    ]


def test_cp1252_text_is_detected_and_read(tmp_path):
    text = "Socialnämnden ska utan dröjsmål inleda utredning om barnets behov av skydd."
    (tmp_path / "gammal.txt").write_bytes(text.encode("cp1252"))
    assert load_document(tmp_path / "gammal.txt").passages[0].text == text


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("tom.txt", b"   \n", "empty"),
        ("bild.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary"),
        ("trasig.docx", b"PK\x03\x04 not really a zip", "not a readable Word document"),
    ],
)
def test_unreadable_documents_are_named_and_the_rest_still_load(tmp_path, name, content, message):
    (tmp_path / name).write_bytes(content)
    (tmp_path / "bra.txt").write_text(
        "Polismyndigheten utreder brott och samverkar med socialtjänsten."
    )
    report = load_corpus(tmp_path)
    assert [d.path for d in report.documents] == ["bra.txt"]
    assert len(report.errors) == 1
    assert name in str(report.errors[0]) and message in str(report.errors[0])
    with pytest.raises(DocumentError, match=re.escape(name)):
        load_corpus(tmp_path, strict=True)


def test_a_second_file_of_one_document_is_named_and_skipped(tmp_path):
    """The same statute dropped in twice (two files, one SFS number) does not stop the
    build: the first in path order is used, the other named, as an unreadable file is."""
    statute = (
        "SFS-nummer: 1988:870\nLag (1988:870) om vård av missbrukare i vissa fall\n\n"
        "1 § Vård enligt denna lag ges den som missbrukar alkohol eller narkotika.\n"
    )
    (tmp_path / "a_lvm.txt").write_text(statute, encoding="utf-8")
    (tmp_path / "b_lvm_kopia.md").write_text(statute, encoding="utf-8")
    report = load_corpus(tmp_path)
    assert [(d.id, d.path) for d in report.documents] == [("SFS 1988:870", "a_lvm.txt")]
    [error] = report.errors
    assert error.path.endswith("b_lvm_kopia.md")
    assert "SFS 1988:870" in error.reason and "a_lvm.txt" in error.reason
    with pytest.raises(DocumentError, match=re.escape("b_lvm_kopia.md")):
        load_corpus(tmp_path, strict=True)


def test_whole_corpus_loads_without_errors():
    report = load_corpus(settings.ROOT / "corpus")
    assert not report.errors
    assert {d.id for d in report.documents} >= {"SCN-2022-00355", "SFS 2001:453", "SFS 1962:700"}
    assert len({p.id for d in report.documents for p in d.passages}) == sum(
        len(d.passages) for d in report.documents
    )


def test_missing_corpus_folder_is_a_clear_error(tmp_path):
    with pytest.raises(DocumentError, match="does not exist"):
        load_corpus(Path(tmp_path / "nowhere"))
