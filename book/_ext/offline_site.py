"""A small Sphinx extension that keeps the built site offline, accessible and light.

- Thebe (live code in the page) loads its JavaScript from a CDN, and the theme emits its set-up script twice
  (a console error). The book has no live-code button, so Thebe's scripts are dropped from every page.
- book/_static/a11y.js and a11y.css mend what the theme itself gets wrong in an axe-core audit, and let a
  display formula wider than a phone's screen scroll sideways from its start (and take the keyboard focus).
- Exercises are numbered per chapter (Exercise 1, 2, ... in each chapter), as the notebooks number them
  (tools/notebooks.py). Sphinx numbers "figures" (sphinx-exercise's exercises are one kind) per section
  number, and the book has no section numbers, so without this the numbers run on across the whole book.
- The download button's .ipynb is the reader notebook book/<chapter>.ipynb (what Colab and Binder open),
  not the executed notebook that MyST-NB makes from the .md (MyST syntax that Jupyter shows as raw text).
- Math is typeset at build time by sphinxcontrib-katex (prerender through node): the KaTeX server is given
  more time on a busy machine and is started a second time if its first start is refused; a formula KaTeX
  cannot typeset fails the build instead of showing red TeX.
- Script files load with `defer` (only documentation_options.js, 0.4 KB, still blocks the first paint), and images of notebook outputs and figures
  load lazily (loading="lazy": the browser fetches them near view).
- Figures are SVG (the notebooks' set-up cell asks matplotlib for SVG), which a server sends gzipped.
- The theme's icon fonts are cut down to the icons the site uses (fontTools; about 275 KB less per page),
  and the theme's CSS rules for the other icons (some 1,900) are dropped.
- robots.txt names the sitemap (sphinx-sitemap writes sitemap.xml).
- What a reader meets on a phone and in dark mode (issue 20): book/_static/reader-view.js makes the visible
  sidebar buttons work and keeps KaTeX's hidden copies of a formula out of search snippets;
  book/_static/reader-view.css keeps every page inside a phone's width, sizes code for it and gives figures
  a light card in dark mode. Each folded code cell's toggle names the cell ("Show code: Timing helpers")
  instead of 164 identical "Show code cell source" lines, and the cell's `# @title` line (its title in
  Colab, now on the toggle) is left out of the code shown.
"""

import re
import shutil
from pathlib import Path


def drop_thebe(app, pagename, templatename, context, doctree):
    def is_thebe(asset):
        body = getattr(asset, "attributes", {}).get("body", "") or ""
        return "thebe" in (getattr(asset, "filename", "") or "") or "THEBE_JS_URL" in body

    for key in ("script_files", "css_files"):
        if key in context:
            context[key] = [asset for asset in context[key] if not is_thebe(asset)]


# Scripts that must run while the page is parsed: the inline scripts after them set its fields.
BLOCKING_SCRIPTS = ("documentation_options.js",)


def defer_scripts(app, pagename, templatename, context, doctree):
    """Load the page's script files with `defer` (they run after the page is parsed, in order, before
    DOMContentLoaded, which is when they start their work) instead of blocking the first paint. Inline
    scripts stay as they are: they only set variables that the deferred scripts read later."""
    from sphinx.builders.html._assets import _JavaScript

    if pagename == "search":  # its own search scripts follow, undeferred, and need doctools.js loaded
        return
    scripts = []
    for asset in context.get("script_files", []):
        filename = getattr(asset, "filename", "") or ""
        attributes = dict(getattr(asset, "attributes", {}) or {})
        if (filename and not filename.startswith(("http:", "https:", "//")) and "body" not in attributes
                and not filename.endswith(BLOCKING_SCRIPTS) and "async" not in attributes):
            attributes["defer"] = "defer"
            asset = _JavaScript(filename, priority=asset.priority, **attributes)
        scripts.append(asset)
    context["script_files"] = scripts


def number_exercises_per_chapter(app, env):
    """Renumber each page's exercises 1, 2, ... in the order the page has them. Runs after Sphinx's own
    numbering (env-get-updated, priority 900 > 500), which gives them book-wide numbers in reading order,
    so within a page the book-wide order is the page's order."""
    for numbers in env.toc_fignumbers.values():
        exercises = numbers.get("exercise")
        if exercises:
            in_order = sorted(exercises, key=lambda node_id: exercises[node_id])
            numbers["exercise"] = {node_id: (index,) for index, node_id in enumerate(in_order, start=1)}
    return []


def serve_reader_notebook(app, pagename, templatename, context, doctree):
    """The theme copies MyST-NB's executed notebook to _sources/<page>.ipynb for the download button (at
    priority 500); replace it with the reader notebook beside the page's .md, when there is one."""
    if not context.get("ipynb_source"):
        return
    reader = Path(app.srcdir) / f"{pagename}.ipynb"
    if reader.is_file():
        target = Path(app.outdir) / "_sources" / f"{pagename}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(reader, target)


def lazy_images(app, doctree, docname):
    from docutils import nodes

    for image in doctree.findall(nodes.image):
        image.setdefault("loading", "lazy")


def patch_katex(app, config):
    """Make sphinxcontrib-katex's prerender sturdier (see the module's docstring)."""
    if not getattr(config, "katex_prerender", False):
        return
    from sphinxcontrib import katex

    katex.STARTUP_TIMEOUT = 60.0  # seconds for node to start (5 s by default): 2 busy cores
    katex.RENDER_TIMEOUT = 60.0
    katex.KATEX_DEFAULT_OPTIONS = {**katex.KATEX_DEFAULT_OPTIONS, "throwOnError": True}
    server = katex.KaTeXServer
    if getattr(server, "_book_retry", False):
        return

    def start_server_process(cls, rundir, timeout):
        """sphinxcontrib-katex's own, but the connect is retried while it is refused: node
        creates the socket file at bind() and accepts only after listen(), and a connect in
        between is refused (seen on 2 busy cores, twice in one start with the retry below)."""
        import socket
        import subprocess
        import time

        socket_path = rundir / "katex.sock"
        process = subprocess.Popen(cls.build_command(socket=socket_path), stdin=subprocess.PIPE,
                                   stdout=subprocess.PIPE, cwd=rundir)
        deadline = time.monotonic() + timeout
        while True:
            if time.monotonic() > deadline:
                raise cls.timeout_error(timeout)
            if not socket_path.is_socket():
                time.sleep(0.01)
                continue
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                sock.settimeout(max(deadline - time.monotonic(), 0.01))
                sock.connect(str(socket_path))
                sock.settimeout(None)
                return process, sock
            except ConnectionRefusedError:
                sock.close()
                time.sleep(0.01)
            except TimeoutError:
                sock.close()
                raise cls.timeout_error(timeout) from None

    server.start_server_process = classmethod(start_server_process)
    start_once = server.start.__func__

    def start_with_one_retry(cls):
        try:
            return start_once(cls)
        except (ConnectionRefusedError, katex.KaTeXError) as error:
            from sphinx.util import logging

            logging.getLogger(__name__).info(f"KaTeX server did not start ({error}); starting it again")
            return start_once(cls)

    server.start = classmethod(start_with_one_retry)
    server._book_retry = True


ICON_RULE = re.compile(r'((?:\.fa-[a-z0-9-]+:(?:before|after),?)+)\{content:"([^"]*)"\}')


def subset_icon_fonts(app, exception):
    """Cut the theme's Font Awesome web fonts (275 KB of woff2 that every page downloads for a dozen icons)
    down to the icons the site names: every `fa-...` class in the built pages and the theme's scripts, looked
    up in the theme's CSS for its code point. The .ttf fallbacks (which no current browser fetches) stay."""
    if exception or app.builder.format != "html":
        return
    from fontTools import subset
    from sphinx.util import logging

    out = Path(app.outdir)
    fonts = sorted((out / "_static" / "vendor" / "fontawesome" / "webfonts").glob("*.woff2"))
    css_path = out / "_static" / "styles" / "pydata-sphinx-theme.css"
    if not fonts or not css_path.exists():
        return
    used = set()
    for path in [*out.rglob("*.html"), *(out / "_static").rglob("*.js")]:
        used.update(re.findall(r"fa-[a-z0-9-]+", path.read_text(errors="ignore")))
    codepoints = set()

    def keep_if_used(rule):
        selectors, content = rule.groups()
        if not set(re.findall(r"fa-[a-z0-9-]+", selectors)) & used:
            return ""  # an icon no page shows: its rule goes too (a fifth of the render-blocking CSS)
        for character in re.findall(r"\\([0-9a-fA-F]{1,6})|(.)", content):
            codepoints.add(int(character[0], 16) if character[0] else ord(character[1]))
        return rule.group(0)

    css = ICON_RULE.sub(keep_if_used, css_path.read_text())
    if not codepoints:
        raise RuntimeError("no Font Awesome icon found in the theme's CSS: has the theme changed?")
    css_path.write_text(css)
    before = after = 0
    for font_path in fonts:
        options = subset.Options()
        options.flavor = "woff2"
        options.layout_features = ["*"]
        font = subset.load_font(str(font_path), options)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=sorted(codepoints))
        subsetter.subset(font)
        before += font_path.stat().st_size
        subset.save_font(font, str(font_path), options)
        after += font_path.stat().st_size
    logging.getLogger(__name__).info(
        f"icon fonts cut to {len(codepoints)} icons: {before // 1000} KB -> {after // 1000} KB")


def cell_title(container, limit=48):
    """A short name for a folded code cell, for its toggle: its `# @title` line (the title Colab shows),
    else its figure's alt text, else its first comment, else its first line of code."""
    from docutils import nodes

    metadata = container.get("cell_metadata", {}) or {}
    source = ""
    for block in container.findall(nodes.literal_block):
        source = block.astext()
        break
    lines = [line.strip() for line in source.splitlines() if line.strip()]
    first = lines[0] if lines else ""
    if first.startswith("# @title "):
        title = re.sub(r"\s*\(shared cell;.*\)\s*$", "", first.removeprefix("# @title "))
        return title.strip()
    mystnb = metadata.get("mystnb", {}) or {}
    alt = (mystnb.get("image", {}) or {}).get("alt") or (mystnb.get("figure", {}) or {}).get("caption")
    if alt:
        sentence = " ".join(str(alt).split()).rstrip(".")
        # "Two panels, one above the other. Top: ..." says how, not what: keep the what
        sentence = re.sub(r"^\w+ panels?, one above the other\.\s*(Top:\s*)?", "", sentence) or "figure"
        if len(sentence) > limit:  # two lines on a phone at most, unless that would repeat a toggle
            sentence = sentence[:limit - 2].rsplit(" ", 1)[0].rstrip(",;:") + "…"
        return f"the figure ({sentence[0].lower() + sentence[1:]})"
    if first.startswith("#") and not first.startswith("#!"):
        return first.lstrip("# ").rstrip(".:")
    if re.search(r"\bplt\.|\bfig\b|\.plot\(", source):
        return "the figure"
    if first:
        return (first[:60] + "…") if len(first) > 60 else first
    return "the cell"


def drop_title_line(container):
    """The `# @title ...` line of a folded cell is its title in Colab; on the site the toggle says it, so the
    unfolded code starts after it (the line, with its note to maintainers, was up to 143 characters: wider
    than a laptop's column)."""
    from docutils import nodes

    for block in container.findall(nodes.literal_block):
        text = block.astext()
        if text.startswith("# @title "):
            rest = text.split("\n", 1)[1] if "\n" in text else ""
            block.children = [nodes.Text(rest)]
            block.rawsource = rest
        return


def name_folded_cells(app, doctree):
    """Give each folded code cell's toggle the cell's title (MyST-NB's default is the same "Show code cell
    source" for all of them). Runs before MyST-NB's HideInputCells post-transform reads the prompts."""
    from docutils import nodes

    used = set()
    for container in doctree.findall(nodes.container):
        if container.get("nb_element") != "cell_code" or not container.get("hide_mode"):
            continue
        if "{type}" not in container.get("prompt_show", "{type}"):
            continue  # a prompt the page set itself
        title = cell_title(container)
        if title in used:  # two figures whose alt texts start alike: say more
            title = cell_title(container, limit=160)
        number = 2
        while title in used:
            title, number = f"{cell_title(container)} ({number})", number + 1
        used.add(title)
        drop_title_line(container)
        what = "code" if container["hide_mode"] == "input" else "{type}"
        if title.startswith("the figure"):
            container["prompt_show"] = f"Show the {what} of {title}"
            container["prompt_hide"] = f"Hide the {what} of {title}"
        else:
            container["prompt_show"] = f"Show {what}: {title}"
            container["prompt_hide"] = f"Hide {what}: {title}"


def write_robots_txt(app, exception):
    if exception or app.builder.format != "html":
        return
    base = (app.config.html_baseurl or "").rstrip("/")
    lines = ["User-agent: *", "Allow: /"]
    if base:
        lines.append(f"Sitemap: {base}/sitemap.xml")
    (Path(app.outdir) / "robots.txt").write_text("\n".join(lines) + "\n")


def setup(app):
    app.add_js_file("a11y.js")
    app.add_css_file("a11y.css")
    app.add_js_file("reader-view.js")
    app.add_css_file("reader-view.css")
    app.connect("config-inited", patch_katex)
    app.connect("html-page-context", drop_thebe, priority=900)
    app.connect("html-page-context", serve_reader_notebook, priority=900)
    app.connect("html-page-context", defer_scripts, priority=950)
    app.connect("env-get-updated", number_exercises_per_chapter, priority=900)
    app.connect("doctree-resolved", lazy_images)
    # before MyST-NB's HideInputCells (a post-transform), which runs after doctree-read
    app.connect("doctree-read", name_folded_cells)
    app.connect("build-finished", write_robots_txt)
    app.connect("build-finished", subset_icon_fonts)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
