# Two commands a fresh machine needs:  make serve  and  make test
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
export FLASK_APP := api

.PHONY: serve test fuzz lint bench seed clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

serve: $(VENV)/.installed  ## set up, seed an empty database, serve on 127.0.0.1:5000
	$(BIN)/flask seed --if-empty
	PATH="$(CURDIR)/$(BIN):$$PATH" HOST=$(HOST) PORT=$(PORT) sh -c "exec $$(sed -n 's/^web: *//p' Procfile)"

test: $(VENV)/.installed  ## set up with dev tools, lint, run the test suite
	$(BIN)/ruff check api tests bench
	$(BIN)/pytest -n auto

fuzz: $(VENV)/.installed  ## heavier schemathesis run over every operation
	FUZZ_EXAMPLES=2000 $(BIN)/pytest -n auto tests/test_fuzz.py

bench: $(VENV)/.installed  ## speed against Datasette and nginx in one run (ARTICLES=100000: scale)
	@command -v wrk >/dev/null && test -x /usr/sbin/nginx || \
		$$( [ "$$(id -u)" = 0 ] || echo sudo ) apt-get install -y --no-install-recommends wrk nginx-light
	$(BIN)/pip install --quiet -e ".[bench]"
	ARTICLES=$${ARTICLES:-10000} $(BIN)/python bench/run.py

seed: $(VENV)/.installed
	$(BIN)/flask seed

lint: $(VENV)/.installed
	$(BIN)/ruff check api tests bench
	$(BIN)/ruff format --check api tests bench

clean:
	rm -rf $(VENV) instance .pytest_cache
