"""A clean build of the whole book (--all, fresh output directory, -W -n --keep-going) succeeds with no warning,
and the launch buttons of every notebook page open a notebook that exists in this repository; the download
button serves the reader notebook; exercises carry the numbers the notebooks give them; math is typeset at
build time; pages are light (no fontawesome.js, no search index outside the search page) and carry a meta
description and Open Graph tags; the site has a sitemap, a robots.txt and a 404 page."""

import json
import re
import xml.etree.ElementTree as ElementTree
from urllib.parse import unquote, urljoin

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


def test_clean_build_renders_from_its_cache(clean_build):
    """Every chapter of _toc.yml was executed into the build's execution cache first (two at a time, by the
    test run's execution pool), and the build took each one from there: it only rendered. A chapter the
    build had to execute again means the cache key of tools/build_cache.py no longer matches myst-nb's."""
    result, _ = clean_build
    failed = {chapter: error[-1500:] for chapter, error in result.pre_executed.items() if error}
    assert not failed, f"chapters whose execution into the cache failed: {failed}"
    log = result.stdout + result.stderr
    executed = [chapter for chapter in toc_notebooks()
                if not re.search(rf"{re.escape(chapter)}\.md: Using cached notebook", log)]
    assert not executed and "Executing notebook" not in log, (
        f"the build executed {executed or 'a notebook'} itself instead of taking it from the cache")


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


@pytest.mark.parametrize("chapter", toc_notebooks())
def test_download_serves_the_reader_notebook(chapter, clean_build):
    """The download button's .ipynb is the reader notebook book/<chapter>.ipynb (what Colab opens), byte for
    byte, not the executed notebook the build makes from the .md (MyST syntax, raw in Jupyter)."""
    _, html = clean_build
    text = (html / f"{chapter}.html").read_text()
    name = chapter.rsplit("/", 1)[-1]
    links = [link for link in re.findall(rf'href="([^"#]*{re.escape(name)}\.ipynb)"', text)
             if not link.startswith(("http:", "https:"))]  # the launch buttons' links are checked above
    assert links, f"{chapter}.html offers no .ipynb download"
    for link in links:
        served = html / urljoin(chapter, link)
        assert served.is_file(), f"{chapter}.html links {link}, which the build did not write ({served})"
        assert served.read_bytes() == (ROOT / f"{chapter}.ipynb").read_bytes(), (
            f"{chapter}.html's download {link} is not the reader notebook {chapter}.ipynb "
            "(book/_ext/offline_site.py replaces the theme's copy)"
        )


def exercise_labels(md_path):
    """The labels of the chapter's exercises, in the order of their exercise-start fences."""
    labels = []
    for options in re.findall(r"^```\{exercise-start\}[^\n]*\n((?::[^\n]*\n)*)", md_path.read_text(), flags=re.M):
        label = re.search(r"^:label:\s*(\S+)", options, flags=re.M)
        labels.append(label.group(1) if label else None)
    return labels


def notebook_exercise_numbers(ipynb_path):
    """The numbers of the '### Exercise N' headings of a reader notebook, in order."""
    notebook = json.loads(ipynb_path.read_text())
    numbers = []
    for cell in notebook["cells"]:
        source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            numbers += [int(n) for n in re.findall(r"^### Exercise (\d+)", source, flags=re.M)]
    return numbers


@pytest.mark.parametrize("chapter", toc_notebooks())
def test_exercise_numbers_match_the_notebook(chapter, clean_build):
    """Exercise N on the site is Exercise N in the chapter's notebook (numbered 1, 2, ... per chapter by
    tools/notebooks.py), and its solution says "Solution to Exercise N"."""
    _, html = clean_build
    labels = exercise_labels(ROOT / f"{chapter}.md")
    numbers = notebook_exercise_numbers(ROOT / f"{chapter}.ipynb")
    assert len(numbers) == len(labels), (
        f"{chapter}: {len(labels)} exercise-start fences in the .md, {len(numbers)} '### Exercise N' in the notebook"
    )
    assert numbers == list(range(1, len(numbers) + 1)), f"{chapter}.ipynb numbers its exercises {numbers}"
    text = (html / f"{chapter}.html").read_text()
    wrong = []
    for label, number in zip(labels, numbers, strict=True):
        title = re.search(rf'<div class="exercise[^"]*" id="{re.escape(label)}">\s*<p class="admonition-title">'
                          r'<span class="caption-number">Exercise (\d+)', text)
        if not title or int(title.group(1)) != number:
            wrong.append(f"{label}: notebook Exercise {number}, site {title.group(0)[-12:] if title else 'no title'}")
        solution = re.search(rf'Solution to\s*<a class="reference internal" href="#{re.escape(label)}">\s*Exercise (\d+)', text)
        if solution and int(solution.group(1)) != number:
            wrong.append(f"{label}: notebook Exercise {number}, site 'Solution to Exercise {solution.group(1)}'")
    assert not wrong, f"{chapter}: site and notebook number exercises differently: {wrong}"
    assert text.count("Solution to") >= len(labels), f"{chapter}: fewer solutions than exercises on the site"


@pytest.mark.parametrize("page", toc_files())
def test_repository_button_points_at_the_repository(page, clean_build):
    _, html = clean_build
    url = CONFIG["repository"]["url"]
    text = (html / f"{page}.html").read_text()
    assert re.search(rf'<a href="{re.escape(url)}"[^>]*title="Source repository"', text), (
        f"{page}.html has no repository button linking to {url} (html.use_repository_button in _config.yml)"
    )


@pytest.mark.parametrize("page", toc_files())
def test_math_is_typeset_at_build_time(page, clean_build):
    """KaTeX typeset every formula when the book was built: each math element holds KaTeX's markup, no page
    loads a math script, and the KaTeX CSS and fonts come from the site itself (no CDN)."""
    _, html = clean_build
    text = (html / f"{page}.html").read_text()
    scripts = re.findall(r'<script[^>]+src="([^"]+)"', text)
    remote = [s for s in scripts if s.startswith(("http:", "https:", "//"))]
    assert not remote, f"{page}.html loads scripts from the network: {remote}"
    assert not [s for s in scripts if "mathjax" in s or "katex" in s], f"{page}.html loads a math script: {scripts}"
    math = len(re.findall(r'class="math[ "]', text))
    typeset = len(re.findall(r'<span class="katex">', text))
    assert typeset >= math, f"{page}.html: {math} math elements, only {typeset} typeset by KaTeX"
    assert "katex-error" not in text, f"{page}.html: KaTeX could not typeset a formula"
    stylesheets = re.findall(r'<link[^>]+href="([^"]+)"', text)
    if math:
        assert any("_static/katex/katex.min.css" in s for s in stylesheets), f"{page}.html lacks KaTeX's CSS"


def test_katex_is_vendored_with_its_licence_and_version():
    """The CSS and fonts in book/_static/katex are the npm package's (package.json pins the version that
    sphinxcontrib-katex's node renderer uses): markup and CSS of different versions misplace glyphs."""
    from sphinxcontrib import katex

    vendored = ROOT / "book" / "_static" / "katex"
    assert (vendored / "LICENSE").is_file(), "KaTeX's licence must ship beside it"
    pinned = json.loads((ROOT / "package.json").read_text())["devDependencies"]["katex"]
    assert pinned == katex.katex_version, f"package.json pins katex {pinned}, sphinxcontrib-katex renders with {katex.katex_version}"
    package = ROOT / "node_modules" / "katex"
    if package.exists():  # after npm ci (make test does it)
        assert json.loads((package / "package.json").read_text())["version"] == pinned
        assert (vendored / "katex.min.css").read_bytes() == (package / "dist" / "katex.min.css").read_bytes()
    fonts = set(re.findall(r"url\((fonts/[^)]+\.woff2)\)", (vendored / "katex.min.css").read_text()))
    missing = sorted(font for font in fonts if not (vendored / font).is_file())
    assert fonts and not missing, f"KaTeX fonts the CSS names but book/_static/katex lacks: {missing}"


@pytest.mark.parametrize("page", toc_files())
def test_pages_are_light(page, clean_build):
    """No fontawesome.js (the theme's CSS draws the icons from its web fonts) and no search index or search
    scripts outside the search page; scripts do not block the first paint."""
    _, html = clean_build
    text = (html / f"{page}.html").read_text()
    scripts = re.findall(r"<script[^>]*>", text)
    heavy = [s for s in scripts if re.search(r"fontawesome\.js|searchindex\.js|searchtools\.js|language_data\.js", s)]
    assert not heavy, f"{page}.html loads {heavy}"
    blocking = [s for s in scripts if "src=" in s and "defer" not in s and "async" not in s
                and "documentation_options.js" not in s]
    assert not blocking, f"{page}.html has render-blocking scripts: {blocking}"
    eager = [tag for tag in re.findall(r"<img\b[^>]*>", text) if "_images/" in tag and 'loading="lazy"' not in tag]
    assert not eager, f"{page}.html: figures that load eagerly: {eager[:3]}"


def test_search_page_loads_the_search_index(clean_build):
    _, html = clean_build
    text = (html / "search.html").read_text()
    for script in ("searchtools.js", "language_data.js", "searchindex.js"):
        assert re.search(rf'<script[^>]+src="[^"]*{script}', text), f"search.html does not load {script}"


def meta_tags(text):
    tags = {}
    for attributes in re.findall(r"<meta\s([^>]*)>", text):
        key = re.search(r'(?:name|property)="([^"]+)"', attributes)
        content = re.search(r'content="([^"]*)"', attributes)
        if key and content:
            tags[key.group(1)] = content.group(1)
    return tags


@pytest.mark.parametrize("page", toc_files())
def test_pages_carry_description_and_open_graph(page, clean_build):
    _, html = clean_build
    tags = meta_tags((html / f"{page}.html").read_text())
    description = tags.get("description", "")
    assert len(description) >= 50, f"{page}.html: no useful <meta name=description> ({description!r})"
    base = CONFIG["html"]["baseurl"].rstrip("/") + "/"
    for key in ("og:title", "og:description", "og:url", "og:type", "og:site_name"):
        assert tags.get(key), f"{page}.html lacks <meta property={key}>"
    assert tags["og:url"] == f"{base}{page}.html", f"{page}.html: og:url {tags['og:url']} is not its address"


def test_sitemap_robots_and_404(clean_build):
    _, html = clean_build
    base = CONFIG["html"]["baseurl"].rstrip("/") + "/"
    urls = {element.text for element in ElementTree.parse(html / "sitemap.xml").getroot().iter()
            if element.tag.endswith("loc")}
    missing = [page for page in toc_files() if f"{base}{page}.html" not in urls]
    assert not missing, f"sitemap.xml lacks {missing}"
    robots = (html / "robots.txt").read_text()
    assert f"Sitemap: {base}sitemap.xml" in robots, f"robots.txt does not name the sitemap:\n{robots}"
    not_found = (html / "404.html").read_text()
    assert "Page not found" in not_found
    path = "/" + base.split("://", 1)[1].split("/", 1)[1]
    links = re.findall(r'(?:href|src)="([^"]+)"', not_found)
    relative = [link for link in links if not link.startswith(("http:", "https:", "#", "/", "data:", "mailto:"))]
    assert not relative, f"404.html has relative links, which break in a folder the site does not have: {relative[:5]}"
    assert any(link.startswith(path) for link in links), f"404.html links do not start at the site's root {path}"


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
