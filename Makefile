# newsingest — set-up and run targets. `make run` and `make test` work on a fresh machine.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install stack-up stack-down run test test-unit test-integration lint generate clean node-tools kcat browser

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	$(BIN)/pip install --quiet --no-deps 'german-nouns>=1.2.5,<1.3'  # data only; see enrich/german_genders.py
	@touch $(STAMP)

install: $(STAMP)

stack-up: install
	$(BIN)/newsingest stack up

stack-down: install
	$(BIN)/newsingest stack down

run: stack-up
	mkdir -p inbox
	$(BIN)/newsingest run --inbox ./inbox

test: stack-up browser kcat node-tools
	$(BIN)/ruff check .
	$(BIN)/pytest -q -ra --durations=30

test-unit: install
	$(BIN)/pytest -q -ra tests/unit

test-integration: stack-up browser kcat node-tools
	$(BIN)/pytest -q -ra tests/integration

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

generate: install
	$(BIN)/newsingest-dev generate

# Node tools of the test suite (the AsyncAPI parser), pinned by package-lock.json.
node-tools: node_modules/.package-lock.json

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-fund --no-audit --ignore-scripts
	@touch $@

# kcat, for the kcat example consumer (examples/kcat) and its test.
kcat:
	@command -v kcat >/dev/null || (apt-get update -qq && apt-get install -y -qq kcat)

# Headless Chromium + chromedriver (Debian packages) for the search page's end-to-end test (tests/e2e).
browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null \
	  || (apt-get update -qq && apt-get install -y -qq -o DPkg::Lock::Timeout=600 chromium chromium-driver)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
