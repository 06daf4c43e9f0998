# Global Mechanism Assistant — every task a developer or CI runs.
VENV   ?= .venv
PY     := $(VENV)/bin/python
GMA    := $(VENV)/bin/gma
CORPUS ?= ../shared/corpus
INDEX  ?= .gma

.PHONY: setup index demo test test-llm check lint eval bench bench-cli scale screenshot clean

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

# The real-model lane: `gma ask --llm` against llama-cpp-python's server and the Gemma 3 270M GGUF.
# llama-cpp-python has no wheel on PyPI for this machine and compiles (about 4 min on 2 cores): the wheel is
# built once into LLM_WHEELS, outside the clone, and later runs on the same machine install it from there.
# It is built for AVX2 rather than for the build machine's own CPU: the native build segfaulted on its first
# reply on a Xeon with AVX-512 and AMX (2026-12-07); the folder's name keeps such a native wheel out.
LLM_WHEELS ?= $(HOME)/.cache/gma/wheels-avx2
LLAMA_CPP_VERSION ?= 0.3.36
LLAMA_CMAKE_ARGS := -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON \
    -DGGML_AVX512=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF

test-llm: setup
	mkdir -p $(LLM_WHEELS)
	ls $(LLM_WHEELS)/llama_cpp_python-$(LLAMA_CPP_VERSION)-*.whl >/dev/null 2>&1 || \
	    CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" CMAKE_BUILD_PARALLEL_LEVEL=2 \
	    $(PY) -m pip wheel --quiet --no-deps --no-cache-dir -w $(LLM_WHEELS) 'llama-cpp-python==$(LLAMA_CPP_VERSION)'
	$(PY) -m pip install --quiet --prefer-binary --find-links $(LLM_WHEELS) -e '.[llm-local]'
	$(PY) -m pytest -q tests/test_llm_server.py

# The README's screenshot, from the real corpus indexed in a temporary folder (ui/screenshot.py; no test runs it).
screenshot: setup
	$(PY) -m ui.screenshot --corpus $(CORPUS) --out docs/screenshots/ask.png

lint: setup
	$(VENV)/bin/ruff check core index assistant ingest corpus evals ui tests benchmarks

# The lane for every change: lint, then the unit tests on synthetic fixtures (no corpus, model or browser).
check: lint
	$(PY) -m pytest -q -m "not slow and not corpus and not model and not browser"

# The full question set against the baselines, on a fresh index: reports/eval/report.md with its plots.
eval: setup
	rm -rf reports/eval-index
	$(GMA) ingest $(CORPUS) --index reports/eval-index
	$(GMA) eval --questions evals/tune.jsonl --index reports/eval-index --report reports/eval-tune
	$(GMA) eval --questions evals/holdout.jsonl --index reports/eval-index --report reports/eval-holdout

bench: setup
	$(PY) benchmarks/ingest.py --corpus $(CORPUS) --runs 3
	$(PY) benchmarks/latency.py --corpus $(CORPUS)

# Cold start of `gma ask` / `gma search` / `gma search --phrase`, each a new process, over the index of `make index`.
bench-cli: index
	$(PY) benchmarks/cli.py --index $(INDEX) --runs 7

scale: setup
	$(PY) benchmarks/scale.py --corpus $(CORPUS) --scales 1 50

clean:
	rm -rf $(INDEX) build *.egg-info .pytest_cache
