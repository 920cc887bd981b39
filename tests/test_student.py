"""The student editions (student/<chapter>.ipynb, written by tools/notebooks.py): one per chapter, holding every
exercise with its check call and no line of any solution's code, and running top to bottom as a student in
Colab would run it unanswered (tools/run_like_colab.py: fresh kernel, empty folder, tags stripped, build
tools unimportable), with every exercise printing its checker's ✗ line (an exercise whose check has
several items may also print ✓ for an item a blank answer gets right, such as 0 calls of a forbidden
transform)."""

import re
import sys
from pathlib import Path

import nbformat
import pytest
from chapter_exercises import chapter_exercises, check_calls, is_trivial

from conftest import CONFIG, ROOT, colab_env, notebook_seconds, toc_notebooks, wanted_chapters

sys.path.insert(0, str(ROOT / "tools"))
import grade  # noqa: E402
import run_like_colab  # noqa: E402
from exec_pool import POOL  # noqa: E402

CHAPTERS = [entry.rsplit("/", 1)[-1] for entry in toc_notebooks()]
TIMEOUT = 300  # seconds a single cell may take


def student_path(chapter):
    return ROOT / "student" / f"{chapter}.ipynb"


def lines_of(notebook):
    return {line.strip() for cell in notebook.cells for line in cell.source.split("\n")}


_runs = {}


def student_only_run(chapter, folder):
    """A copy of student/<chapter>.ipynb in `folder` in which only the code cells that can behave otherwise
    than in the reader edition (book/<chapter>.ipynb, which nbval runs whole) are left, with what they need;
    the other code cells are emptied. Returns (path, number of cells kept, number of code cells).

    Kept: the cells the reader edition does not have, the exercise, key and shared cells, the first cell;
    every cell that reads a name that a solution of the reader edition binds or changes (a solution the
    student edition lacks) or that a kept cell binds or changes, in order, so that a later cell that needs
    what a solution made is run; and every cell that binds or changes a name that a kept cell reads. An
    emptied cell reads none of those names: it is the reader edition's cell with the reader edition's
    inputs, and nbval has run it. Markdown cells stay, for the Markdown checks."""
    def touched_names(tree):
        return grade.touched_names(tree) if tree is not None else set()

    reads = grade.earlier_reads

    student = nbformat.read(student_path(chapter), as_version=4)
    reader = nbformat.read(ROOT / "book" / f"{chapter}.ipynb", as_version=4)
    reader_sources = {cell.source for cell in reader.cells if cell.cell_type == "code"}
    tainted = set()
    for cell in reader.cells:
        if cell.cell_type == "code" and cell.metadata.get("book", {}).get("role") == "solution":
            tree = grade.parse(cell.source)
            tainted |= touched_names(tree) if tree else set()
    code = [i for i, cell in enumerate(student.cells) if cell.cell_type == "code"]
    trees = {i: grade.parse(student.cells[i].source) for i in code}
    role = {i: student.cells[i].metadata.get("book", {}).get("role") for i in code}
    # cells that run otherwise than in the reader edition: their changes spread
    differ = {i for i in code if student.cells[i].source not in reader_sources or trees[i] is None
              or role[i] in ("exercise", "key")}
    keep = differ | {i for i in code if role[i] == "shared"} | set(code[:1])
    # a module's name is not a value a cell makes (torch.manual_seed(0) is a call on torch, not a change of it)
    modules = {alias.asname or alias.name.split(".")[0] for i in code if trees[i] is not None
               for node in grade.ast.walk(trees[i]) if isinstance(node, (grade.ast.Import, grade.ast.ImportFrom))
               for alias in node.names if isinstance(node, grade.ast.Import)}
    while True:
        before = len(keep)
        for i in code:  # forward: what a differing cell or a missing solution changed reaches later cells
            if i in differ:
                tainted |= touched_names(trees[i]) - modules
            elif i not in keep and reads(trees[i]) & tainted:
                keep.add(i)
                differ.add(i)
                tainted |= touched_names(trees[i]) - modules
        needed = set().union(*(reads(trees[i]) for i in keep))
        for i in reversed(code):  # backward: what kept cells read
            if i not in keep and touched_names(trees[i]) & needed:
                keep.add(i)
                needed |= reads(trees[i])
        if len(keep) == before:
            break
    for i in code:
        if i not in keep:
            student.cells[i].source = ""
    path = Path(folder) / f"{chapter}.ipynb"
    nbformat.write(student, path)
    return path, len(keep), len(code)


def run_one(chapter, env):
    """The run of the student edition's cells that can fail otherwise than the reader edition's (see
    student_only_run); when it shows a problem, the whole edition is run again and its problems count."""
    import tempfile

    try:
        path, _, _ = student_only_run(chapter, tempfile.mkdtemp(prefix="student-only-"))
        seconds, problems, notebook = run_like_colab.run(path, TIMEOUT, env=env)
        if problems:
            import warnings

            warnings.warn(f"student/{chapter}.ipynb: the run of its own cells showed a problem, so the "
                          f"whole edition ran: {problems[0][:300]}", stacklevel=1)
            seconds, problems, notebook = run_like_colab.run(student_path(chapter), TIMEOUT, env=env)
        return seconds, problems, notebook
    except Exception as error:  # a dead kernel fails this notebook, not the whole fixture
        return 0.0, [f"the run itself failed: {type(error).__name__}: {error}"], None


def prefetch(items, tmp_path_factory=None):
    """Hand the execution pool one run per student edition (conftest calls this at collection)."""
    if _runs or not any("student_runs" in item.fixturenames for item in items):
        return
    wanted = wanted_chapters(items, "student_runs")
    env = colab_env()  # the kernels' environment as run_like_colab sets it, for these kernels only
    for chapter in CHAPTERS:
        if student_path(chapter).exists() and (wanted is None or chapter in wanted):
            _runs[chapter] = POOL.submit("student", chapter, run_one, chapter, env,
                                         estimate=notebook_seconds(chapter))


@pytest.fixture(scope="session")
def student_runs(request):
    """{chapter: (seconds, problems, executed notebook)} for every student edition that exists, run like Colab,
    each in a slot of the execution pool."""
    prefetch([item for item in request.session.items if item.module.__name__ == __name__])
    return {chapter: future.result() for chapter, future in _runs.items()}


def test_student_kernels_cannot_import_the_build_tools(tmp_path):
    """The student editions run in kernels given the Colab-like environment (colab_env), not in this
    process's: a kernel started the same way must fail to import each build tool."""
    cells = [nbformat.v4.new_code_cell(f"import {module}") for module in run_like_colab.BLOCKED]
    for cell in cells:
        path = tmp_path / f"{cell.source.split()[1]}.ipynb"
        nbformat.write(nbformat.v4.new_notebook(cells=[cell]), path)
        _, problems, _ = POOL.run("student", f"import check {path.stem}", run_like_colab.run, path, 60,
                                  env=colab_env(), estimate=3.0)
        assert problems and "(as in Colab)" in problems[0], f"{cell.source} worked in a student kernel: {problems}"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_student_edition_exists(chapter):
    assert student_path(chapter).exists(), f"student/{chapter}.ipynb is missing: run `make notebooks`"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_no_solution_code(chapter):
    """No line of a solution's code cells is in the student edition, except lines the chapter also shows
    outside its solutions (an import, `y = predict(weight, bias, x)`), which give nothing away."""
    if not student_path(chapter).exists():
        pytest.skip("no student edition (test_student_edition_exists fails)")
    exercises, outside = chapter_exercises(ROOT / "book" / f"{chapter}.md")
    shown = {line.strip() for source in outside for line in source.split("\n")}
    student = lines_of(nbformat.read(student_path(chapter), as_version=4))
    leaked = sorted({
        (exercise.label, line.strip())
        for exercise in exercises for source in exercise.solution for line in source.split("\n")
        if not is_trivial(line) and line.strip() not in shown and line.strip() in student
    })
    assert not leaked, f"student/{chapter}.ipynb shows solution code: {leaked}"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_exercise_and_check_is_kept(chapter):
    if not student_path(chapter).exists():
        pytest.skip("no student edition (test_student_edition_exists fails)")
    exercises, _ = chapter_exercises(ROOT / "book" / f"{chapter}.md")
    notebook = nbformat.read(student_path(chapter), as_version=4)
    code = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "code")
    assert len(grade.exercises(notebook)) == len(exercises), (
        f"student/{chapter}.ipynb has {len(grade.exercises(notebook))} '### Exercise N' sections; "
        f"book/{chapter}.md has {len(exercises)} exercises")
    for exercise in exercises:
        calls = [call for source in exercise.code for call in check_calls(source)]
        assert calls, f"{exercise.label}: its exercise cell has no check call (check_answer or check_...)"
        missing = [call for call in calls if call not in code]
        assert not missing, f"{exercise.label}: the student edition lost its check call(s): {missing}"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_student_edition_runs_and_every_exercise_shows_its_hint(chapter, student_runs):
    if chapter not in student_runs:
        pytest.skip("no student edition (test_student_edition_exists fails)")
    seconds, problems, notebook = student_runs[chapter]
    assert not problems, f"student/{chapter}.ipynb, run like Colab ({seconds:.0f} s):\n" + "\n".join(problems)
    results = grade.grade_cells(notebook)
    exercises, _ = chapter_exercises(ROOT / "book" / f"{chapter}.md")
    assert len(results) == len(exercises), f"student/{chapter}.ipynb: {len(results)} exercises, not {len(exercises)}"
    for result in results:
        where = f"student/{chapter}.ipynb, exercise {result['exercise']}"
        assert result["error"] is None, f"{where} raised: {result['message']}"
        assert result["checks"], f"{where} printed no checker line"
        # a check of several items may accept part of a blank answer (a count of 0 calls of a forbidden
        # transform), but the exercise must not pass
        assert any(not check["passed"] for check in result["checks"]), (
            f"{where} passes unanswered: {result['checks']}")


def test_instructor_guide_links_every_student_edition():
    """The instructor guide hands out a Colab link to the student edition of every chapter with exercises,
    built from _config.yml's repository, and each link names a student edition that exists."""
    guide = (ROOT / "book" / "instructor_guide.md").read_text()
    repository = CONFIG["repository"]["url"].removeprefix("https://github.com/").rstrip("/")
    prefix = f"https://colab.research.google.com/github/{repository}/blob/{CONFIG['repository']['branch']}/"
    links = re.findall(r"https://colab\.research\.google\.com/github/[^\s)>\]]+", guide)
    wrong = [link for link in links if not link.startswith(prefix)]
    assert not wrong, f"Colab links that do not follow _config.yml's repository ({prefix}): {wrong}"
    named = {link.removeprefix(prefix) for link in links}
    missing_files = sorted(path for path in named if not (ROOT / path).exists())
    assert not missing_files, f"the guide links student editions that do not exist: {missing_files}"
    with_exercises = [c for c in CHAPTERS if chapter_exercises(ROOT / "book" / f"{c}.md")[0]]
    unlinked = [c for c in with_exercises if f"student/{c}.ipynb" not in named]
    assert not unlinked, f"chapters with exercises whose student edition the guide does not link: {unlinked}"


def test_instructor_guide_names_exercises_as_the_notebooks_number_them():
    """The guide names exercises "Exercise N" as the notebooks and the site number them per chapter (not by
    their MyST labels, which readers never see); every number in its student-edition table exists."""
    guide = (ROOT / "book" / "instructor_guide.md").read_text()
    assert not re.findall(r"`ex-[\w-]+`", guide), "the guide names exercises by label: use 'Exercise N'"
    table = guide.split("## Student editions", 1)[1].split(":::", 2)[1]
    rows = re.findall(r"\* - \{doc\}`(\w+)`\n(.*?)(?=\n\* - |\Z)", table, re.S)
    assert rows, "the student-edition table has no rows"
    for chapter, cells in rows:
        count = len(grade.layout(nbformat.read(student_path(chapter), as_version=4)))
        named = [int(n) for phrase in re.findall(r"Exercises? ([\d, and]+)", cells)
                 for n in re.findall(r"\d+", phrase)]
        assert named, f"the guide's row for {chapter} names no exercise"
        assert all(1 <= n <= count for n in named), f"{chapter} has {count} exercises; the guide names {named}"
