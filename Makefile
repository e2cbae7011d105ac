# Two commands do all set-up on a fresh machine:
#   make run   - install, build graph + index (only what changed), serve on http://127.0.0.1:7860
#   make test  - install, then the whole test suite, offline
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export GRADIO_ANALYTICS_ENABLED := False
export TOKENIZERS_PARALLELISM := false

.PHONY: run test install build lint clean browser screenshots fit

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# CPU torch first and pinned: it lies on disk; a looser spec pulls a CUDA build.
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

build: install
	$(BIN)/vemgorvad build

run: build
	$(BIN)/vemgorvad serve

browser:
	command -v chromium >/dev/null || (apt-get update && apt-get install -y chromium chromium-driver)

test: install browser
	$(BIN)/ruff check .
	$(BIN)/mypy vemgorvad
	$(BIN)/python -m pytest -p no:cacheprovider -q --doctest-modules vemgorvad tests

screenshots: install browser  # refresh docs/screenshots/ from the browser tests
	VEMGORVAD_SCREENSHOTS=$(CURDIR)/docs/screenshots $(BIN)/python -m pytest -p no:cacheprovider -q tests/ui/test_browser.py

fit: build  # refit the ranker and abstention models on every question file (cross-validated)
	$(BIN)/python benchmarks/answers.py --fit

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy vemgorvad

clean:
	rm -rf build
