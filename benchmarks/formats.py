"""The same documents in every format the corpus takes: do the answers stay the same?

No document may be second class for the file it comes in. This asks the generality
questions (``tests/qa/generality.jsonl``) of the corpus with LVM and brottsskadelagen
(``shared/realdocs-extra/``) added as their SFST text, as riksdagen.se's text, as Word
documents and printed to PDFs; and dev.jsonl and dev2.jsonl of the corpus with the memo
as its text file and printed to a PDF with a letterhead and page numbers. Each corpus is
built under ``build/bench/formats/``; the engine uses the committed models (fitted on the
text files), so the figures are in-sample: what they show is the difference between
formats, not the engine's level (``benchmarks/answers.py`` measures that).

Usage: ``python benchmarks/formats.py``. Needs the test extras (``fpdf2``).
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.formats import as_pdf, as_riksdagen_text, as_word, prose_as_pdf  # noqa: E402
from vemgorvad import settings  # noqa: E402
from vemgorvad.pipeline import build  # noqa: E402
from vemgorvad.qa.answer import Engine  # noqa: E402
from vemgorvad.qa.evaluate import evaluate, read_questions  # noqa: E402

SHARED = ROOT.parent / "shared"
EXTRA = SHARED / "realdocs-extra"
MEMO = "SCN-2022-00355"
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
"""A TrueType font with every character of the memo (Debian's fonts-dejavu-core)."""
COLUMNS = ["passage_hit@1", "passage_hit@5", "mrr@10", "actor_recall", "evidence_hit",
           "abstain_on_negatives", "answered_when_answerable"]  # fmt: skip


def _text(path: Path, _: Path) -> None:
    shutil.copy(path, _ / path.name)


def _riksdagen(path: Path, into: Path) -> None:
    (into / path.name).write_text(as_riksdagen_text(path.read_text(encoding="utf-8")), encoding="utf-8")


def _word(path: Path, into: Path) -> None:
    as_word(path.read_text(encoding="utf-8"), into / path.with_suffix(".docx").name)


def _pdf(path: Path, into: Path) -> None:
    as_pdf(path.read_text(encoding="utf-8"), into / path.with_suffix(".pdf").name, font=FONT)


def _corpus(name: str, add: Callable[[Path], None]) -> Engine:
    root = settings.build_dir() / "bench" / "formats" / name
    corpus = root / "corpus"
    if corpus.exists():
        shutil.rmtree(corpus)
    shutil.copytree(settings.corpus_dir(), corpus)
    add(corpus)
    return Engine.load(build(corpus, root / "build").path)


def _row(title: str, engine: Engine, files: list[Path]) -> str:
    questions = [q for path in files for q in read_questions(path)]
    metrics = evaluate(questions, engine.ask)["metrics"]
    cells = ["–" if metrics.get(c) is None else f"{metrics[c]:.3f}" for c in COLUMNS]
    return f"| {title} | {' | '.join(cells)} |"


def main() -> None:
    if not FONT.exists():
        sys.exit(f"{FONT} is missing (Debian's fonts-dejavu-core): nothing can be printed to a PDF")
    started = time.perf_counter()
    header = f"| corpus | {' | '.join(COLUMNS)} |\n" + "|---" * (len(COLUMNS) + 1) + "|"
    statutes = sorted(EXTRA.glob("*.txt"))
    generality = [ROOT / "tests" / "qa" / "generality.jsonl"]
    print("\ngenerality questions, LVM and brottsskadelagen added as …\n" + header, flush=True)
    for name, save in (("SFST text", _text), ("riksdagen.se text", _riksdagen),
                       ("Word", _word), ("PDF", _pdf)):  # fmt: skip
        engine = _corpus(f"statutes-{save.__name__[1:]}", lambda c, s=save: [s(p, c / "sfs") for p in statutes])
        print(_row(name, engine, generality), flush=True)
    memo_questions = [SHARED / "eval" / "dev.jsonl", SHARED / "eval" / "dev2.jsonl"]

    def memo_as_pdf(corpus: Path) -> None:
        # the memo's text as it is, "–" and "”" too, or its curated quotes are not found
        text_file = corpus / f"{MEMO}.txt"
        prose_as_pdf(
            text_file.read_text(encoding="utf-8"), corpus / f"{MEMO}.pdf",
            letterhead=f"Socialförvaltningen Tjänsteskrivelse {MEMO}", font=FONT,
        )  # fmt: skip
        (corpus / f"{MEMO}.txt.meta.json").rename(corpus / f"{MEMO}.pdf.meta.json")
        text_file.unlink()

    print("\ndev.jsonl and dev2.jsonl, the memo as …\n" + header, flush=True)
    print(_row("its text file", Engine.load(), memo_questions), flush=True)
    print(_row("a PDF with letterhead and page numbers", _corpus("memo-pdf", memo_as_pdf), memo_questions))
    print(f"\n{time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
