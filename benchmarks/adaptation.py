"""e5 adapted to a corpus without questions: does plain dense retrieval read it better?

The model is fine-tuned on pairs made from the documents alone, never from questions:
each sentence of a passage (as a query) against the rest of its passage with its document
title and heading (as a passage) — the inverse cloze task (Lee et al. 2019) — and each
section heading against its section. The loss is e5's own: in-batch negatives
(cross-entropy over the batch's cosines, scale 50). Then plain dense retrieval, base and
adapted model side by side in one process, is scored on the pooled question files: the
corpus questions over ``corpus/``, the generality questions over ``corpus/`` plus the
uncurated statutes of ``shared/realdocs-extra/``, and the model is adapted on the latter
(the larger corpus; it holds the former).

This measures the first stage only. To measure the whole engine with the adapted model,
save it (``--save DIR``, with ``--mix 0.5`` for half its weights and half the base
model's, WiSE-FT) and build and benchmark with it in a build folder of its own:
``VEMGORVAD_MODEL=DIR VEMGORVAD_BUILD=/tmp/b vemgorvad build``, then the same variables
for ``benchmarks/answers.py`` (the README's table of it). Training takes about 14 minutes
on 2 cores (1,894 pairs, one epoch, 256 tokens).

Usage: ``python benchmarks/adaptation.py [--lr 2e-5] [--epochs 1] [--batch 32]
[--max-tokens 256] [--seed 0] [--save DIR [--mix 1.0]]``. Needs a build (``vemgorvad
build``: the converted model).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from answers import ON_CORPUS, ON_EXTENDED, extended_corpus  # noqa: E402

from vemgorvad import settings  # noqa: E402
from vemgorvad.corpus.load import load_corpus  # noqa: E402
from vemgorvad.corpus.model import Document  # noqa: E402
from vemgorvad.corpus.sentences import sentences  # noqa: E402
from vemgorvad.index.context import passage_text  # noqa: E402
from vemgorvad.index.embed import ensure_default_model  # noqa: E402
from vemgorvad.pipeline import heading  # noqa: E402
from vemgorvad.qa.evaluate import fold, read_questions  # noqa: E402

SCALE = 50.0
"""e5's in-batch softmax temperature (1 / 0.02)."""

MIN_SENTENCE = 30
"""Shorter sentences (a section's number, "Lag (2009:800).") make no query."""


def context(document: Document, section: str | None) -> str:
    return ". ".join(heading(document, section))


def pairs(documents: list[Document]) -> list[tuple[str, str]]:
    """(query, passage) pairs from the documents alone: inverse cloze and heading (without
    the model's prompts)."""
    out = []
    for document in documents:
        for passage in document.passages:
            head = context(document, passage.section)
            said = [s for s in sentences(passage.text.replace("\n", " ")) if len(s) >= MIN_SENTENCE]
            if len(said) >= 2:
                for i, sentence in enumerate(said):
                    rest = " ".join(said[:i] + said[i + 1 :])
                    out.append((sentence, f"{head}\n{rest}"))
            if passage.section and passage.section != document.title:
                out.append((passage.section, passage_text(passage, document.title)))
    return out


def adapt(model, examples: list[tuple[str, str]], args: argparse.Namespace) -> None:  # type: ignore[no-untyped-def]
    """Fine-tune in place: AdamW, linear warm-up over a tenth of the steps, then decay."""
    import torch

    prompts = (model.prompts.get("query", ""), model.prompts.get("document", ""))

    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    limit = model.max_seq_length
    model.max_seq_length = args.max_tokens
    model.train()
    optimiser = torch.optim.AdamW(model.parameters(), lr=args.lr)
    steps = args.epochs * -(-len(examples) // args.batch)
    warm = max(1, steps // 10)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda s: (s + 1) / warm if s < warm else max(0.0, (steps - s) / (steps - warm))
    )
    started, step = time.perf_counter(), 0
    for _ in range(args.epochs):
        order = examples[:]
        rng.shuffle(order)
        for b in range(0, len(order), args.batch):
            batch = order[b : b + args.batch]
            sides = [
                torch.nn.functional.normalize(
                    model(model.tokenize([prompts[i] + pair[i] for pair in batch]))["sentence_embedding"],
                    dim=-1,
                )
                for i in (0, 1)
            ]
            loss = torch.nn.functional.cross_entropy(
                sides[0] @ sides[1].T * SCALE, torch.arange(len(batch))
            )
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
            step += 1
            print(f"step {step}/{steps} loss {loss.item():.3f} "
                  f"({time.perf_counter() - started:.0f} s)", flush=True)
    model.max_seq_length = limit  # embedding and saving keep the base model's limit
    model.eval()


def save(model, base: str, folder: Path, mix: float) -> None:  # type: ignore[no-untyped-def]
    """Save the model for an engine to be built with (``VEMGORVAD_MODEL=folder``), its
    weights ``mix`` × adapted + (1 − mix) × base."""
    from safetensors.torch import load_file, save_file

    model.save(str(folder))
    if mix == 1.0:
        return
    weights = folder / "model.safetensors"
    adapted, original = load_file(str(weights)), load_file(str(Path(base) / "model.safetensors"))
    save_file(
        {k: (mix * v.float() + (1 - mix) * original[k].float()).to(v.dtype).contiguous()
         for k, v in adapted.items()},
        str(weights),
        metadata={"format": "pt"},
    )


def scores(model, documents: list[Document], files: list[Path]) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """Plain dense retrieval (title and heading before the text, as the index embeds)."""
    passages = [(d, p) for d in documents for p in d.passages]
    vectors = model.encode(
        [passage_text(p, context(d, p.section)) for d, p in passages],
        prompt_name="document",
        batch_size=16,
        normalize_embeddings=True,
    )
    texts = [fold(p.text) for _, p in passages]
    items = [q for path in files for q in read_questions(path) if q.get("gold_passage")]
    queries = model.encode(
        [q["question"] for q in items], prompt_name="query", normalize_embeddings=True
    )
    ranks = []
    for item, query in zip(items, queries, strict=True):
        gold = [fold(g) for g in item["gold_passage"]]
        order = np.argsort(-(vectors @ query), kind="stable")[:10]
        ranks.append(
            next((r for r, i in enumerate(order, 1) if any(g in texts[i] for g in gold)), None)
        )
    n = len(ranks)
    return {
        "questions": n,
        "hit@1": sum(r == 1 for r in ranks) / n,
        "hit@5": sum(r is not None and r <= 5 for r in ranks) / n,
        "mrr@10": sum(1 / r for r in ranks if r) / n,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lr", type=float, default=2e-5)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--max-tokens", type=int, default=256)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--save", type=Path, help="keep the adapted model in this folder")
    parser.add_argument(
        "--mix",
        type=float,
        default=1.0,
        help="the saved model's weights: this share adapted, the rest the base model's "
        "(WiSE-FT; 1 = the adapted model as trained; the figures printed are the latter's)",
    )
    args = parser.parse_args()
    if not 0 <= args.mix <= 1:
        parser.error(f"--mix {args.mix}: a share between 0 and 1")
    if args.mix != 1.0 and not args.save:
        parser.error("--mix mixes the saved model's weights: give --save DIR too")

    from sentence_transformers import SentenceTransformer

    documents = load_corpus(settings.corpus_dir()).documents
    with tempfile.TemporaryDirectory() as folder:
        extended_documents = load_corpus(extended_corpus(Path(folder) / "corpus")).documents

    base = str(ensure_default_model())
    results = {}
    for name in ("base", "adapted"):
        model = SentenceTransformer(base, device="cpu", local_files_only=True)
        if name == "adapted":
            examples = pairs(extended_documents)
            print(f"{len(examples)} pairs from {len(extended_documents)} documents", flush=True)
            adapt(model, examples, args)
            if args.save:
                save(model, base, args.save, args.mix)
        results[name] = {
            "corpus": scores(model, documents, ON_CORPUS),
            "generality": scores(model, extended_documents, ON_EXTENDED),
        }
    print(f"\n{vars(args)}\n| model | set | questions | hit@1 | hit@5 | MRR@10 |\n|---|---|---|---|---|---|")
    for name, sets in results.items():
        for which, m in sets.items():
            print(f"| {name} | {which} | {m['questions']} | {m['hit@1']:.3f} | {m['hit@5']:.3f} | {m['mrr@10']:.3f} |")


if __name__ == "__main__":
    main()
