"""Execute the book's chapters into jupyter-book's execution cache, so that a following
`jupyter-book build` only renders: each chapter is read as myst-nb reads it, executed as myst-nb executes
it (jupyter-cache's single_nb_execution, in the chapter's folder, the _config.yml timeout, no errors
allowed) and stored in the cache under the key myst-nb looks up (the hash of the code cells and the
kernelspec). A chapter that fails is not stored: the build then executes it itself and reports it.

The test harness runs one chapter per slot of its execution pool (tests/conftest.py); by hand:

    python tools/build_cache.py OUT          # OUT/_build/.jupyter_cache, for --path-output OUT
    jupyter-book build --all -W -n --keep-going --path-output OUT .

`render()` runs the build itself with its output in a file and in a process group of its own, which it
ends afterwards: the KaTeX node server that sphinxcontrib-katex starts can outlive the build and hold the
output pipe of whoever started it (the build then never seems to end).
"""

import concurrent.futures
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
_cache_lock = threading.Lock()  # jupyter-cache keeps an SQLite database: one writer at a time


def cache_path(output):
    """Where `jupyter-book build --path-output OUTPUT` keeps its execution cache (myst-nb's default)."""
    configured = (CONFIG.get("execute") or {}).get("cache")
    return Path(configured) if configured else Path(output) / "_build" / ".jupyter_cache"


def read_as_myst_nb(md_path):
    """The notebook myst-nb makes of a MyST Markdown chapter (the same reader and parser settings)."""
    from myst_nb.core.read import read_myst_markdown_notebook
    from myst_parser.config.main import MdParserConfig

    extensions = set((CONFIG.get("parse") or {}).get("myst_enable_extensions") or [])
    config = MdParserConfig(enable_extensions=extensions)
    return read_myst_markdown_notebook(Path(md_path).read_text(encoding="utf8"), config=config,
                                       add_source_map=True, path=str(md_path))


def execute_into_cache(md_path, output):
    """Execute one chapter and store it in the cache of a build into OUTPUT; return (seconds, error text
    or None)."""
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn
    from jupyter_cache.executors.utils import single_nb_execution

    md_path = Path(md_path).resolve()
    notebook = read_as_myst_nb(md_path)
    execute = CONFIG.get("execute") or {}
    result = single_nb_execution(notebook, cwd=str(md_path.parent), timeout=execute.get("timeout", 30),
                                 allow_errors=execute.get("allow_errors", False), meta_override=True)
    if result.err is not None:
        return result.time, result.exc_string or repr(result.err)
    with _cache_lock:
        cache = get_cache(str(cache_path(output)))
        cache.cache_notebook_bundle(CacheBundleIn(notebook, str(md_path), data={"execution_seconds": result.time}),
                                    check_validity=False, overwrite=True)
    return result.time, None


def is_cached(md_path, output):
    """Whether the cache of a build into OUTPUT holds this chapter's current code."""
    from jupyter_cache import get_cache

    try:
        get_cache(str(cache_path(output))).match_cache_notebook(read_as_myst_nb(md_path))
    except KeyError:
        return False
    return True


def render(output, log_path, extra_args=(), env=None):
    """`jupyter-book build --all -W -n --keep-going --path-output OUTPUT .` with its output in LOG_PATH and
    its own process group, ended when the build exits. Returns (exit code, log text)."""
    command = [str(Path(sys.executable).parent / "jupyter-book"), "build", "--all", "-W", "-n", "--keep-going",
               "--path-output", str(output), *extra_args, "."]
    with open(log_path, "w") as log:
        process = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True, env=env)
        try:
            code = process.wait()
        finally:
            end_group(process.pid)
    return code, Path(log_path).read_text(errors="replace")


def end_group(pgid):
    """SIGTERM, then SIGKILL, to whatever is left of a process group (the KaTeX node server)."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(pgid, sig)
        except (ProcessLookupError, PermissionError):
            return
        time.sleep(0.5)


def main():
    output = Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
    sys.path.insert(0, str(ROOT / "tests"))
    from conftest import toc_notebooks

    chapters = [ROOT / f"{entry}.md" for entry in toc_notebooks()]
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        for md, (seconds, error) in zip(chapters, pool.map(lambda md: execute_into_cache(md, output), chapters), strict=True):
            print(f"{'FAIL' if error else 'ok  '} {md.relative_to(ROOT)} ({seconds:.1f} s)"
                  + (f"\n{error[-2000:]}" if error else ""), flush=True)


if __name__ == "__main__":
    main()
