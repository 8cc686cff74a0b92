# newsingest — set-up and run targets. `make run` and `make test` work on a fresh machine.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install stack-up stack-down run test test-unit test-integration lint schemas clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

stack-up: install
	$(BIN)/newsingest stack up

stack-down: install
	$(BIN)/newsingest stack down

run: stack-up
	mkdir -p inbox
	$(BIN)/newsingest run --inbox ./inbox

test: stack-up
	$(BIN)/ruff check .
	$(BIN)/pytest -q -ra

test-unit: install
	$(BIN)/pytest -q -ra tests/unit

test-integration: stack-up
	$(BIN)/pytest -q -ra tests/integration

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

schemas: install
	$(BIN)/newsingest schemas write

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
