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

from conftest import ROOT

sys.path.insert(0, str(ROOT / "tests" / "tampering"))
sys.path.insert(0, str(ROOT / "tests"))
import count  # noqa: E402
import test_wrong_methods  # noqa: E402

# The tries are graded in the chapter's run of tests/test_wrong_methods.py (tags "N/tk", "N/vk"), beside its
# wrong methods: one kernel per chapter for both files.
prefetch = test_wrong_methods.prefetch


@pytest.fixture(scope="session")
def tampering_runs(request):
    """{chapter: future of test_wrong_methods.grade_chapter}, each chapter a job of the execution pool."""
    prefetch([item for item in request.session.items if item.module.__name__ == __name__])
    return test_wrong_methods._runs


@pytest.fixture
def runs(tampering_runs, chapter):
    """{"k": try k, "vk": variant k, "N/solution": a solution} of the chapter's run."""
    results, _, _ = tampering_runs[chapter].result()
    found = {}
    for tag, result in results.items():
        kind = tag.split("/", 1)[1]
        if kind.startswith("t"):
            found[kind[1:]] = result
        elif kind.startswith("v") or kind == "solution":
            found[kind if kind.startswith("v") else tag] = result
    return {chapter: found}


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
