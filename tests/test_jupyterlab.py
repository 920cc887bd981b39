"""The reader notebooks as a reader opens them in JupyterLab (what Binder and a local `jupyter lab` show),
checked in headless Chromium: every Markdown cell renders, no MyST syntax shows in the rendered text, the
math is typeset, and the set-up cells, solutions and measured paragraphs are folded. (Colab cannot run
here; it renders the same Markdown, and reads the folds from the `cellView` metadata that the generator
writes beside JupyterLab's.)"""

import json
import os
import re
import shutil
import socket
import subprocess
import time
import urllib.request

import pytest

from conftest import BIN, ROOT

CHAPTERS = ["jacobians_by_loop", "hessians_and_hvp"]  # the first chapter, and one rich in math and exercises
MYST_LEFT = re.compile(r"\{(?:term|doc|ref|cite(?::\w+)?|glue(?::\w+)?|exercise-start|solution-start|note)\}")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    root = tmp_path_factory.mktemp("lab-root")
    for chapter in CHAPTERS:
        shutil.copy(ROOT / "book" / f"{chapter}.ipynb", root)
    settings = tmp_path_factory.mktemp("lab-settings")
    tracker = settings / "@jupyterlab" / "notebook-extension"
    tracker.mkdir(parents=True)
    # every cell in the page at once (the default attaches only the cells in view), so all can be checked
    (tracker / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    news = settings / "@jupyterlab" / "apputils-extension"
    news.mkdir(parents=True)
    (news / "notification.jupyterlab-settings").write_text(json.dumps({"fetchNews": "false", "checkForUpdates": False}))
    port = free_port()
    env = dict(os.environ, JUPYTER_DATA_DIR=str(tmp_path_factory.mktemp("jupyter-data")))
    server = subprocess.Popen(
        [str(BIN / "jupyter-lab"), "--allow-root", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
         "--IdentityProvider.token=", "--ServerApp.password=", f"--ServerApp.root_dir={root}",
         f"--LabApp.user_settings_dir={settings}", "--LabApp.news_url=", "--ServerApp.open_browser=False"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            urllib.request.urlopen(f"{url}/api/status", timeout=1)
            break
        except OSError:
            if server.poll() is not None:
                pytest.fail("jupyter lab did not start:\n" + server.stderr.read()[-3000:])
            time.sleep(0.5)
    yield url
    server.terminate()
    server.wait(timeout=30)


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_reader_notebook_reads_cleanly_in_jupyterlab(chapter, lab, browser):
    notebook = json.loads((ROOT / "book" / f"{chapter}.ipynb").read_text())
    markdown_cells = sum(cell["cell_type"] == "markdown" for cell in notebook["cells"])
    folded = sum(cell["metadata"].get("jupyter", {}).get("source_hidden", False) for cell in notebook["cells"])
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        # a workspace of its own, so that no notebook opened earlier shares the page
        page.goto(f"{lab}/lab/workspaces/{chapter}/tree/{chapter}.ipynb?reset", wait_until="load")
        page.wait_for_function(
            f"() => document.querySelectorAll('.jp-MarkdownCell .jp-RenderedMarkdown').length >= {markdown_cells}",
            timeout=60000,
        )
        page.wait_for_function("() => document.querySelectorAll('.jp-Notebook mjx-container').length > 0", timeout=30000)
        rendered = page.eval_on_selector_all(
            ".jp-MarkdownCell .jp-RenderedMarkdown", "nodes => nodes.map(n => n.innerText)")
        placeholders = page.locator(".jp-Notebook .jp-InputPlaceholder").count()
        raw_tex = page.eval_on_selector_all(
            ".jp-MarkdownCell .jp-RenderedMarkdown",
            "nodes => nodes.filter(n => { const c = n.cloneNode(true); c.querySelectorAll('code, pre, mjx-container, "
            "script').forEach(x => x.remove()); return /\\$\\$|\\\\frac|\\\\mathbb/.test(c.textContent); }).length")
    finally:
        context.close()
    assert len(rendered) == markdown_cells, f"{chapter}: {len(rendered)} of {markdown_cells} Markdown cells rendered"
    left = [m.group(0) for text in rendered for m in MYST_LEFT.finditer(text)]
    assert not left, f"{chapter}: MyST syntax shows as raw text in JupyterLab: {left[:10]}"
    assert raw_tex == 0, f"{chapter}: {raw_tex} Markdown cells show raw TeX: MathJax did not typeset them"
    assert folded and placeholders >= folded, f"{chapter}: {placeholders} folded inputs shown, {folded} cells are folded"
    assert not errors, f"{chapter}: page errors in JupyterLab: {errors[:5]}"
