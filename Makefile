# One command per target; run `make help` for the list.
# `make all` and `make test` work on a fresh clone: they create .venv and install into it.

PYTHON_SYSTEM ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
CORPUS ?= data/raw/sample
# The pipeline's tables go to a folder named after the corpus, so another corpus
# (`make pipeline CORPUS=/path/to/articles`) does not replace the sample's.
OUT ?= reports/tables/$(basename $(notdir $(CORPUS)))
export MPLBACKEND := Agg
export PYDEVD_DISABLE_FILE_VALIDATION := 1
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: help all install pipeline notebooks test lint bench bench-quick lab model model-transformer model-neural model-cnn clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-18s %s\n", $$1, $$2}'

all: install pipeline notebooks  ## install, run the pipeline on data/, execute every notebook into reports/

$(STAMP): pyproject.toml
	$(PYTHON_SYSTEM) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)  ## create .venv and install the package with its dev tools

pipeline: $(STAMP)  ## run the whole pipeline on $(CORPUS) into reports/tables/<corpus name>
	$(BIN)/analysis run $(CORPUS) --out $(OUT)

notebooks: $(STAMP)  ## execute every notebook with papermill into reports/notebooks (+ HTML)
	$(PY) -m analysis.reproduce

test: $(STAMP)  ## run the test suite (and ruff)
	$(BIN)/ruff check src tests benchmarks notebooks
	$(BIN)/pytest -q

lint: $(STAMP)  ## ruff only
	$(BIN)/ruff check src tests benchmarks notebooks

bench: $(STAMP)  ## accuracy, speed and memory, each beside its target (several minutes)
	$(PY) -m benchmarks.run_all

bench-quick: $(STAMP)  ## a quick subset of the benchmarks (under 45 s)
	$(PY) -m benchmarks.run_all --quick

lab: $(STAMP)  ## open JupyterLab with the package installed
	$(BIN)/jupyter lab notebooks/

model: $(STAMP)  ## retrain the linear stance model (methods model, hybrid) from NewsMTSC train
	$(PY) -m analysis.train_stance

TRANSFORMER_STAMP := $(VENV)/.installed-transformer
# Thread count changes the floating-point order: the model card figures used 2.
TRANSFORMER_THREADS ?= 2
$(TRANSFORMER_STAMP): $(STAMP) pyproject.toml
	@echo "Installing the transformer extra (PyTorch). Without a GPU, install a CPU build of"
	@echo "PyTorch into .venv first (see PyTorch's install guide): pip may otherwise fetch a"
	@echo "CUDA build of several GB."
	$(PY) -m pip install --quiet -e ".[dev,transformer]"
	touch $(TRANSFORMER_STAMP)

model-transformer: $(TRANSFORMER_STAMP)  ## optional: install the transformer extra and fine-tune it (~40 min)
	$(PY) -m analysis.train_stance --transformer --threads $(TRANSFORMER_THREADS)

model-neural: $(TRANSFORMER_STAMP)  ## rebuild data/models/stance_neural/ from the transformer's seed 0 (after model-transformer)
	$(PY) -m analysis.train_stance --export-neural seed_0

model-cnn: $(TRANSFORMER_STAMP)  ## rebuild data/models/stance_cnn/ (method cnn, the default) by distilling the shipped neural model (~15 min)
	$(PY) -m analysis.train_stance --cnn --threads $(TRANSFORMER_THREADS)

clean:  ## remove generated outputs (keeps .venv)
	rm -rf reports/figures reports/tables reports/notebooks data/processed/*
