"""Shared facts about the book for the tests: where things are, which pages exist, the built site."""

import functools
import http.server
import os
import subprocess
import sys
import threading
from pathlib import Path

import jupytext
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())


def toc_files():
    """Every file entry of _toc.yml, in reading order, as paths relative to the repo root (no suffix)."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    entries = [toc["root"]]

    def walk(items):
        for item in items or []:
            if "file" in item:
                entries.append(item["file"])
            walk(item.get("sections"))

    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    walk(toc.get("chapters"))
    return entries


def is_notebook(md_path):
    """A MyST notebook is a .md whose jupytext header names the myst format."""
    text = Path(md_path).read_text()
    return text.startswith("---") and "format_name: myst" in text.split("\n---", 1)[0]


def toc_notebooks():
    """The toc entries that are MyST notebooks (paired with an .ipynb), as repo-relative paths without suffix."""
    return [entry for entry in toc_files() if (ROOT / f"{entry}.md").exists() and is_notebook(ROOT / f"{entry}.md")]


def book_notebook_mds():
    return sorted(p for p in (ROOT / "book").glob("*.md") if is_notebook(p))


def code_cells(path):
    return [cell.source for cell in jupytext.read(path).cells if cell.cell_type == "code"]


def run(command, cwd=ROOT, extra_env=None, **kwargs):
    """Run a command (from the repo root unless told) with the venv's tools first on PATH and any extra
    environment variables; return the CompletedProcess."""
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", **(extra_env or {}))
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, **kwargs)


@pytest.fixture(scope="session")
def clean_build(tmp_path_factory):
    """A clean build of the whole book into a fresh directory, exactly as the quality bar asks:
    `jupyter-book build --all -W -n --keep-going`. Returns (CompletedProcess, html directory)."""
    out = tmp_path_factory.mktemp("clean-build")
    result = run([str(BIN / "jupyter-book"), "build", "--all", "-W", "-n", "--keep-going", "--path-output", str(out), "."])
    return result, out / "_build" / "html"


@pytest.fixture(scope="session")
def site(clean_build):
    """The clean build served on 127.0.0.1 (a random free port); yields the base URL."""
    result, html = clean_build
    if result.returncode != 0:
        pytest.fail("the clean build failed, so there is no site to check:\n" + result.stdout[-3000:] + result.stderr[-3000:])
    handler = functools.partial(QuietHandler, directory=str(html))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


CHROMIUM = Path("/usr/bin/chromium")
# The flags keep Chromium from phoning home (there is no network here, and no request may leave the machine).
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium, driven by Playwright (its own browser download needs a network)."""
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: `make test` installs it (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()
