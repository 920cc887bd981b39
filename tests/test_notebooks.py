"""nbval executes every paired notebook; each chapter in _toc.yml must have been executed, every cell passing."""

import xml.etree.ElementTree as ET

import pytest

from conftest import BIN, ROOT, run, toc_notebooks


@pytest.fixture(scope="session")
def nbval_results(tmp_path_factory):
    """Run nbval (--nbval-lax: the asserts inside the notebooks carry the checks) over every book/*.ipynb,
    two notebooks at a time, and return {notebook path: [(cell id, failure text or None)]}."""
    report = tmp_path_factory.mktemp("nbval") / "junit.xml"
    notebooks = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "book").glob("*.ipynb"))
    result = run(
        [str(BIN / "python"), "-m", "pytest", "--nbval-lax", "-p", "no:cacheprovider", "-q",
         "-n", "2", "--dist", "loadfile", f"--junitxml={report}", "-o", "junit_family=xunit1", *notebooks]
    )
    results = {}
    for case in ET.parse(report).getroot().iter("testcase"):
        notebook = case.get("file") or case.get("classname", "").replace(".", "/")
        failure = case.find("failure")
        if failure is None:
            failure = case.find("error")
        text = None if failure is None else (failure.get("message", "") + "\n" + (failure.text or ""))
        results.setdefault(notebook, []).append((case.get("name"), text))
    return results, result


@pytest.mark.parametrize("chapter", toc_notebooks())
def test_chapter_executes(chapter, nbval_results):
    results, process = nbval_results
    notebook = f"{chapter}.ipynb"
    cells = results.get(notebook)
    assert cells, (
        f"{notebook} (listed in _toc.yml) was not executed by nbval. nbval saw: {sorted(results)}\n"
        + process.stdout[-2000:]
    )
    failures = [(cell, text) for cell, text in cells if text is not None]
    assert not failures, f"{notebook}: {failures[0][0]} failed:\n{failures[0][1][-3000:]}"
