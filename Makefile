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

.PHONY: demo test install services bench translations kiosk kiosk-disable flask

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

# Register a kiosk and print its activation link as a full URL (opened once on the kiosk):
#   make kiosk NAME=江川路受理中心 [LOCATION=…] [HOST=… PORT=…]; FEEDBACK_PUBLIC_URL wins if set.
kiosk: install
	@test -n "$(NAME)" || { echo 'usage: make kiosk NAME=<kiosk name> [LOCATION=<where>]'; exit 2; }
	FEEDBACK_HOST=$(HOST) FEEDBACK_PORT=$(PORT) $(FLASK) kiosk register "$(NAME)" --location "$(LOCATION)"

kiosk-disable: install
	@test -n "$(ID)" || { echo 'usage: make kiosk-disable ID=<kiosk id>'; exit 2; }
	$(FLASK) kiosk disable $(ID)

# Any other command without activating the venv: make flask ARGS='routes'
flask: install
	$(FLASK) $(ARGS)

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
