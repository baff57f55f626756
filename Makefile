# Approdo: `make demo` runs the site with demo data, `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
BOUNDARIES ?= $(wildcard ../shared/data/toscana_comuni.geojson)
CHROMIUM ?= /usr/bin/chromium

.PHONY: demo test install lint messages check serve clean

$(STAMP): pyproject.toml package-lock.json
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	npm ci --no-audit --no-fund --loglevel=error
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	DEBUG=1 $(BIN)/approdo migrate --no-input
	DEBUG=1 $(BIN)/approdo createcachetable
	DEBUG=1 $(BIN)/approdo demo $(if $(BOUNDARIES),--boundaries $(BOUNDARIES))
	DEBUG=1 $(BIN)/approdo runserver $(HOST):$(PORT)

test: $(STAMP)
	$(BIN)/ruff check src tests bench conftest.py
	$(BIN)/ruff format --check src tests bench conftest.py
	$(BIN)/lint-imports
	SECRET_KEY=check $(BIN)/approdo makemigrations --check --dry-run
	SECRET_KEY=check $(BIN)/approdo check
	$(BIN)/python scripts/check_catalogue.py
	SECRET_KEY=test-only APPRODO_CHROMIUM=$(CHROMIUM) $(BIN)/pytest -q

lint: $(STAMP)
	$(BIN)/ruff check --fix src tests bench conftest.py
	$(BIN)/ruff format src tests bench conftest.py

messages: $(STAMP)
	cd src/approdo && DEBUG=1 ../../$(BIN)/approdo makemessages -l it -l en -l fr -l ar --no-obsolete --no-location --ignore 'tests/*' --ignore '*/tests/*'
	cd src/approdo && DEBUG=1 ../../$(BIN)/approdo compilemessages

clean:
	rm -rf $(VENV) node_modules var
