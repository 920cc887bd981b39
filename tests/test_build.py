"""A clean build of the whole book (--all, fresh output directory, -W -n --keep-going) succeeds with no warning,
and the launch buttons of every notebook page open a notebook that exists in this repository."""

import json
import re
from urllib.parse import unquote

import pytest

from conftest import CONFIG, ROOT, toc_files, toc_notebooks


def test_clean_build_has_no_warnings(clean_build):
    result, html = clean_build
    log = result.stdout + result.stderr
    warnings = [line for line in log.splitlines() if "WARNING" in line and "Kernel is running over TCP" not in line]
    assert result.returncode == 0 and not warnings, (
        f"jupyter-book build --all -W -n --keep-going exited {result.returncode} with {len(warnings)} warnings:\n"
        + "\n".join(warnings[:30]) + "\n" + log[-3000:]
    )
    assert (html / "index.html").exists()


@pytest.mark.parametrize("page", toc_files())
def test_every_toc_page_is_built(page, clean_build):
    _, html = clean_build
    assert (html / f"{page}.html").exists(), f"{page} is in _toc.yml but {page}.html was not built"


def launch_links(html_text):
    colab = re.findall(r'href="(https://colab\.research\.google\.com/github/[^"]+)"', html_text)
    binder = re.findall(r'href="(https://mybinder\.org/v2/gh/[^"]+)"', html_text)
    return colab, binder


@pytest.mark.parametrize("chapter", toc_notebooks())
def test_launch_buttons_open_the_paired_notebook(chapter, clean_build):
    _, html = clean_build
    text = (html / f"{chapter}.html").read_text()
    colab, binder = launch_links(text)
    assert colab and binder, f"{chapter}.html has no Colab or Binder launch link"
    repo = CONFIG["repository"]["url"].removeprefix("https://github.com/").strip("/")
    branch = CONFIG["repository"]["branch"]
    for link in colab:
        prefix = f"https://colab.research.google.com/github/{repo}/blob/{branch}/"
        assert link.startswith(prefix), f"Colab link {link} does not point at {prefix} (repository.url/branch in _config.yml)"
        path = unquote(link.removeprefix(prefix))
        assert path.endswith(".ipynb") and (ROOT / path).is_file(), f"Colab link {link}: {path} is not a notebook in this repo"
    for link in binder:
        prefix = f"https://mybinder.org/v2/gh/{repo}/{branch}?urlpath="
        assert link.startswith(prefix), f"Binder link {link} does not point at {prefix}"
        path = unquote(link.removeprefix(prefix))
        assert path.startswith("lab/tree/"), f"Binder link {link} does not open JupyterLab (launch_buttons.notebook_interface)"
        path = path.removeprefix("lab/tree/")
        assert path.endswith(".ipynb") and (ROOT / path).is_file(), f"Binder link {link}: {path} is not a notebook in this repo"


@pytest.mark.parametrize("chapter", toc_notebooks())
def test_download_offers_the_notebook(chapter, clean_build):
    _, html = clean_build
    text = (html / f"{chapter}.html").read_text()
    name = chapter.rsplit("/", 1)[-1]
    assert re.search(rf'href="[^"]*{re.escape(name)}\.ipynb"', text), f"{chapter}.html offers no .ipynb download"
    assert re.search(rf'href="[^"]*{re.escape(name)}\.md"', text), f"{chapter}.html offers no .md download"


@pytest.mark.parametrize("page", toc_files())
def test_repository_button_points_at_the_repository(page, clean_build):
    _, html = clean_build
    url = CONFIG["repository"]["url"]
    text = (html / f"{page}.html").read_text()
    assert re.search(rf'<a href="{re.escape(url)}"[^>]*title="Source repository"', text), (
        f"{page}.html has no repository button linking to {url} (html.use_repository_button in _config.yml)"
    )


def test_math_is_served_locally(clean_build):
    _, html = clean_build
    index = (html / "book" / "jacobians_by_loop.html").read_text()
    scripts = re.findall(r'<script[^>]+src="([^"]+)"', index)
    remote = [s for s in scripts if s.startswith(("http:", "https:", "//"))]
    assert not remote, f"pages load scripts from the network: {remote}"
    assert any("mathjax/tex-mml-chtml.js" in s for s in scripts), f"local MathJax not loaded; scripts: {scripts}"
    assert (html / "_static" / "mathjax" / "LICENSE").exists(), "MathJax's licence must ship beside it"


@pytest.mark.parametrize("chapter", toc_notebooks())
def test_reader_notebook_links_reach_built_pages(chapter, clean_build):
    """The reader notebook's links to the site (cross-references, glossary terms, citations) name pages and
    anchors that the build made: a glossary term or a section label that moves breaks them."""
    _, html = clean_build
    base = CONFIG["html"]["baseurl"].rstrip("/") + "/"
    notebook = json.loads((ROOT / f"{chapter}.ipynb").read_text())
    text = "\n".join(cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"]) for cell in notebook["cells"])
    links = set(re.findall(re.escape(base) + r"([^)\s#'\"]*)(?:#([^)\s'\"]+))?", text))
    assert links, f"{chapter}.ipynb links nowhere on the site"
    broken = []
    for page, anchor in sorted(links):
        target = html / (page or "index.html")
        if not target.is_file():
            broken.append(f"{page} (no such page)")
        elif anchor and f'id="{anchor}"' not in target.read_text():
            broken.append(f"{page}#{anchor} (no such anchor)")
    assert not broken, f"{chapter}.ipynb links to the site that lead nowhere: {broken}"
