"""The passage index at 10k and 100k passages: build time, size on disk, memory, query p95.

Synthetic corpora are made by recombining real sentences of the corpus (2–5 sentences
drawn from random passages, under a random real section heading). Embedding 100k
passages on 2 cores would take hours, so only ``--embed`` of them (default 1000) are
embedded by the real model; every other passage gets a synthetic vector, a blend of two
of those plus Gaussian noise, re-normalised. The FAISS and BM25
figures are real at full size; build times exclude embedding (reported per passage from
the embedded subset). Queries are the dev questions, embedded by the real model.

Each size runs in a fresh process, so its memory figure is its own. Targets at 100k:
query p95 ≤ 200 ms, RSS ≤ 4 GiB. The exact (flat) and HNSW dense indexes are compared
on the same vectors: latency, build time and HNSW recall@10 against exact search.

Usage: HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/scale.py --run [--sizes 10000 100000]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
DEV = REPO.parent / "shared" / "eval" / "dev.jsonl"
NOISE_SIGMA = 0.48
"""cos(v + σg, v) ≈ 1/√(1 + σ²) ≈ 0.9 for unit v and g ~ N(0, I/d)."""
PASSAGES_PER_DOCUMENT = 50

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
sys.path.insert(0, str(REPO))

from vemgorvad import settings  # noqa: E402
from vemgorvad.corpus.load import load_corpus  # noqa: E402
from vemgorvad.corpus.model import Passage  # noqa: E402
from vemgorvad.index.dense import DenseIndex  # noqa: E402
from vemgorvad.index.embed import Embedder, load_embedder  # noqa: E402
from vemgorvad.index.search import PassageIndex, passage_text  # noqa: E402

_SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+(?=[A-ZÅÄÖ0-9])")


class ReplayEmbedder(Embedder):
    """The real model for queries; passages get vectors prepared beforehand, by text."""

    def __init__(self, inner: Embedder, table: dict[str, np.ndarray]) -> None:
        super().__init__(inner.model, inner.name)
        self.table = table

    def encode_passages(self, passages: Sequence[str]) -> np.ndarray:
        return np.stack([self.table[text] for text in passages])


def synthetic_passages(real: Sequence[Passage], count: int, seed: int = 0) -> list[Passage]:
    """``count`` passages recombining 2–5 real sentences under a real section heading."""
    rng = random.Random(seed)
    sentences = [s for p in real for s in _SENTENCE_END.split(p.text) if len(s) > 20]
    sections = sorted({p.section for p in real if p.section})
    made = []
    for n in range(count):
        text = " ".join(rng.sample(sentences, rng.randint(2, 5)))
        made.append(
            Passage(
                id=f"SYN-{n // PASSAGES_PER_DOCUMENT:05d}#{n:07d}",
                document=f"SYN-{n // PASSAGES_PER_DOCUMENT:05d}",
                section=rng.choice(sections),
                text=text,
                ordinal=n % PASSAGES_PER_DOCUMENT,
            )
        )
    return made


def noisy(rows: np.ndarray, seed: int) -> np.ndarray:
    """Unit vectors near the given ones (Gaussian noise, σ = NOISE_SIGMA, re-normalised)."""
    rng = np.random.default_rng(seed)
    scale = NOISE_SIGMA / np.sqrt(rows.shape[1])
    vectors = rows + rng.standard_normal(rows.shape).astype(np.float32) * scale
    return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)


def synthetic_vectors(base: np.ndarray, count: int, seed: int = 0) -> np.ndarray:
    """``count`` unit vectors: the base rows, then blends of two of them plus noise.

    Row i (past the base) is base[i mod n] + u·base[j] + noise, j random, u ~ U(0, 1),
    re-normalised: a spread of vectors around the real ones rather than tight clusters
    of near-duplicates (which would make any approximate search look worse than it is).
    """
    rng = np.random.default_rng(seed)
    first = np.arange(count) % len(base)
    second = rng.integers(0, len(base), count)
    mix = rng.uniform(0, 1, (count, 1)).astype(np.float32)
    vectors = noisy(base[first] + mix * base[second], seed)
    kept = min(len(base), count)
    vectors[:kept] = base[:kept]
    return vectors


def rss_mib() -> tuple[float, float]:
    """Current and peak resident memory of this process, MiB."""
    with open("/proc/self/statm") as statm:
        current = int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return current, peak


def p50_p95(samples: Sequence[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return (
        1000 * ordered[len(ordered) // 2],
        1000 * ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))],
    )


def directory_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def run_size(size: int, embed: int, rounds: int) -> dict[str, float]:
    """Measure one corpus size; prints as it goes and returns the figures."""
    figures: dict[str, float] = {"size": size}
    real = [p for d in load_corpus(REPO / "corpus").documents for p in d.passages]
    questions = [json.loads(line)["question"] for line in DEV.open(encoding="utf-8")]
    embedder = load_embedder()
    start = time.perf_counter()
    passages = synthetic_passages(real, size)
    print(f"[{size}] generated {size} passages in {time.perf_counter() - start:.1f} s", flush=True)

    texts = [passage_text(p) for p in passages]
    embedded = min(embed, size)
    start = time.perf_counter()
    base = embedder.encode_passages(texts[:embedded])
    seconds = time.perf_counter() - start
    figures["embed_ms_per_passage"] = 1000 * seconds / embedded
    print(
        f"[{size}] embedded {embedded} passages for real in {seconds:.1f} s "
        f"({figures['embed_ms_per_passage']:.0f} ms each; all {size} would take "
        f"~{seconds / embedded * size / 60:.0f} min); the other {size - embedded} get "
        f"synthetic vectors (blends of two embedded ones plus noise, σ={NOISE_SIGMA})",
        flush=True,
    )
    vectors = synthetic_vectors(base, size)
    replay = ReplayEmbedder(embedder, dict(zip(texts, vectors, strict=True)))

    with tempfile.TemporaryDirectory(prefix="vemgorvad-scale-") as tmp:
        directory = Path(tmp) / "index"
        start = time.perf_counter()
        index = PassageIndex.build(passages, directory, replay)
        figures["build_s"] = time.perf_counter() - start
        figures["disk_mib"] = directory_size(directory) / 2**20
        start = time.perf_counter()
        PassageIndex.build(passages, directory, replay)
        figures["rebuild_unchanged_s"] = time.perf_counter() - start
        start = time.perf_counter()
        index = PassageIndex.load(directory, embedder)
        figures["load_s"] = time.perf_counter() - start
        print(
            f"[{size}] index ({index.manifest.dense_kind}) built in {figures['build_s']:.1f} s "
            f"without embedding, rebuilt unchanged in {figures['rebuild_unchanged_s']:.1f} s, "
            f"loaded in {figures['load_s']:.1f} s; {figures['disk_mib']:.0f} MiB on disk",
            flush=True,
        )
        index.search(questions[0], 10)
        for mode in ("dense", "bm25", "hybrid"):
            samples = []
            for _ in range(rounds):
                for question in questions:
                    start = time.perf_counter()
                    index.search(question, 10, mode)
                    samples.append(time.perf_counter() - start)
            p50, p95 = p50_p95(samples)
            figures[f"{mode}_p50_ms"], figures[f"{mode}_p95_ms"] = p50, p95
            print(f"[{size}] {mode:<6} search p50 {p50:6.1f} ms  p95 {p95:6.1f} ms", flush=True)
        figures["rss_mib"], figures["peak_rss_mib"] = rss_mib()
        print(
            f"[{size}] RSS {figures['rss_mib']:.0f} MiB (peak {figures['peak_rss_mib']:.0f} MiB)",
            flush=True,
        )

    # exact vs HNSW on the same vectors, dense search alone (no query embedding)
    query_vectors = np.concatenate(
        [embedder.encode_queries(questions), noisy(vectors[:: max(1, size // 170)][:170], seed=1)]
    )
    kinds = {}
    for kind in ("flat", "hnsw"):
        start = time.perf_counter()
        kinds[kind] = DenseIndex.build(vectors, kind)  # type: ignore[arg-type]
        built = time.perf_counter() - start
        samples = []
        for vector in query_vectors:
            start = time.perf_counter()
            kinds[kind].search(vector, 10)
            samples.append(time.perf_counter() - start)
        p50, p95 = p50_p95(samples)
        figures[f"{kind}_build_s"], figures[f"{kind}_p95_ms"] = built, p95
        print(
            f"[{size}] dense {kind:<4}: built in {built:5.1f} s, search p50 {p50:5.2f} ms "
            f"p95 {p95:5.2f} ms ({len(query_vectors)} queries)",
            flush=True,
        )
    _, exact = kinds["flat"].search(query_vectors, 10)
    _, approximate = kinds["hnsw"].search(query_vectors, 10)
    overlap = [len(set(a) & set(e)) / 10 for a, e in zip(approximate, exact, strict=True)]
    figures["hnsw_recall_at_10"] = float(np.mean(overlap))
    figures["hnsw_recall_at_10_questions"] = float(np.mean(overlap[: len(questions)]))
    print(
        f"[{size}] HNSW (M={settings.HNSW_M}, efConstruction={settings.HNSW_EF_CONSTRUCTION}, "
        f"efSearch={settings.HNSW_EF_SEARCH}) recall@10 vs exact: "
        f"{figures['hnsw_recall_at_10']:.3f} over all queries, "
        f"{figures['hnsw_recall_at_10_questions']:.3f} over the {len(questions)} dev questions",
        flush=True,
    )
    return figures


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--run", action="store_true", help="run (it takes minutes)")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--embed", type=int, default=1000, help="passages embedded for real")
    parser.add_argument("--rounds", type=int, default=3, help="latency rounds over dev questions")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        figures = run_size(args.child, args.embed, args.rounds)
        print("FIGURES " + json.dumps(figures), flush=True)
        return 0
    if not args.run:
        print("This benchmark takes several minutes; pass --run to run it.")
        return 0
    results = []
    for size in args.sizes:
        command = [sys.executable, __file__, "--child", str(size), "--embed", str(args.embed)]
        command += ["--rounds", str(args.rounds)]
        with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as process:
            assert process.stdout is not None
            for line in process.stdout:
                if line.startswith("FIGURES "):
                    results.append(json.loads(line[len("FIGURES ") :]))
                else:
                    print(line, end="", flush=True)
        if process.returncode:
            return process.returncode
    print("\nsize     build(s)  disk(MiB)  RSS(MiB)  hybrid p95(ms)  flat p95  hnsw p95  recall@10")
    for f in results:
        print(
            f"{int(f['size']):<8} {f['build_s']:8.1f}  {f['disk_mib']:9.0f}  {f['peak_rss_mib']:8.0f}"
            f"  {f['hybrid_p95_ms']:14.1f}  {f['flat_p95_ms']:8.2f}  {f['hnsw_p95_ms']:8.2f}"
            f"  {f['hnsw_recall_at_10']:9.3f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
