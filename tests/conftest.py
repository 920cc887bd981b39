"""Shared facts about the book for the tests: where things are, which pages exist, the built site."""

import concurrent.futures
import functools
import http.server
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import jupytext
import pytest
import yaml


def _serialise_ast_parse():
    """ast.parse is not safe in threads on Python 3.11 (python/cpython#106905: "SystemError: AST constructor
    recursion depth mismatch"); the pool's gradings parse cells in threads while the tests parse in the
    main thread. Every ast.parse of the test process (pytest's own too) takes one lock."""
    import ast

    if getattr(ast.parse, "_serialised", False):
        return
    lock, parse = threading.RLock(), ast.parse

    def serialised(*args, **kwargs):
        with lock:
            return parse(*args, **kwargs)

    serialised._serialised = True
    ast.parse = serialised


_serialise_ast_parse()


ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT / "tools"))  # exec_pool, build_cache, run_like_colab, grade
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


# Seconds each chapter takes to execute alone on this 2-core machine, in a forked kernel (measured for
# issue 24, 2026-12-07): the first guess of the execution pool for a clean clone (it learns the real
# durations from the last run's log, _build/test-run.json).
NOTEBOOK_SECONDS = {
    "applications": 13.0, "batch_jacobians": 11.0, "compilation": 39.0, "curvature": 24.0,
    "custom_functions": 5.5, "hessians_and_hvp": 10.0, "how_modes_work": 8.0, "hvp": 7.0,
    "jacobians_by_loop": 11.0, "jacrev_vs_jacfwd": 11.7, "memory": 11.8, "model_parameters": 8.0,
    "module_state": 6.1, "sparse_jacobians": 10.9, "structure": 7.1, "timing_machine": 6.0,
    "troubleshooting": 6.0, "vjp_vmap_jacrev": 11.0,
}


def notebook_seconds(chapter):
    """A guess of how long a chapter's notebook runs (for the pool's longest-first order)."""
    return NOTEBOOK_SECONDS.get(str(chapter).rsplit("/", 1)[-1], 15.0)


def colab_env():
    """The environment of a kernel that must see what a Colab runtime has: the build tools unimportable
    (run_like_colab's blocker modules first on PYTHONPATH). Given to each such kernel, never set in this
    process: the build's kernels, which run at the same time, need myst_nb."""
    from run_like_colab import blocker_folder

    return dict(os.environ, PYTHONPATH=os.pathsep.join(
        filter(None, [str(blocker_folder()), os.environ.get("PYTHONPATH")])))


_build_lock = threading.Lock()
_build = {}


def start_clean_build(tmp_path_factory):
    """Start the clean build in the execution pool (once); return a Future of (CompletedProcess, html dir).

    Every chapter of _toc.yml is executed into the build's execution cache, two at a time, longest first
    (tools/build_cache.py: the same reader, executor and cache key as myst-nb); then
    `jupyter-book build --all -W -n --keep-going` into the same fresh directory renders the book, taking
    each chapter from the cache (a chapter whose execution failed is executed again by the build, which
    reports it). The build writes its output to a file and runs in its own process group, ended after it."""
    import build_cache
    from exec_pool import BUILD, POOL

    with _build_lock:
        if "future" in _build:
            return _build["future"]
        prebuilt = os.environ.get("TEST_PREBUILT_SITE")
        if prebuilt:  # for working on the site's tests only (see MAINTAINING.md); make test never sets it
            done = concurrent.futures.Future()
            html = Path(prebuilt).resolve()
            result = subprocess.CompletedProcess(["(prebuilt)", str(html)], 0, stdout="", stderr="")
            result.pre_executed = {}
            done.set_result((result, html))
            _build.update(future=done, out=html.parent.parent, ready=time.time())
            return done
        out = tmp_path_factory.mktemp("clean-build")
        # submitted longest first: a free slot takes a job the moment it is queued
        chapters = {entry: POOL.submit("build: execute", entry, build_cache.execute_into_cache, ROOT / f"{entry}.md",
                                       out, estimate=notebook_seconds(entry), priority=BUILD)
                    for entry in sorted(toc_notebooks(), key=lambda entry: -POOL.estimate(
                        "build: execute", entry, notebook_seconds(entry)))}
        done = concurrent.futures.Future()
        _build.update(future=done, out=out)

    def render():
        concurrent.futures.wait(list(chapters.values()))
        pre = {}
        for entry, future in chapters.items():
            error = future.exception()
            pre[entry] = f"{type(error).__name__}: {error}" if error else future.result()[1]
        code, log = POOL.submit("build: render", "jupyter-book build", build_cache.render, out,
                                out / "build.log", estimate=60.0, priority=BUILD).result()
        result = subprocess.CompletedProcess(["jupyter-book", "build", "--all", "-W", "-n", "--keep-going"],
                                             code, stdout=log, stderr="")
        result.pre_executed = pre  # {chapter: None, or why its execution into the cache failed}
        _build["ready"] = time.time()  # for the run log: the tests of the site waited until then
        return result, out / "_build" / "html"

    threading.Thread(target=lambda: _settle(done, render), name="clean-build", daemon=True).start()
    return done


def _settle(future, function):
    try:
        future.set_result(function())
    except BaseException as error:  # noqa: BLE001 (the fixture reports it)
        future.set_exception(error)


@pytest.fixture(scope="session")
def clean_build(tmp_path_factory):
    """A clean build of the whole book into a fresh directory, exactly as the quality bar asks:
    `jupyter-book build --all -W -n --keep-going` (its chapters executed into its cache first, two at a
    time, by the execution pool). Returns (CompletedProcess, html directory)."""
    return start_clean_build(tmp_path_factory).result()


def executed_chapter(clean_build, chapter):
    """The chapter as the clean build executed it (an nbformat notebook, myst-nb's cells with their
    outputs), read from the build's execution cache (the copy in _build/jupyter_execute may lack the
    figures of a chapter taken from the cache). None if the cache has no run of its current code."""
    import build_cache
    from jupyter_cache import get_cache

    _, html = clean_build
    notebook = build_cache.read_as_myst_nb(ROOT / f"{chapter}.md")
    try:
        _, merged = get_cache(str(html.parent / ".jupyter_cache")).merge_match_into_notebook(notebook)
    except KeyError:
        return None
    return merged


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


# ---------------------------------------------------------------------------------------------------------
# The run as a whole: one execution pool (tools/exec_pool.py), tests ordered so that cheap ones fill the
# gaps, and a log of where the time went (_build/test-run.json; tools/test_phases.py prints it as a table).

# Fixtures that wait for the clean build, and fixtures that wait for notebook runs of the pool.
BUILT = {"clean_build", "site", "visits", "book_pdf"}
NEEDS_BUILD = BUILT | {"browser", "lab"}
NEEDS_POOL = {"nbval_results", "student_runs", "chapter_runs", "graded", "tampering_runs", "probes"}


def wanted_chapters(items, fixture):
    """The chapter stems the selected tests that use `fixture` ask for (by their `chapter` parameter), or
    None for all of them (a selected test of that fixture that names no chapter)."""
    chapters = set()
    for item in items:
        if fixture not in getattr(item, "fixturenames", ()):
            continue
        params = getattr(getattr(item, "callspec", None), "params", {})
        if "chapter" not in params:
            return None
        chapters.add(str(params["chapter"]).rsplit("/", 1)[-1])
    return chapters


def pytest_configure(config):
    # Every kernel this run starts (build, nbval, students, grading) is the venv's own python3: a user-level
    # kernelspec of that name (which could point at another Python) is out of the way.
    import tempfile

    os.environ["JUPYTER_DATA_DIR"] = tempfile.mkdtemp(prefix="jupyter-data-")
    config._run_log = {"tests": [], "start": time.time()}
    # Every kernel of the run starts as a fork of a server that imported torch once (tools/fork_kernel.py:
    # about 4 s of CPU less per kernel). JUPYTER_PATH comes first in Jupyter's search for the kernelspec
    # "python3", before the venv's own; kernels started in subprocesses (nbval) inherit it.
    # TEST_FORK_KERNELS=0 starts every kernel the normal way.
    if os.environ.get("TEST_FORK_KERNELS", "1") != "0" and not config.option.collectonly:
        import fork_kernel

        folder = tempfile.mkdtemp(prefix="fork-kernel-")
        config._fork_server, config._fork_socket = fork_kernel.start(folder)
        fork_kernel.install_kernelspec(folder, config._fork_socket)
        # and nbval's own pytest processes, forks of a server that imported pytest and nbval once
        config._runner_server, RUNNER["socket"] = fork_kernel.start(folder, "fork-runner",
                                                                    fork_kernel.RUNNER_PRELOAD)
        os.environ["JUPYTER_PATH"] = os.pathsep.join(filter(None, [folder, os.environ.get("JUPYTER_PATH")]))


# The socket of the server whose forks run `python -m pytest` for nbval (tools/fork_kernel.py), or None.
RUNNER = {"socket": None}


# Tests that run a notebook through the pool themselves, and wait for it.
RUNS_IN_POOL = {"test_nbgrader_export", "test_student_kernels_cannot_import_the_build_tools",
                "test_interrupt_reaches_a_forked_kernel", "test_a_forked_kernel_that_dies_is_reported_dead"}


def order(item):
    names = set(getattr(item, "fixturenames", ()))
    if names & NEEDS_POOL or getattr(item, "originalname", None) in RUNS_IN_POOL:
        return 2
    if "book_pdf" in names:  # the pool prints the book while the browser tests run: read it after them
        return 1.5
    if "lab" in names:  # JupyterLab opens the committed reader notebooks, not the build: while it runs
        return 0
    return 1 if names & NEEDS_BUILD else 0


def pytest_collection_modifyitems(session, config, items):
    """Cheap tests first (while the pool executes the book), then those that read the built site, then those
    that wait for notebook runs; the order within each group is kept (a stable sort)."""
    items.sort(key=order)


def pytest_collection_finish(session):
    """Start every notebook run the selected tests will need: the clean build, and whatever a test module
    hands the pool through its `prefetch(items)` function."""
    from exec_pool import Sampler

    if session.config.option.collectonly:
        return
    session.config._sampler = Sampler().start()
    items = session.items
    if any(set(item.fixturenames) & BUILT for item in items):
        start_clean_build(session.config._tmp_path_factory)
    modules = {}
    for item in items:
        module = getattr(item, "module", None)
        if module is not None and hasattr(module, "prefetch"):
            modules.setdefault(module, []).append(item)
    for module, selected in modules.items():
        module.prefetch(selected, session.config._tmp_path_factory)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    start = time.time()
    yield
    item.config._run_log["tests"].append(
        {"id": item.nodeid, "file": item.nodeid.split("::", 1)[0], "start": start, "end": time.time()})


def pytest_sessionfinish(session, exitstatus):
    from exec_pool import LOG, POOL

    sampler = getattr(session.config, "_sampler", None)
    if sampler is None:
        return
    if POOL.shutdown():  # an interrupted run: end the kernels and builds this run started
        import psutil

        for child in psutil.Process().children(recursive=True):
            try:
                child.terminate()
            except psutil.Error:
                pass
    sampler.stop()
    kernels = None
    if getattr(session.config, "_fork_socket", None):
        import fork_kernel

        kernels = dict(fork_kernel.counts(session.config._fork_socket),
                       runner=fork_kernel.counts(RUNNER["socket"]))
        session.config._fork_server.terminate()
        session.config._runner_server.terminate()
    log = dict(session.config._run_log, end=time.time(), cpus=os.cpu_count(), samples=sampler.samples,
               jobs=POOL.jobs, exitstatus=int(exitstatus), args=session.config.invocation_params.args,
               site_ready=_build.get("ready"), kernels=kernels)
    LOG.parent.mkdir(exist_ok=True)
    LOG.write_text(json.dumps(log))
    session.config._run_log_written = LOG


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    path = getattr(config, "_run_log_written", None)
    if path is None:
        return
    import test_phases

    terminalreporter.write_sep("=", "where the time went (tools/test_phases.py)")
    terminalreporter.write_line(test_phases.table(json.loads(path.read_text())))
