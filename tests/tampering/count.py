"""Grade every try of tests/tampering/ with a given copy of the repository's grader and print, per try,
whether it got the point; the book's solutions are graded in the same run as controls.

    python tests/tampering/count.py [REPO [CHAPTER,...]]
    # REPO: a checkout whose tools/grade.py and student/ to use; CHAPTERs: one run per try there

With REPO an export of main before issue 21 (git archive 1f3a981), the tries use their `main` source
where they have one (the prediction exercise changed form)."""

import importlib.util
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def load_module(chapter):
    spec = importlib.util.spec_from_file_location(f"tampering_{chapter}", HERE / f"{chapter}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_tries(chapter):
    return load_module(chapter).TRIES


def load_variants(chapter):
    """[(label, cell index, why, source)]: right methods in other forms, which must get the point."""
    return getattr(load_module(chapter), "VARIANTS", [])


def chapters():
    return sorted(p.stem for p in HERE.glob("*.py") if p.stem not in ("count", "__init__"))


def grade_tries(grade, chapter, before=False, solutions=None, only=None):
    """{tag: result} of one run of the chapter's student edition holding every try (tag "k") and the
    solutions given ({number: cell source}, tag "N/solution")."""
    import nbformat

    notebook = nbformat.read(grade.STUDENT_DIR / f"{chapter}.ipynb", as_version=4)
    numbers = {cell.metadata["book"]["label"]: cell.metadata["book"]["exercise"] for cell in notebook.cells
               if cell.metadata.get("book", {}).get("role") == "exercise"}
    parts = grade.layout(notebook)
    tries = []
    for k, (label, position, _, _, source, main_source) in enumerate(load_tries(chapter)):
        if only is not None and k != only:
            continue
        tries.append((str(k), numbers[label], position, main_source if before and main_source else source))
    for k, (label, position, _, source) in enumerate(load_variants(chapter) if solutions else []):
        tries.append((f"v{k}", numbers[label], position, source))
    for number, source in (solutions or {}).items():
        tries.append((f"{number}/solution", number, len(parts[number]["cells"]) - 1, source))
    _, results, seconds, _ = grade.grade_notebook(notebook, tries=tries)
    tags = {tag for tag, _, _, _ in tries}
    return {r["exercise"]: r for r in results if r["exercise"] in tags}, seconds


def main():
    root = Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else HERE.parent.parent
    sys.path.insert(0, str(root / "tools"))
    spec = importlib.util.spec_from_file_location("grade_under_test", root / "tools" / "grade.py")
    grade = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(grade)
    before = root != HERE.parent.parent
    table = []
    isolated = set(sys.argv[2].split(",")) if len(sys.argv) > 2 else set()
    for chapter in chapters():
        if chapter in isolated:  # one run per try: a try that rebinds a name cannot spoil the next
            results, seconds = {}, 0
            for k in range(len(load_tries(chapter))):
                found, took = grade_tries(grade, chapter, before, only=k)
                results.update(found)
                seconds += took
        else:
            results, seconds = grade_tries(grade, chapter, before)
        for k, (label, _, kind, why, _, _) in enumerate(load_tries(chapter)):
            r = results[str(k)]
            table.append({"chapter": chapter, "label": label, "class": kind, "why": why,
                          "points": bool(r["passed"]), "message": r["message"][:160]})
        print(f"{chapter}: graded in {seconds:.0f} s", file=sys.stderr)
    print(json.dumps(table, indent=1))
    print(f"{sum(t['points'] for t in table)} of {len(table)} tries got points", file=sys.stderr)


if __name__ == "__main__":
    main()
