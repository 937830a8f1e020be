# Two commands a fresh machine needs:  make serve  and  make test
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
export FLASK_APP := api

.PHONY: serve test fuzz load lint typecheck sdk-check bench seed clean clean-db edge edge-test bench-edge

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

serve: $(VENV)/.installed  ## set up, seed an empty database, serve on 127.0.0.1:5000 with the worker
	bash scripts/ensure-nginx.sh  # the production server's front (api/front.py)
	$(BIN)/flask seed --if-empty
	PATH="$(CURDIR)/$(BIN):$$PATH" HOST=$(HOST) \
		FLASK_PUBLIC_BASE_URL=$${FLASK_PUBLIC_BASE_URL:-http://$(HOST):$(PORT)} \
		$(BIN)/honcho start --port $(PORT) -f Procfile

test: $(VENV)/.installed  ## set up with dev tools, lint, type-check, run the suite, check the TypeScript SDK
	$(BIN)/ruff check api tests bench scripts
	$(BIN)/ruff format --check api tests bench scripts
	$(BIN)/mypy api
	bash scripts/ensure-chromium.sh  # the reader page's browser test; Debian's chromium
	bash scripts/ensure-nginx.sh  # tests/test_server.py runs the Procfile's web: (nginx + granian)
	$(BIN)/pytest -n auto
	$(MAKE) sdk-check

sdk-check:  ## TypeScript SDK: npm ci, types in step with openapi.yaml, tsc --strict over the examples
	bash clients/typescript/check.sh

fuzz: $(VENV)/.installed  ## heavier fuzzing (HTTP, stateful writes, importer), SIGKILLs, then make load
	# Each fuzz module appends "N phase" (reads, writes, stateful) for the schemathesis cases it ran.
	# Sizes measured on 2 cores: reads at 500 examples an operation ran 16,184 cases in 13 min
	# (2,000 would take hours); stateful past ~30 scenarios grew to 10-18 GB, so 20 (1 GB).
	cases=$$(mktemp); status=0; export FUZZ_COUNT_FILE=$$cases; \
		FUZZ_EXAMPLES=500 $(BIN)/pytest -n auto tests/test_fuzz.py || status=$$?; \
		FUZZ_WRITE_EXAMPLES=150 FUZZ_STATEFUL_EXAMPLES=20 IMPORT_FUZZ_EXAMPLES=5000 CRASH_KILLS=8 CRASH_DOCUMENTS=800 \
		$(BIN)/pytest -n auto tests/test_fuzz_stateful.py tests/test_import_fuzz.py \
		tests/test_crash.py || status=$$?; \
		awk '{n += $$1; by[$$2] += $$1} END {for (p in by) print by[p] " " p; print n " schemathesis cases run"}' \
		$$cases; rm -f $$cases; exit $$status
	$(MAKE) load

load: $(VENV)/.installed  ## 200 readers and 20 writers for 30 s against the Procfile's server
	$(BIN)/python scripts/load.py

bench: $(VENV)/.installed  ## speed against Datasette and nginx in one run (ARTICLES=100000: scale)
	@command -v wrk >/dev/null && test -x /usr/sbin/nginx || \
		{ $$( [ "$$(id -u)" = 0 ] || echo sudo ) apt-get update -qq && \
		  $$( [ "$$(id -u)" = 0 ] || echo sudo ) apt-get install -y -qq --no-install-recommends wrk nginx-light; }
	$(BIN)/pip install --quiet -e ".[bench]"
	ARTICLES=$${ARTICLES:-10000} $(BIN)/python bench/run.py

seed: $(VENV)/.installed
	$(BIN)/flask seed

lint: $(VENV)/.installed
	$(BIN)/ruff check api tests bench scripts
	$(BIN)/ruff format --check api tests bench scripts

typecheck: $(VENV)/.installed
	$(BIN)/mypy api

clean:  ## remove the virtualenv and caches; the database stays (see clean-db)
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache .hypothesis .schemathesis clients/typescript/node_modules
	@echo "Kept the database in instance/ (make clean-db deletes it)."

clean-db:  ## delete the working database (instance/), after saying so
	@echo "Deleting instance/ and the content database in it."
	rm -rf instance

# Scaling out (README): primary + Litestream + two read replicas + Varnish, on loopback ------
edge: $(VENV)/.installed  ## the whole edge on 127.0.0.1 (EDGE_PORT=8080, EDGE_PORTS=free); installs Varnish if missing
	$(BIN)/pip install --quiet -e ".[edge]"
	bash scripts/ensure-varnish.sh
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python scripts/edge.py

edge-test: $(VENV)/.installed  ## publish, edit, delete, previews and cookies through the real edge (slow)
	$(BIN)/pip install --quiet -e ".[edge]"
	bash scripts/ensure-varnish.sh
	PATH="$(CURDIR)/$(BIN):$$PATH" EDGE_TEST=1 $(BIN)/pytest -p no:xdist -s tests/edge

bench-edge: $(VENV)/.installed  ## hot reads through Varnish vs nginx, hit ratio, replication lag, purges per write
	@command -v wrk >/dev/null && test -x /usr/sbin/nginx || \
		{ $$( [ "$$(id -u)" = 0 ] || echo sudo ) apt-get update -qq && \
		  $$( [ "$$(id -u)" = 0 ] || echo sudo ) apt-get install -y -qq --no-install-recommends wrk nginx-light; }
	$(BIN)/pip install --quiet -e ".[edge]"
	bash scripts/ensure-varnish.sh
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python bench/edge.py
