# Two commands set up a bare machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
export PLIMSOLL_TEST_DATABASE_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test

.PHONY: demo test lint install system-deps postgres bench clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip setuptools wheel
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) system-deps

# The reference venv of tests/reference (sagemaker 2.199, smclarify 0.5, shap 0.46): a full,
# resolved closure installed with --no-deps (no resolver run, smclarify without s3fs), rebuilt
# only when the pins change. PyPI is needed here only; the tests run it offline.
REF_VENV  := .venvs/clarify-ref
REF_PINS  := tests/reference/requirements.txt
REF_STAMP := $(REF_VENV)/.pins-stamp

.PHONY: clarify-ref
clarify-ref: $(REF_STAMP)

$(REF_STAMP): $(REF_PINS)
	rm -rf $(REF_VENV)
	$(PYTHON) -m venv $(REF_VENV)
	$(REF_VENV)/bin/pip install --quiet --upgrade pip
	$(REF_VENV)/bin/pip install --quiet --no-deps -r $(REF_PINS)
	cp $(REF_PINS) $(REF_STAMP)

# bubblewrap gives each job host its own /opt/ml, /tmp and a read-only view of the rest.
system-deps:
	@command -v bwrap >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get update -qq && apt-get install -y -qq bubblewrap) >/dev/null; \
	  else echo "bubblewrap missing: install it (apt-get install bubblewrap) or set PLIMSOLL_SANDBOX=none"; fi; }

postgres:
	@pg_isready -q -h 127.0.0.1 -p 5432 || { \
	  pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start && \
	  for i in 1 2 3 4 5 6 7 8 9 10; do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done; }

demo: install
	$(BIN)/python examples/demo.py
	$(BIN)/python examples/model_quality.py

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks tools examples
	$(BIN)/ruff format --check src tests benchmarks tools examples
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache
	$(BIN)/python tools/gen_shapes.py --check
	$(BIN)/python tools/check_module_size.py

test: install postgres lint clarify-ref
	$(BIN)/pytest -m "not gpu" -p no:cacheprovider

bench: install
	@command -v wrk >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq wrk) >/dev/null
	cd benchmarks && ../$(BIN)/python bench_processing_overhead.py
	cd benchmarks && ../$(BIN)/python bench_staging.py
	cd benchmarks && ../$(BIN)/python bench_serving.py
	cd benchmarks && ../$(BIN)/python bench_model_monitor.py
	cd benchmarks && ../$(BIN)/python bench_model_quality.py
	cd benchmarks && ../$(BIN)/python bench_clarify.py
	cd benchmarks && ../$(BIN)/python bench_spark.py
	cd benchmarks && ../$(BIN)/python bench_distributed.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
