# make book  - set everything up, execute every notebook and build the site into _build/html
# make test  - set everything up (browser and axe-core included) and run every test
# make pair  - regenerate each book/*.ipynb from its book/*.md (the .md is the file people edit)
# make clean - remove the build output (keeps .venv)

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: book test pair clean setup setup-test checker

book: setup
	$(BIN)/jupyter-book build -W -n --keep-going .
	@echo "The book is at $(CURDIR)/_build/html/index.html"

test: setup-test
	$(BIN)/python -m pytest

pair: setup
	$(BIN)/python tools/pair.py

clean:
	rm -rf _build

setup: $(VENV)/.installed

# A fresh Debian has python3 but may lack its venv module (package python3-venv).
$(VENV)/.installed: requirements.txt
	@$(PYTHON) -c 'import ensurepip, venv' 2>/dev/null || { $(SUDO) apt-get update && $(SUDO) apt-get install -y python3-venv; }
	@[ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

setup-test: $(VENV)/.installed-test node_modules/.installed /usr/bin/chromium

$(VENV)/.installed-test: $(VENV)/.installed requirements-test.txt
	$(BIN)/python -m pip install --quiet -r requirements-test.txt
	touch $@

# axe-core (the accessibility audit injected into each page by the browser test), pinned in package-lock.json.
node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { $(SUDO) apt-get update && $(SUDO) apt-get install -y nodejs npm; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Debian's Chromium for the browser test (Playwright's own browser download cannot work offline).
/usr/bin/chromium:
	$(SUDO) apt-get update
	$(SUDO) apt-get install -y chromium

# After editing tests/snippets/check_answer.py: paste it into every chapter and re-pair.
checker: setup
	$(BIN)/python tools/sync_check_answer.py
