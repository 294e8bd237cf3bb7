# One command to run the hub, one to test it, on a fresh Debian machine as root.
#   make serve   set up, build and serve the hub at http://127.0.0.1:8000
#   make test    set up (Debian's chromium, postgresql, nginx and systemd-analyze included), lint, and run every test
#   make lint    ruff (lint and format check) and mypy, with the settings in pyproject.toml
# MkDocs runs with NO_MKDOCS_2_WARNING set, which silences the notice Material
# prints whenever MkDocs starts (see the README).

VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: setup serve preview build check lint test chromium postgresql deploy-tools clean

# Debian's python3 needs python3-venv before it can make a virtual environment.
$(BIN)/python:
	@$(PYTHON) -c 'import ensurepip, venv' 2>/dev/null || \
	  (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y python3-venv)
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

setup: $(VENV)/.installed

serve: setup
	NO_MKDOCS_2_WARNING=true $(BIN)/cohub serve --host $(HOST) --port $(PORT)

preview: setup
	NO_MKDOCS_2_WARNING=true $(BIN)/mkdocs serve --dev-addr $(HOST):$(PORT)

build: setup
	NO_MKDOCS_2_WARNING=true $(BIN)/cohub build

check: setup
	$(BIN)/cohub check

chromium:
	@command -v chromium >/dev/null 2>&1 || \
	  (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium)

# The comment store's tests run on a throwaway PostgreSQL cluster too (tests/postgres_cluster.py).
postgresql:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || \
	  (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# The deployment tests run the sample nginx configuration and check the sample
# systemd units (deploy/). Installing nginx does not start it where systemd is
# not running; elsewhere it is stopped and disabled again, so it holds no port.
deploy-tools:
	@command -v nginx >/dev/null 2>&1 || PATH="$$PATH:/usr/sbin" command -v nginx >/dev/null 2>&1 || \
	  (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y nginx && \
	   (systemctl disable --now nginx 2>/dev/null || true))
	@command -v systemd-analyze >/dev/null 2>&1 || \
	  (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y systemd)

test: lint chromium postgresql deploy-tools
	NO_MKDOCS_2_WARNING=true $(BIN)/python -m pytest

clean:
	rm -rf site $(VENV)
