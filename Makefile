# Approdo: `make demo` runs the site with demo data, `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
BOUNDARIES ?= $(wildcard ../shared/data/toscana_comuni.geojson)
CHROMIUM ?= /usr/bin/chromium

# The Python packages are pinned in two lock files made by pip-tools from pyproject.toml:
# requirements.lock (what the site runs on, installed in the image) and requirements-test.lock
# (the same pins plus the test tools), which the development environment installs.
LOCK_RUNTIME := requirements.lock
LOCK_TEST := requirements-test.lock
PIP_COMPILE = $(BIN)/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links

.PHONY: demo test install lock lint messages check serve clean

$(STAMP): pyproject.toml $(LOCK_RUNTIME) $(LOCK_TEST) package-lock.json
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r $(LOCK_TEST)
	$(BIN)/pip install --quiet --no-deps -e .
	$(BIN)/pip check
	npm ci --no-audit --no-fund --loglevel=error
	touch $(STAMP)

install: $(STAMP)

# Pin again after a change to the dependencies in pyproject.toml; what is pinned and still
# allowed stays. `make lock LOCK_FLAGS=--upgrade` moves every pin to the newest allowed release.
lock: $(STAMP)
	$(BIN)/pip install --quiet pip-tools
	$(PIP_COMPILE) $(LOCK_FLAGS) -o $(LOCK_RUNTIME) pyproject.toml
	$(PIP_COMPILE) $(LOCK_FLAGS) --extra test --constraint $(LOCK_RUNTIME) -o $(LOCK_TEST) pyproject.toml

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
