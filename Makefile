# nextsteps: `make run` serves the demo school; `make test` runs every check.
PYTHON ?= python3
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: run test setup install lint typecheck unit browser clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@# Bytecode, as installing from a wheel compiles it: start-up is part of a command's time.
	$(BIN)/python -m compileall -q src/nextsteps > /dev/null
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

install: $(STAMP)

setup: install
	$(BIN)/nextsteps migrate --noinput
	$(BIN)/nextsteps demo

run: setup
	@echo "nextsteps is starting on http://127.0.0.1:$(PORT) (Ctrl+C to stop)"
	$(BIN)/nextsteps serve --host 127.0.0.1 --port $(PORT)

lint: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/djlint src/nextsteps --lint --quiet
	$(BIN)/lint-imports --no-cache

typecheck: install
	$(BIN)/mypy

unit: install
	$(BIN)/nextsteps makemigrations --check --dry-run
	$(BIN)/pytest -m "not browser" -n 2

# Two workers, each with its own live server and database; a file's journeys stay together.
browser: install
	$(BIN)/pytest -m browser -n 2 --dist loadfile

test: lint typecheck unit browser

clean:
	rm -rf $(VENV) var
