"""Wrong methods must fail their exercise's check. Each chapter's tests/wrong_methods/<chapter>.py lists
plausible wrong answers to its method exercises:

    WRONG = [(exercise label, index of the exercise's code cell (0 = first), why it is wrong, cell source)]

For each chapter, one run of its student edition holds every try (each as a copy of its exercise's cells
after the exercise, graded on its own) and the reader edition's solution of each tried exercise; the run is
graded by tools/grade.py, the tamper-proof grader. Every try must fail through a ✗ line of its check (a try
that raises proves nothing about the check), and every solution must pass under the same conditions.

The run is the grader's, as a student's notebook is graded: cells that neither the checks, the exercises,
the hidden reference cells nor the shared cells need (timing sweeps, plots, prose) are emptied before it
(grade.prune), so a solution that fails here fails a student's grading too."""

import importlib.util
import sys

import nbformat
import pytest
from chapter_exercises import answer_source, reader_solutions

from conftest import ROOT, notebook_seconds

sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "tests" / "tampering"))
import count as tampering  # noqa: E402
import grade  # noqa: E402
from exec_pool import POOL  # noqa: E402

WRONG_DIR = ROOT / "tests" / "wrong_methods"


def load(chapter):
    spec = importlib.util.spec_from_file_location(f"wrong_methods_{chapter}", WRONG_DIR / f"{chapter}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.WRONG


def chapters():
    return sorted(path.stem for path in WRONG_DIR.glob("*.py") if not path.stem.startswith("_"))


def run_chapters():
    """The chapters with a graded run: those with wrong methods or tampering tries."""
    return sorted(set(chapters()) | set(tampering.chapters()))


def params():
    found = []
    for chapter in chapters():
        for k, (label, _, why, _) in enumerate(load(chapter)):
            found.append(pytest.param(chapter, k, id=f"{chapter}-{label}-{k}-{why[:60]}"))
    return found


def labels(notebook):
    """{exercise label: exercise number} from the student edition's cell metadata."""
    return {cell.metadata["book"]["label"]: cell.metadata["book"]["exercise"] for cell in notebook.cells
            if cell.metadata.get("book", {}).get("role") == "exercise"}


def grade_chapter(chapter):
    """{tag: result} for one chapter's run: tag "N/k" for try k of WRONG, "N/tk" for try k of the chapter's
    tests/tampering/ file and "N/vk" for its right variant k (tests/test_tampering.py reads these), and
    "N/solution" for the solution of each tried exercise. One run serves both files: a kernel and the
    chapter's set-up cells once."""
    notebook = nbformat.read(ROOT / "student" / f"{chapter}.ipynb", as_version=4)
    numbers = labels(notebook)
    parts = grade.layout(notebook)
    solutions = reader_solutions(chapter)
    tries, unknown = [], []
    wrong = load(chapter) if (WRONG_DIR / f"{chapter}.py").exists() else []
    for k, (label, position, _, source) in enumerate(wrong):
        if label not in numbers or not 0 <= position < len(parts[numbers[label]]["cells"]):
            unknown.append(k)  # no such exercise, or no such code cell in it
            continue
        tries.append((f"{numbers[label]}/{k}", numbers[label], position, source))
    if chapter in tampering.chapters():
        for k, (label, position, _, _, source, _) in enumerate(tampering.load_tries(chapter)):
            tries.append((f"{numbers[label]}/t{k}", numbers[label], position, source))
        for k, (label, position, _, source) in enumerate(tampering.load_variants(chapter)):
            tries.append((f"{numbers[label]}/v{k}", numbers[label], position, source))
    for number in sorted({n for _, n, _, _ in tries}):
        check_index = parts[number]["cells"][-1]
        student_part, check, _ = grade.split_exercise(notebook.cells[check_index].source)
        right = answer_source(student_part, "\n\n".join(solutions.get(number, [])), check)
        tries.append((f"{number}/solution", number, len(parts[number]["cells"]) - 1, right))
    tried = {tag for tag, _, _, _ in tries}

    # run as a student's notebook is: only the cells the graded cells need (grade.prune), here the tries
    # and solutions of this file (the chapter's other exercises are not read)
    _, results, _, _ = grade.grade_notebook(notebook, tries=tries, only=tried)
    return {r["exercise"]: r for r in results if r["exercise"] in tried}, unknown, numbers


_runs = {}


def prefetch(items, tmp_path_factory=None):
    """Hand the execution pool one graded run per chapter the selected tests need (conftest calls this at
    collection)."""
    wanted = sorted({item.callspec.params["chapter"] for item in items
                     if getattr(item, "callspec", None) and "chapter" in item.callspec.params
                     and {"chapter_runs", "tampering_runs"} & set(item.fixturenames)} - set(_runs))
    for chapter in wanted:
        # a pruned run is shorter than the chapter
        _runs[chapter] = POOL.submit("wrong methods", chapter, grade_chapter, chapter,
                                     estimate=0.8 * notebook_seconds(chapter))


@pytest.fixture(scope="session")
def chapter_runs(request):
    """{chapter: future of grade_chapter}, each chapter a job of the execution pool."""
    prefetch([item for item in request.session.items if item.module.__name__ == __name__])
    return _runs


@pytest.mark.parametrize("chapter, k", params())
def test_wrong_method_fails_through_its_check(chapter, k, chapter_runs):
    label, position, why, _ = load(chapter)[k]
    results, unknown, numbers = chapter_runs[chapter].result()
    assert k not in unknown, (f"{chapter}: no exercise labelled {label!r} with a code cell {position} "
                                  f"(labels: {sorted(numbers)})")
    result = results[f"{numbers[label]}/{k}"]
    where = f"{chapter}, {label} (exercise {numbers[label]}), try {k} ({why})"
    assert result["error"] is None, f"{where} raised instead of failing a check: {result['message']}"
    assert not result["passed"], f"{where} passes its check: {result['message']}"
    assert any(not check["passed"] for check in result["checks"]), f"{where}: no ✗ line ({result['message']})"


@pytest.mark.parametrize("chapter", chapters())
def test_solutions_of_the_tried_exercises_pass_in_the_same_run(chapter, chapter_runs):
    results, _, _ = chapter_runs[chapter].result()
    failing = {tag: r["message"] for tag, r in results.items() if tag.endswith("/solution") and not r["passed"]}
    assert not failing, f"{chapter}: the reader edition's solutions fail in the run of the wrong tries: {failing}"
