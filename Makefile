# The two commands of the README:
#   make demo   install everything, load the demo district, serve web + worker
#   make test   install everything, make sure Redis/PostgreSQL/Chromium are there, run all tests
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app feedback
TEST_DATABASE_URL ?= postgresql+psycopg://postgres:postgres@127.0.0.1:5432/test
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: demo test install services bench translations

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(BIN)/.installed

demo: install
	$(FLASK) init-db
	$(FLASK) seed-demo
	$(FLASK) serve --host $(HOST) --port $(PORT)

services:
	bash .ci/ensure-services

test: install services
	FEEDBACK_TEST_DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/pytest $(PYTEST_ARGS)

bench: install
	$(BIN)/python bench/synthesis.py
	$(BIN)/python bench/search.py
	$(BIN)/python bench/small_issues.py

translations: install
	bash feedback/translations/update.sh
