"""Tries at getting points without the work (issue 21), graded by tools/grade.py: each try in
tests/tampering/<chapter>.py must get no point, and the book's solutions of the same exercises, graded
in the same run at points drawn at grading time, must get theirs. The classes: rebinding a name the check
reads (in exercises the grader calls, and in exercises the notebook checks: count_flops, FlopCounterMode,
op_counts, hessian), copying the answer (the key found in globals, the unseen point rebuilt, answers
tabled), counters that cannot tell the method (forward mode for a backward loop, a method switched by call
number or by input size, dtype or kind of function, a loop relabelled by vmap(lambda r: r), a typed
formula passed through a linear map's gradient, a prediction measured), and patching (torch.allclose,
builtins.abs). Right methods in other forms (VARIANTS: jacrev in
float64 cast to float32, .backward() with .grad, reverse over reverse, grad of jvp,
autograd.functional.hvp) must get theirs. `python tests/tampering/count.py [REPO]` prints
how many get points with another copy of the grader (main's, for the before/after count)."""

import sys

import pytest
from chapter_exercises import answer_source, reader_solutions

from conftest import ROOT

sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "tests" / "tampering"))
import count  # noqa: E402
import grade  # noqa: E402
from exec_pool import POOL  # noqa: E402

_runs = {}


def solutions(chapter, labels):
    import nbformat

    notebook = nbformat.read(grade.STUDENT_DIR / f"{chapter}.ipynb", as_version=4)
    numbers = {cell.metadata["book"]["label"]: cell.metadata["book"]["exercise"] for cell in notebook.cells
               if cell.metadata.get("book", {}).get("role") == "exercise"}
    parts = grade.layout(notebook)
    found = {}
    for label in labels:
        number = numbers[label]
        student_part, check, _ = grade.split_exercise(notebook.cells[parts[number]["cells"][-1]].source)
        found[number] = answer_source(student_part, "\n\n".join(reader_solutions(chapter)[number]), check)
    return found


def run(chapter):
    labels = {label for label, *_ in count.load_tries(chapter)}
    return count.grade_tries(grade, chapter, solutions=solutions(chapter, labels))[0]


def prefetch(items, tmp_path_factory=None):
    """Hand the execution pool one graded run of the tries per chapter the selected tests need (conftest
    calls this at collection)."""
    wanted = sorted({item.callspec.params["chapter"] for item in items
                     if item.module.__name__ == __name__ and "tampering_runs" in item.fixturenames}
                    - set(_runs))
    for chapter in wanted:
        _runs[chapter] = POOL.submit("tampering", chapter, run, chapter, estimate=40.0)


@pytest.fixture(scope="session")
def tampering_runs(request):
    """{chapter: future of the graded tries}, each chapter a job of the execution pool."""
    prefetch([item for item in request.session.items if item.module.__name__ == __name__])
    return _runs


@pytest.fixture
def runs(tampering_runs, chapter):
    return {chapter: tampering_runs[chapter].result()}


@pytest.mark.parametrize("chapter, k", [(chapter, k) for chapter in count.chapters()
                                        for k in range(len(count.load_tries(chapter)))])
def test_a_try_gets_no_point(chapter, k, runs):
    label, _, kind, why, _, _ = count.load_tries(chapter)[k]
    result = runs[chapter][str(k)]
    assert not result["passed"], f"{chapter}, {label}, {kind}: {why} gets the point: {result['message']}"


@pytest.mark.parametrize("chapter, k", [(chapter, k) for chapter in count.chapters()
                                        for k in range(len(count.load_variants(chapter)))])
def test_a_right_method_in_another_form_gets_the_point(chapter, k, runs):
    label, _, why, _ = count.load_variants(chapter)[k]
    result = runs[chapter][f"v{k}"]
    assert result["passed"], f"{chapter}, {label}: {why} gets no point: {result['message']}"


@pytest.mark.parametrize("chapter", count.chapters())
def test_solutions_pass_at_points_drawn_at_grading_time(chapter, runs):
    failing = {tag: r["message"] for tag, r in runs[chapter].items() if tag.endswith("/solution")
               and not r["passed"]}
    assert not failing and any(tag.endswith("/solution") for tag in runs[chapter]), failing
