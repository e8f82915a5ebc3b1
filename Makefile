# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
export FLASK_APP := wsgi

.PHONY: run test test-fast browser lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall when pyproject.toml changes.
$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed-run

run: $(VENV)/.installed-run
	$(BIN)/flask db upgrade
	$(BIN)/flask seed-demo
	@echo
	@echo "  Lookfor is running at http://$(HOST):$(PORT)/"
	@echo "  Demo login: demo@lookfor.test / lookfor-demo"
	@echo
	$(BIN)/gunicorn --bind $(HOST):$(PORT) --workers 2 --threads 4 --access-logfile - --logger-class app.logs.RedactingLogger wsgi:app

browser: $(VENV)/.installed-test
	@sh scripts/ensure-chromium $(BIN)

test: $(VENV)/.installed-test browser
	$(BIN)/ruff check .
	$(BIN)/pytest

# Everything but the browser tests: a quick loop while editing server code.
test-fast: $(VENV)/.installed-test
	$(BIN)/pytest -m "not browser"

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .

bench: $(VENV)/.installed-test browser
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .ruff_cache
