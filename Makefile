# Präventionsatlas – two commands on a fresh Debian machine with Python 3.11:
#   make run    set everything up and start the app on the shipped demo workspace
#   make test   set everything up (incl. Debian's Chromium, PostgreSQL 15 + PostGIS 3) and run every test
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 8501
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
CHROMIUM ?= /usr/bin/chromium
SETUPTOOLS := 80.9.0# builds the editable install of the package (the `praeventionsatlas` command)

.PHONY: run test lint setup setup-dev browser database demo vendor bench clean

run: setup
	$(BIN)/python -m dashboard serve --server.port $(PORT)

test: setup-dev browser database lint
	$(BIN)/python -m pytest

# Style and the package's layer contract (pyproject.toml: [tool.ruff], [tool.importlinter]).
lint: setup-dev
	$(BIN)/ruff check dashboard pages tests benchmarks
	$(BIN)/lint-imports

setup: $(VENV)/.runtime

setup-dev: $(VENV)/.dev

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV) || { $(SUDO) apt-get update && $(SUDO) apt-get install -y python3-venv && $(PYTHON) -m venv $(VENV); }
	$(BIN)/python -m pip install --quiet --upgrade pip

# The pinned dependencies, then the package itself (editable, no further downloads): the
# command `praeventionsatlas` (e.g. `praeventionsatlas build rezept.toml --out stadt.gpkg`)
# works from any folder.
$(VENV)/.runtime: requirements.txt pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install --quiet -r requirements.txt setuptools==$(SETUPTOOLS)
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install --quiet -r requirements-dev.txt setuptools==$(SETUPTOOLS)
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	touch $(VENV)/.runtime $@

# Debian's Chromium for the browser tests and poppler-utils (pdftoppm) for the PDF tests.
browser:
	@{ [ -x $(CHROMIUM) ] && command -v pdftoppm >/dev/null; } || { $(SUDO) apt-get update && \
		$(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y chromium poppler-utils; }

# Debian's PostgreSQL 15 and PostGIS 3 for the database back end's tests (each test run starts its own
# throwaway server in a temporary folder; nothing is configured system-wide).
PG_BIN ?= /usr/lib/postgresql/15/bin
database:
	@{ [ -x $(PG_BIN)/initdb ] && [ -f /usr/share/postgresql/15/extension/postgis.control ]; } || { \
		$(SUDO) apt-get update && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql-15 \
		postgresql-15-postgis-3; }

# Regenerate the shipped fictional demo workspace (deterministic).
demo: setup
	$(BIN)/python -m dashboard demo --out geodata/demo_city.gpkg

# Re-fetch the pinned map libraries into dashboard/app/static/vendor (needs npm).
vendor: setup
	$(BIN)/python -m dashboard vendor

clean:
	rm -rf $(VENV) tests/artifacts .pytest_cache
