# Global Mechanism Assistant — every task a developer or CI runs.
VENV   ?= .venv
PY     := $(VENV)/bin/python
GMA    := $(VENV)/bin/gma
CORPUS ?= ../shared/corpus
INDEX  ?= .gma

.PHONY: setup index demo test lint bench clean

setup: $(VENV)/.installed

# torch first, pinned: that CPU build lies on this machine's disk; a bare `torch` pulls several GB of CUDA.
$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

index: setup
	$(GMA) ingest $(CORPUS) --index $(INDEX)

demo: index
	$(GMA) ui --index $(INDEX)

test: setup
	$(PY) -m pytest

lint: setup
	$(VENV)/bin/ruff check assistant ingest corpus evals ui tests benchmarks

bench: setup
	$(PY) benchmarks/ingest.py --corpus $(CORPUS)

clean:
	rm -rf $(INDEX) build *.egg-info .pytest_cache
