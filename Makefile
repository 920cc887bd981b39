# make book  - set everything up, execute every notebook and build the site into _build/html
# make test  - set everything up (browser and axe-core included) and run every test
# make notebooks - write what is generated from book/*.md: shared cells (book/_shared), the reader notebooks
#                  book/*.ipynb (Colab, Binder, downloads) and the student editions student/*.ipynb
# make linkcheck - check the external links of the site (needs a network: not part of make test)
# make test-torch TORCH=2.6.0 - run every reader notebook and student edition as Colab would, on that torch
#                  from PyPI, in a throw-away venv of about 5.5 GB under /tmp (not part of make test)
# make grade NOTEBOOK=path - run a student's completed notebook and print a table: exercise, passed or not, hint
# make grade-class FOLDER=path CSV=grades.csv - grade a folder: a CSV row per exercise, and <CSV>-summary.csv
#                  with a row per student (points, maximum, percent) for a gradebook
# make lighthouse - Lighthouse mobile scores and page weights of the built site (a benchmark, not a test)
# make pdf   - print the built site (make book first, done for you) to one PDF, _build/pdf/book.pdf
# make site  - what a web host serves, all in _build/html: the site, the PDF (linked from the home page)
#              and the reader notebooks (_build/html/notebooks/)
# make clean - remove the build output (keeps .venv)

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: book test notebooks linkcheck lighthouse test-torch grade grade-class pdf site clean setup setup-test

book: setup
	@# KaTeX typesets the math at build time, with node
	@command -v node >/dev/null || { $(SUDO) apt-get update && $(SUDO) apt-get install -y nodejs; }
	$(BIN)/jupyter-book build -W -n --keep-going .
	@echo "The book is at $(CURDIR)/_build/html/index.html"

test: setup-test
	@# TEST_PREBUILT_SITE (tests/conftest.py) skips the clean build: never in make test
	env -u TEST_PREBUILT_SITE $(BIN)/python -m pytest

notebooks: setup
	$(BIN)/python tools/notebooks.py

# Sphinx's linkcheck over the built pages. It needs a network, so it is not part of `make test`.
linkcheck: setup
	$(BIN)/jupyter-book build --builder linkcheck .

# Compatibility run on another torch, e.g. `make test-torch TORCH=2.6.0` (the minimum the README states) or
# the newest release. It is not part of `make test`: the venv is throw-away and large. It lives outside the
# repo, at /tmp/torch-venvs/$(TORCH), is reused by the next run with the same TORCH, and is deleted by hand
# (rm -rf /tmp/torch-venvs). PyPI's Linux torch wheels are CUDA builds that pull in the nvidia-* wheels:
# about 5.5 GB per venv and a few minutes to install, though the notebooks run on the CPU. The venv gets
# exactly torch==$(TORCH) plus what a Colab runtime has besides it (numpy, matplotlib, scipy, scikit-learn,
# ipykernel) and
# what tools/run_like_colab.py needs (nbclient, nbformat); none of the build's packages.
# PIP_CONFIG_FILE=/dev/null makes that venv's pip ignore the pip configuration files of this machine,
# which cap torch (through a constraints file) below the newest release on PyPI; it is set for this
# venv's pip only, never for the project's .venv, which needs that configuration.
TORCH_VENV := /tmp/torch-venvs/$(TORCH)
test-torch:
	@[ -n "$(TORCH)" ] || { echo "Say which torch, e.g. make test-torch TORCH=2.6.0"; exit 2; }
	@$(PYTHON) -c 'import ensurepip, venv' 2>/dev/null || { $(SUDO) apt-get update && $(SUDO) apt-get install -y python3-venv; }
	@[ -x $(TORCH_VENV)/bin/python ] || $(PYTHON) -m venv $(TORCH_VENV)
	PIP_CONFIG_FILE=/dev/null $(TORCH_VENV)/bin/python -m pip install --quiet \
		"torch==$(TORCH)" numpy matplotlib scipy scikit-learn ipykernel nbclient nbformat
	$(TORCH_VENV)/bin/python -c 'import torch; print("torch", torch.__version__, "from", torch.__file__)'
	$(TORCH_VENV)/bin/python tools/run_like_colab.py --jobs 2 book/*.ipynb student/*.ipynb

# Grade one notebook: it runs in a fresh kernel from an empty folder, errors allowed (see tools/grade.py;
# add --json for machines: $(BIN)/python tools/grade.py --json path).
grade: setup
	@[ -n "$(NOTEBOOK)" ] || { echo "Say which notebook, e.g. make grade NOTEBOOK=homework/jacobians_by_loop.ipynb"; exit 2; }
	$(BIN)/python tools/grade.py "$(NOTEBOOK)"

# Grade a whole class: FOLDER/<student>.ipynb or FOLDER/<student>/<chapter>.ipynb -> CSV rows
# student, chapter, exercise, title, points, message; beside it <CSV name>-summary.csv, one row per student
# (points per chapter, total, maximum, percent) for a gradebook (see tools/grade.py).
grade-class: setup
	@[ -n "$(FOLDER)" ] || { echo "Say which folder, e.g. make grade-class FOLDER=submissions CSV=grades.csv"; exit 2; }
	$(BIN)/python tools/grade.py --batch "$(FOLDER)" --csv "$(or $(CSV),grades.csv)"

# Lighthouse (npm, pinned in package.json) audits the home page and three chapters of the built site in
# Debian's Chromium with its mobile emulation, three runs each (median); exits 1 if a target of issue 16 is
# missed. A benchmark, not part of `make test`: its scores move with the machine's load.
lighthouse: book node_modules/.installed /usr/bin/chromium
	$(BIN)/python tools/lighthouse.py _build/html

# The printable book: Chromium (Debian's, through Playwright from requirements-test.txt) prints every page
# of _toc.yml from the built site, offline; pypdf merges them with one bookmark per chapter.
pdf: book $(VENV)/.installed-test /usr/bin/chromium
	$(BIN)/python tools/make_pdf.py _build/html _build/pdf/book.pdf

# What a host serves (GitHub Pages: publish _build/html): the site; the PDF at the site's root, where the home
# page links it (book/intro.md; tests/test_reader_view.py checks the link and this recipe); and the reader
# notebooks (book/*.ipynb, as committed: `make notebooks` writes them) for download.
SITE_PDF := jacobians-hessians-and-more.pdf
site: book $(VENV)/.installed-test /usr/bin/chromium
	$(BIN)/python tools/make_pdf.py _build/html _build/html/$(SITE_PDF)
	mkdir -p _build/html/notebooks
	cp book/*.ipynb _build/html/notebooks/
	@echo "Publish $(CURDIR)/_build/html (the PDF is _build/html/$(SITE_PDF))"

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
