"""Write everything that is generated from the chapters' MyST sources (`make notebooks`).

The `.md` files in book/ are the one source people edit. This tool:

1. copies each shared cell (book/_shared/<name>.py) into every chapter cell that starts with that file's
   `# @title ... (shared cell; edit book/_shared/<name>.py ...)` line, so a helper is written once;
2. writes the **reader notebook** book/<chapter>.ipynb, the file that Colab, Binder, the download button
   and a local Jupyter open: plain Jupyter Markdown (cross-references become links to the published site,
   glossary terms and citations become plain linked words, exercises become headed sections with their
   solutions folded, admonitions become quotes), and every paragraph that states a measured value becomes
   a folded code cell that shows the paragraph with the numbers measured in the reader's own run;
3. writes the **student edition** student/<chapter>.ipynb: the reader notebook without the solutions.

Output is deterministic (cell ids are derived from the cells' contents), so a test can regenerate every
file in memory and compare it with the committed one: `python tools/notebooks.py --check`.
"""

import argparse
import ast
import contextlib
import hashlib
import json
import re
import sys
import unicodedata
from pathlib import Path

import jupytext
import yaml

ROOT = Path(__file__).resolve().parent.parent
BOOK = ROOT / "book"
SHARED_DIR = BOOK / "_shared"
STUDENT_DIR = ROOT / "student"
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())

SHARED_TITLE = re.compile(r"^# @title .*\(shared cell; edit book/_shared/(\w+)\.py\b")
CODE_CELL = re.compile(r"(```\{code-cell\} ipython3\n(?:---\n(?:(?!---\n)[^\n]*\n)*---\n|(?::[\w-]+:[^\n]*\n)*\n?))(.*?)(\n```\n)", re.S)
ROLE = re.compile(r"\{([a-z][\w:-]*)\}`([^`]*)`")
FENCE_OPEN = re.compile(r"^(`{3,}|:{3,})\{([\w:-]+)\}\s*(.*)$")
ADMONITIONS = {"note", "tip", "hint", "important", "warning", "caution", "attention", "danger", "error", "seealso", "admonition"}


# ---------------------------------------------------------------------------------------------------------
# Shared cells


def shared_cells():
    return {path.stem: path.read_text().strip() for path in sorted(SHARED_DIR.glob("*.py"))}


def sync_shared(text, shared=None):
    """The .md text with every shared cell's body replaced by its source file."""
    shared = shared_cells() if shared is None else shared

    def replace(match):
        head, body, tail = match.groups()
        first = body.split("\n", 1)[0]
        found = SHARED_TITLE.match(first)
        if not found:
            return match.group(0)
        name = found.group(1)
        if name not in shared:
            raise SystemExit(f"a cell names book/_shared/{name}.py, which does not exist")
        return head + shared[name] + tail

    return CODE_CELL.sub(replace, text)


def shared_name(source):
    found = SHARED_TITLE.match(source.split("\n", 1)[0])
    return found.group(1) if found else None


# ---------------------------------------------------------------------------------------------------------
# What the Markdown needs to know about the rest of the book


def is_notebook(md):
    text = md.read_text()
    return text.startswith("---") and "format_name: myst" in text.split("\n---", 1)[0]


def notebook_mds():
    return sorted(md for md in BOOK.glob("*.md") if is_notebook(md))


def site_url():
    return CONFIG["html"]["baseurl"].rstrip("/")


def page_url(page, anchor=""):
    return f"{site_url()}/book/{page}.html" + (f"#{anchor}" if anchor else "")


def page_title(page):
    """The first heading of book/<page>.md (or of the .md file given as a path)."""
    path = page if isinstance(page, Path) else BOOK / f"{page}.md"
    for line in path.read_text().splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return page


def labels():
    """{label: (page, heading text)} for every `(label)=` target in the book."""
    found = {}
    for md in BOOK.glob("*.md"):
        lines = md.read_text().splitlines()
        for i, line in enumerate(lines):
            target = re.fullmatch(r"\((\S+)\)=", line.strip())
            if target:
                heading = next((rest.lstrip("#").strip() for rest in lines[i + 1:] if rest.strip()), target.group(1))
                found[target.group(1)] = (md.stem, heading)
    return found


def bib_fields(body):
    """{field: value} of one BibTeX entry body, with nested braces kept inside the value."""
    fields, i = {}, 0
    for found in re.finditer(r"(\w+)\s*=\s*\{", body):
        if found.start() < i:
            continue
        depth, j = 1, found.end()
        while depth:
            depth += {"{": 1, "}": -1}.get(body[j], 0)
            j += 1
        fields[found.group(1).lower()] = body[found.end():j - 1]
        i = j
    return fields


ACCENTS = {"'": "\u0301", '"': "\u0308", "`": "\u0300", "^": "\u0302", "~": "\u0303", "c": "\u0327"}


def latex_to_text(text):
    """Author names from BibTeX: {\\'e} to é, {\\i} to ı, braces dropped."""
    text = re.sub(r"\\i\b\s*", "ı", text)
    text = re.sub(r"\\(['\"`^~c])\s*\{?([A-Za-zı])\}?",
                  lambda m: unicodedata.normalize("NFC", m.group(2) + ACCENTS[m.group(1)]), text)
    return re.sub(r"[{}\\]", "", text).strip()


def bibliography():
    """{key: (short author list, year)} from book/references.bib, as "(Author, year)" citations need."""
    text = (BOOK / "references.bib").read_text()
    entries = {}
    for key, body in re.findall(r"@\w+\{([^,\s]+),(.*?)\n\}", text, re.S):
        fields = bib_fields(body)
        author = fields.get("author", key).strip()
        if author.startswith("{") and author.endswith("}"):  # a corporate author: {The PyTorch authors}
            surnames = [latex_to_text(author[1:-1])]
        else:
            names = [n.strip() for n in re.split(r"\s+and\s+", author)]
            surnames = [latex_to_text(n.split(",")[0] if "," in n else n.split()[-1]) for n in names]
        if len(surnames) > 2 or "others" in surnames:
            authors = f"{surnames[0]} et al."
        elif len(surnames) == 2:
            authors = f"{surnames[0]} and {surnames[1]}"
        else:
            authors = surnames[0]
        entries[key] = (authors, fields.get("year", "n.d."))
    return entries


def glossary_terms():
    """The terms of book/glossary.md as written there (a {term} role matches them in any case)."""
    text = (BOOK / "glossary.md").read_text()
    block = text.split(":::{glossary}", 1)[1].split(":::", 1)[0]
    return [line.strip() for line in block.splitlines() if line.strip() and not line.startswith((" ", "\t"))]


def glossary_anchor(term):
    """Sphinx's id for a glossary entry: "term-" and the term as the glossary spells it, spaces as hyphens."""
    spelled = {t.lower(): t for t in glossary_terms()}.get(term.strip().lower())
    if spelled is None:
        raise ValueError(f"{{term}} of a word the glossary does not define: {term!r}")
    return "term-" + re.sub(r"\s+", "-", spelled)


# ---------------------------------------------------------------------------------------------------------
# Markdown: MyST to plain Jupyter Markdown


class Converter:
    def __init__(self, page):
        self.page = page
        self.labels = labels()
        self.bib = bibliography()
        self.exercises = {}  # label -> number, in this chapter

    def role(self, match, glued_names):
        name, content = match.group(1), match.group(2)
        text, target = content, content
        explicit = re.fullmatch(r"(.*?)\s*<([^<>]+)>", content, re.S)
        if explicit:
            text, target = explicit.group(1), explicit.group(2)
        if name == "term":
            return f"[{text}]({page_url('glossary', glossary_anchor(target))})"
        if name == "doc":
            page = target.removeprefix("/book/").removeprefix("book/")
            return f"[{page_title(page) if not explicit else text}]({page_url(page)})"
        if name == "ref":
            if target not in self.labels:
                raise ValueError(f"{self.page}: {{ref}} to an unknown label {target!r}")
            page, heading = self.labels[target]
            return f"[{text if explicit else heading}]({page_url(page, target)})"
        if name in ("cite:p", "cite:t", "cite"):
            cites = []
            for key in (k.strip() for k in target.split(",")):
                if key not in self.bib:
                    raise ValueError(f"{self.page}: citation of an unknown key {key!r}")
                authors, year = self.bib[key]
                link = page_url("references")
                cites.append(f"[{authors} ({year})]({link})" if name == "cite:t" else f"[{authors}, {year}]({link})")
            return "; ".join(cites) if name == "cite:t" else "(" + "; ".join(cites) + ")"
        if name in ("glue:text", "glue:md", "glue"):
            key = content.split(":", 1)[0].strip()
            glued_names.add(key)
            return "{" + content.strip() + "}"
        if name == "math":
            return f"${content}$"
        raise ValueError(f"{self.page}: the MyST role {{{name}}} has no plain-Markdown form in tools/notebooks.py")

    def inline(self, text):
        """Convert the roles of a block of text; return (text, names of glued values it shows)."""
        glued = set()
        return ROLE.sub(lambda m: self.role(m, glued), text), glued

    def blocks(self, source):
        """Split Markdown into events: ("text", lines) and ("fence", name, argument, option lines, body lines)."""
        lines = source.split("\n")
        events, text, i = [], [], 0
        while i < len(lines):
            opened = FENCE_OPEN.match(lines[i].strip())
            if not opened:
                target = re.fullmatch(r"\((\S+)\)=", lines[i].strip())
                if not target and not lines[i].lstrip().startswith("% "):
                    text.append(lines[i])
                i += 1
                continue
            if text:
                events.append(("text", text))
                text = []
            marker, name, argument = opened.groups()
            body, i = [], i + 1
            while i < len(lines) and lines[i].strip() != marker:
                body.append(lines[i])
                i += 1
            i += 1
            options = []
            while body and re.match(r"^:[\w-]+:", body[0]):
                options.append(body.pop(0))
            events.append(("fence", name, argument.strip(), options, body))
        if text:
            events.append(("text", text))
        return events


def paragraphs(lines):
    """Split Markdown lines into blocks separated by blank lines, keeping $$ math and code fences whole."""
    blocks, current, inside = [], [], None
    for line in lines:
        stripped = line.strip()
        if inside:
            current.append(line)
            if stripped.startswith(inside):
                inside = None
            continue
        if stripped.startswith("$$") and not (len(stripped) > 2 and stripped.endswith("$$")):
            inside = "$$"
        elif stripped.startswith("```"):
            inside = "```"
        if not stripped and not inside:
            if current:
                blocks.append(current)
            current = []
        else:
            current.append(line)
    if current:
        blocks.append(current)
    return ["\n".join(block) for block in blocks]


def python_string(text):
    if "'''" not in text and not text.endswith(("'", "\\")):
        return "r'''" + text + "'''"
    return repr(text)


def cell_id(kind, source, seen):
    base = hashlib.sha1(f"{kind}\n{source}".encode()).hexdigest()[:12]
    name, n = base, 1
    while name in seen:
        name, n = f"{base}-{n}", n + 1
    seen.add(name)
    return name


def markdown_cell(source):
    return {"cell_type": "markdown", "metadata": {}, "source": source}


def folded_code_cell(title, source, role=None):
    """A code cell that Colab shows as a form (title only) and JupyterLab with its input collapsed."""
    metadata = {"cellView": "form", "jupyter": {"source_hidden": True}}
    if role:
        metadata["book"] = role
    return {"cell_type": "code", "metadata": metadata,
            "source": f"# @title {title}\n{source}", "outputs": [], "execution_count": None}


def code_cell(source, role=None):
    metadata = {"book": role} if role else {}
    return {"cell_type": "code", "metadata": metadata, "source": source, "outputs": [], "execution_count": None}


TABLE_TITLE = "Table of the measurements"


def prose_title(paragraph, words=7):
    """A short neutral title for a folded paragraph: its first words as plain text, a measured value or
    math shown as …; the cell's output is the whole paragraph."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", paragraph)  # links: their words
    text = re.sub(r"\$\$.*?\$\$|\$[^$]*\$|\{[A-Za-z_]\w*(?::[^{}]*)?\}", "…", text, flags=re.S)
    text = re.sub(r"[*_`>#]", "", text)
    text = re.sub(r"…(\W*…)+", "…", " ".join(text.split()))
    chosen = text.split(" ")[:words]
    title = " ".join(chosen).rstrip(",;:.")
    return title + ("" if len(chosen) == len(text.split(" ")) or title.endswith("…") else " …")


def folded_title(source):
    """The title Colab shows for a cell the site folds (hide-input): its first comment, else what it does."""
    first = source.lstrip().split("\n", 1)[0]
    if re.search(r"\bplt\.|\bfig\b|\.plot\(", source):
        return "The code that draws the figure (folded)"
    if first.startswith("#") and not first.startswith("#!"):
        return first.lstrip("# ").rstrip(".:") + " (code folded)"
    if all(line.startswith(("glue(", " ", ")")) or not line.strip() for line in source.splitlines()):
        return "Record the measured values that the text shows (folded)"
    return "Code for the measurement (folded to keep the reading line)"


def reader_cells(md, edition="reader"):
    """The cells of the reader notebook (or, with edition="student", of the student edition) of one chapter.

    Each code cell made from a code cell of the .md carries its position among the .md's code cells in
    `cell["_source_index"]` (removed before writing), so outputs of a build can be matched to it.
    Cells with a part in the exercises carry metadata "book": {"role": ...}: "shared" (with "name"),
    "key" (the hidden cells just before an exercise that compute what its check compares against),
    "exercise", "solution" (each with "exercise": N and "label"), and "prose" (a measured paragraph).
    """
    page = md.stem
    convert = Converter(page)
    notebook = jupytext.reads(sync_shared(md.read_text()), fmt="md:myst")
    cells = []
    state = {"solution": None, "exercise": None, "exercise_count": 0, "label": ""}
    pending_text = []  # Markdown lines waiting to become a cell

    def prose_cell(source, title=None):
        title = title or prose_title(source)
        return folded_code_cell(title, f"show_prose({python_string(source)})", {"role": "prose"})

    def flush_text():
        text = "\n".join(pending_text).strip("\n")
        pending_text.clear()
        if not text.strip():
            return
        if state["solution"] is not None:
            if edition == "student":
                return
            number = state["solution"]
            text = (f"<details>\n<summary>Solution to exercise {number}: why it works (click to open)</summary>\n\n"
                    f"{text}\n\n</details>")
        # Paragraphs that show measured values become folded cells that show them with this run's values.
        plain = []
        for block in paragraphs(text.split("\n")):
            converted, glued = convert.inline(block)
            if glued:
                if plain:
                    cells.append(markdown_cell("\n\n".join(plain)))
                    plain = []
                cells.append(prose_cell(converted))
            else:
                plain.append(converted)
        if plain:
            cells.append(markdown_cell("\n\n".join(plain)))

    def exercise_role(role):
        return {"role": role, "exercise": state["exercise"] or state["solution"], "label": state["label"]}

    source_index = -1
    for cell in notebook.cells:
        if cell.cell_type == "code":
            source_index += 1
            flush_text()
            source = cell.source
            if state["solution"] is not None:
                if edition == "student":
                    continue
                title = f"Solution to exercise {state['solution']} (folded: open it after you have tried)"
                cells.append(folded_code_cell(title, source, exercise_role("solution")))
            elif shared_name(source):
                title, body = source.split("\n", 1)
                # the reader sees what the cell is; the note for maintainers stays in the .md
                title = re.sub(r"\s*\(shared cell;.*\)\s*$", "", title.removeprefix("# @title "))
                cells.append(folded_code_cell(title, body, {"role": "shared", "name": shared_name(source)}))
            else:
                tags = cell.metadata.get("tags", [])
                role = exercise_role("exercise") if state["exercise"] is not None else None
                if any(t in tags for t in ("hide-input", "remove-input", "remove-cell")):
                    cells.append(folded_code_cell(folded_title(source), source, role))
                else:
                    cells.append(code_cell(source, role))
            cells[-1]["_source_index"] = source_index
            continue
        if cell.cell_type != "markdown":
            continue
        flush_text()  # a Markdown cell of the source stays a cell of its own
        for event in convert.blocks(cell.source):
            if event[0] == "text":
                pending_text.extend(event[1])
                continue
            _, name, argument, options, body = event
            if name == "exercise-start":
                flush_text()
                state["exercise_count"] += 1
                label = next((o.split(":", 2)[2].strip() for o in options if o.startswith(":label:")), "")
                convert.exercises[label] = state["exercise_count"]
                state["exercise"], state["label"] = state["exercise_count"], label
                # the folded cells just before the exercise compute the references its check uses
                for previous in reversed(cells):
                    if previous["cell_type"] != "code" or "book" in previous["metadata"]:
                        break
                    if not previous["metadata"].get("jupyter", {}).get("source_hidden"):
                        break
                    previous["metadata"]["book"] = {"role": "key", "exercise": state["exercise"], "label": label}
                heading = f"### Exercise {state['exercise_count']}" + (f": {argument}" if argument else "")
                pending_text.extend([heading, ""])
            elif name == "exercise-end":
                flush_text()
                state["exercise"] = None
            elif name == "solution-start":
                flush_text()
                number = convert.exercises.get(argument, state["exercise_count"])
                state["solution"], state["label"] = number, argument
            elif name == "solution-end":
                flush_text()
                state["solution"] = None
            elif name == "glue:md":
                # a table (or other Markdown) measured in the run: a cell that displays it
                flush_text()
                glued = argument.split(":", 1)[0].strip()
                cells.append(prose_cell("{" + glued + "}", TABLE_TITLE))
            elif name in ADMONITIONS:
                title = argument or name.capitalize()
                quoted = [f"> **{title}.**", ">"] + [f"> {line}" if line else ">" for line in body]
                pending_text.extend(quoted + [""])
            elif name == "nb-exec-table":
                pending_text.append(f"(The book's web page shows here a table of every chapter's execution time: "
                                    f"[{page_title(page)}]({page_url(page)}).)")
            else:
                raise ValueError(f"{page}: the MyST directive {{{name}}} has no plain-Markdown form in tools/notebooks.py")
        flush_text()
    flush_text()
    return cells


def preamble(md, edition):
    title = page_title(md)
    edition_line = ("This is the **student edition**: the exercises and their checks are here, the solutions are "
                    "not. " if edition == "student" else "")
    return markdown_cell(
        f"*A chapter of [Jacobians, Hessians and more with torch.func]({site_url()}/), "
        f"read on the web at [{title}]({page_url(md.stem)}).* {edition_line}"
        "It runs top to bottom (**Run all**) in Colab, Binder or Jupyter with only `torch`, `numpy` and "
        "`matplotlib`; it uses a GPU when there is one. Folded cells hold set-up code, solutions, and "
        "the paragraphs that state measured numbers (the book's own until you run them)."
    )


def build_notebook(md, edition="reader", measured=None, previous=None):
    """The notebook of one chapter as a dict. `measured` (a `BuildOutputs`) fills every code cell with the
    outputs of a build, and the stamp cell after the preamble with where and when that build ran; without
    it, cells keep the outputs they had in `previous` (the committed notebook), matched by cell id, so a
    check never depends on a local build. The student edition ships no output of an exercise cell or of
    the hidden cells that compute what its check compares against (they would give answers away)."""
    cells = reader_cells(md, edition)
    # the title stays first; the preamble and the stamp of the outputs follow it
    stamp = folded_code_cell(STAMP_TITLE, STAMP_SOURCE.split("\n", 1)[1], {"role": "stamp"})
    first = cells[0]
    if first["cell_type"] == "markdown" and first["source"].startswith("# "):
        title, _, rest = first["source"].partition("\n")
        cells[0:1] = ([markdown_cell(title), preamble(md, edition), stamp]
                      + ([markdown_cell(rest.strip("\n"))] if rest.strip() else []))
    else:
        cells[0:0] = [preamble(md, edition), stamp]
    seen = set()
    for cell in cells:
        cell["id"] = cell_id(cell["cell_type"], cell["source"], seen)
    kept = {}
    if previous:
        kept = {cell.get("id"): cell.get("outputs", []) for cell in previous.get("cells", []) if cell["cell_type"] == "code"}
    for cell in cells:
        index = cell.pop("_source_index", None)
        if cell["cell_type"] != "code":
            continue
        role = cell["metadata"].get("book", {}).get("role")
        if edition == "student" and role in ("exercise", "key"):
            cell["outputs"] = []
        elif measured is None:
            cell["outputs"] = kept.get(cell["id"], [])
        elif role == "stamp":
            cell["outputs"] = measured.stamp_outputs()
        else:
            cell["outputs"] = measured.outputs(cell, index)
    return {
        "cells": cells,
        "metadata": {
            "book": {"chapter": md.stem, "edition": edition},
            "colab": {"provenance": [], "toc_visible": True},
            "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def dumps(notebook):
    return json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"


# ---------------------------------------------------------------------------------------------------------
# The book's own measurements, shipped in the reader notebooks


EXECUTED = ROOT / "_build" / "jupyter_execute" / "book"
IMAGE_TYPES = ("image/png", "image/svg+xml", "image/jpeg")


CACHE = ROOT / "_build" / ".jupyter_cache"


def cached_notebooks(md, cache=CACHE):
    """The executed notebooks of this chapter in the build's execution cache, newest first."""
    if not (cache / "global.db").exists():
        return
    import sqlite3

    with contextlib.closing(sqlite3.connect(cache / "global.db")) as db:
        rows = db.execute("select hashkey from nbcache where uri like ? order by created desc",
                          (f"%/book/{md.stem}.md",)).fetchall()
    for (hashkey,) in rows:
        path = cache / "executed" / hashkey / "base.ipynb"
        if path.exists():
            yield json.loads(path.read_text())


def executed_on(md, cache=CACHE / "global.db"):
    """The day the build's cache last executed this chapter ("" if unknown): a cached rebuild keeps it."""
    if not cache.exists():
        return ""
    import sqlite3

    with contextlib.closing(sqlite3.connect(cache)) as db:
        row = db.execute("select max(created) from nbcache where uri like ?", (f"%/book/{md.stem}.md",)).fetchone()
    return (row[0] or "")[:10]


def machine_cpu(cache=CACHE):
    """The processor of the machine that built the book: the timing_machine chapter records it
    (glued as machine_cpu) in every build; without one, this machine's own (Linux)."""
    for executed in cached_notebooks(BOOK / "timing_machine.md", cache):
        for cell in executed["cells"]:
            for output in cell.get("outputs", []):
                scrap = output.get("metadata", {}).get("scrapbook", {})
                if scrap.get("name") == "machine_cpu":
                    value = "".join(output["data"].get(scrap.get("mime_prefix", "") + "text/plain", ""))
                    return value.strip("'\"")
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return "an unnamed processor"


def text_of(value):
    return value if isinstance(value, str) else "".join(value)


class BuildOutputs:
    """What one chapter showed when the book was built: every output of its code cells, its glued values.

    A reader who opens a notebook without running it sees every output the site shows (prints, tables,
    error messages, checks, figures, the measured paragraphs filled in), under one stamp at the top that
    says where and when the book ran; running a cell replaces its output with the reader's own.
    Only a build of exactly this source counts (the executed notebook's code cells must equal the .md's).
    """

    def __init__(self, md, executed, glue_file=None, cpu=None):
        self.code = [cell for cell in executed["cells"] if cell["cell_type"] == "code"]
        self.glued = {}
        # myst-nb moves the values glued with display=False out of the notebook, into <chapter>.glue.json
        if glue_file is not None and glue_file.exists():
            for name, output in json.loads(glue_file.read_text()).items():
                self.glued[name] = {k: "".join(v) if isinstance(v, list) else v
                                    for k, v in output.get("data", {}).items()}
        for cell in self.code:
            for output in cell.get("outputs", []):
                scrap = output.get("metadata", {}).get("scrapbook")
                if scrap:
                    prefix = len(scrap.get("mime_prefix", ""))
                    self.glued[scrap["name"]] = {k[prefix:]: v if isinstance(v, str) or not isinstance(v, list)
                                                 else "".join(v) for k, v in output.get("data", {}).items()}
        setup = "".join(text_of(o.get("text", "")) for o in self.code[0].get("outputs", [])
                        if o.get("output_type") == "stream")
        started = self.code[0].get("metadata", {}).get("execution", {}).get("iopub.execute_input", "")
        started = (started or executed_on(md))[:10] or "an unknown date"
        # the setup cell prints "torch <version> on <device>, <n> thread"
        found = re.search(r"torch (\S+) on (\S+), (\d+) thread", setup)
        torch_version, device, threads = found.groups() if found else ("(version unknown)", "cpu", "1")
        cpu = cpu or machine_cpu()
        where = cpu if device == "cpu" else f"{device} and {cpu}"
        self.stamp = (f"**Every output in this notebook is the book's own run** (before you run anything): "
                      f"{where}, {threads} thread{'s' if threads != '1' else ''}, torch {torch_version}, "
                      f"run on {started}. Running a cell replaces its output with yours.")

    @classmethod
    def of(cls, md, folder=EXECUTED, cache=CACHE):
        """The outputs of the last build of this chapter, or None if there is none of this exact source.

        The execution cache keeps every output; the copy in _build/jupyter_execute lacks the figures of a
        chapter that a build took from the cache, and keeps the values glued with display=False apart, in
        <chapter>.glue.json. So the cache comes first, the copy second."""
        sources = [cell.source for cell in jupytext.reads(sync_shared(md.read_text()), fmt="md:myst").cells
                   if cell.cell_type == "code"]

        def code_of(notebook):
            return ["".join(c["source"]) if isinstance(c["source"], list) else c["source"]
                    for c in notebook["cells"] if c["cell_type"] == "code"]

        for executed in cached_notebooks(md, cache):
            if code_of(executed) == sources:
                return cls(md, executed, cpu=machine_cpu(cache))
        path = folder / f"{md.stem}.ipynb"
        if not path.exists():
            return None
        executed = json.loads(path.read_text())
        if code_of(executed) != sources:
            return None
        return cls(md, executed, folder / f"{md.stem}.glue.json", cpu=machine_cpu(cache))

    def fill(self, text):
        from myst_nb.core.variables import format_plain_text  # the site's own formatting of {glue:text}

        def value(match):
            data = self.glued[match.group(1)]
            if "text/markdown" in data:
                return data["text/markdown"]
            return format_plain_text(data.get("text/plain", ""), match.group(2) or "")

        # as show_prose does: only the names glued in the run are slots ({R} in $\mathbb{R}$ is not)
        names = "|".join(map(re.escape, sorted(self.glued, key=len, reverse=True))) or "(?!)"
        filled = re.sub(r"\{(" + names + r")(?::([^{}]*))?\}", value, text)
        missing = re.findall(r"\{[A-Za-z_]\w*\}", re.sub(r"\$[^$]*\$", "", filled))
        if missing:
            raise KeyError(missing[0])
        return filled

    @staticmethod
    def markdown(text):
        return {"output_type": "display_data", "metadata": {}, "data": {"text/markdown": text}}

    def stamp_outputs(self):
        return [self.markdown(self.stamp)]

    def outputs(self, cell, index):
        role = cell["metadata"].get("book", {}).get("role")
        if role == "prose":
            paragraph = ast.literal_eval(cell["source"].split("\n", 1)[1].removeprefix("show_prose(").removesuffix(")"))
            try:
                filled = self.fill(paragraph)
            except KeyError:
                return []
            if cell["source"].startswith(f"# @title {TABLE_TITLE}\n"):
                filled += f"\n\n{RUN_NOTE.format(what='Measured in')}"
            return [self.markdown(filled)]
        if index is None or index >= len(self.code):
            return []
        shipped = []
        for output in self.code[index].get("outputs", []):
            output = json.loads(json.dumps(output))  # a copy
            scrap = output.get("metadata", {}).pop("scrapbook", None)
            if scrap and scrap.get("mime_prefix"):
                continue  # glue(..., display=False): the site shows nothing there either
            if output.get("output_type") == "execute_result":
                output["execution_count"] = None
            shipped.append(output)
        if any(k in IMAGE_TYPES for output in shipped for k in output.get("data", {})):
            shipped.insert(0, self.markdown(RUN_NOTE.format(what="Drawn in")))
        elif any(re.search(r"^\|", text_of(output.get("data", {}).get("text/markdown", "")), re.M)
                 for output in shipped):
            shipped.insert(0, self.markdown(RUN_NOTE.format(what="From")))
        return shipped


RUN_NOTE = "*{what} the book's run (see the top of the notebook); run the cell for yours.*"
STAMP_TITLE = "Where the outputs shown here come from"
STAMP_SOURCE = (f"# @title {STAMP_TITLE}\n"
                "# Before you run anything, every output in this notebook is the book's own run,\n"
                "# stamped here; running a cell replaces its output with yours.")


# ---------------------------------------------------------------------------------------------------------


def outputs(md, measured=None):
    """{path: text} of every file generated from one chapter (outputs: see build_notebook)."""
    paths = {"reader": md.with_suffix(".ipynb"), "student": STUDENT_DIR / f"{md.stem}.ipynb"}
    generated = {}
    for edition, path in paths.items():
        previous = json.loads(path.read_text()) if path.exists() else None
        generated[path] = dumps(build_notebook(md, edition, measured, previous))
    return generated


def stale(mds=None):
    """Every generated file (or .md with an out-of-date shared cell) that differs from what this tool writes
    (outputs aside: the committed ones are kept, so a local build never makes a file stale)."""
    shared = shared_cells()
    found = []
    for md in mds or notebook_mds():
        if sync_shared(md.read_text(), shared) != md.read_text():
            found.append(md)
        for path, text in outputs(md).items():
            if not path.exists() or path.read_text() != text:
                found.append(path)
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("chapters", nargs="*", type=Path, help="book/<chapter>.md files (default: every chapter)")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 listing the stale files")
    parser.add_argument("--keep-outputs", action="store_true",
                        help="keep the committed outputs even where a build of the same source exists")
    args = parser.parse_args()
    mds = [path.resolve() for path in args.chapters] or notebook_mds()
    if args.check:
        found = stale(mds)
        for path in found:
            print(f"stale: {path.relative_to(ROOT)}")
        if found:
            print("regenerate with: make notebooks")
        return 1 if found else 0
    shared = shared_cells()
    STUDENT_DIR.mkdir(exist_ok=True)
    for md in mds:
        text = md.read_text()
        synced = sync_shared(text, shared)
        if synced != text:
            md.write_text(synced)
            print(f"updated shared cells in {md.relative_to(ROOT)}")
        measured = None if args.keep_outputs else BuildOutputs.of(md)
        if measured is None and not args.keep_outputs:
            print(f"{md.relative_to(ROOT)}: no build of this exact source in _build/jupyter_execute; "
                  "the notebooks keep the outputs they had (make book, then make notebooks, to refresh them)")
        for path, generated in outputs(md, measured).items():
            if not path.exists() or path.read_text() != generated:
                path.write_text(generated)
                print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
