"""No measured number is typed into prose: times and speed-ups in a chapter's Markdown come from the executed
notebook through glue. This test looks for a number followed by a time unit or a speed-up word in the prose of
every notebook chapter (outside glue roles, math and code) and fails on any that is not a known constant."""

import re

import jupytext
import pytest

from conftest import book_notebook_mds

NUMBER_WITH_UNIT = re.compile(
    r"(?<![\w.{`$-])(\d+(?:[.,]\d+)?)\s*"
    # a time unit, or a speed-up: "3×", "3 x", "3 times faster" (but not a product such as "3 × P")
    r"(µs|ms|seconds?|minutes?|s\b|(?:×|x\b)(?!\s*(?!(?:faster|slower|cheaper|more|less|larger|smaller|as)\b)[\w{($])"
    r"|times (?:faster|slower|as long|cheaper))"
)
# Numbers that look like measurements but are not, with the reason they may stay in the prose.
ALLOWED = {
    ("jacrev_vs_jacfwd.md", "1.5 times faster"): "the chapter's definition of a clear win",
    ("compilation.md", "12 s"): "a given of an exercise ('a colleague measured, on another machine')",
    ("compilation.md", "900 µs"): "a given of an exercise",
    ("compilation.md", "60 µs"): "a given of an exercise",
}


def prose(md):
    for cell in jupytext.read(md).cells:
        if cell.cell_type != "markdown":
            continue
        text = re.sub(r"\{glue(?::\w+)?\}`[^`]*`", " GLUED ", cell.source)
        text = re.sub(r"\$\$.*?\$\$|\$[^$]*\$", " ", text, flags=re.DOTALL)
        yield re.sub(r"`[^`]*`", " ", text)


@pytest.mark.parametrize("md", book_notebook_mds(), ids=lambda p: p.name)
def test_no_typed_measurements(md):
    found = [m.group(0) for text in prose(md) for m in NUMBER_WITH_UNIT.finditer(text)]
    typed = [number for number in found if (md.name, number) not in ALLOWED]
    assert not typed, (
        f"{md.name}: numbers typed into the prose that look measured: {typed}. Compute them in a cell, glue them "
        "and insert them with {glue:text}`name:.1f`; if one is a constant, add it to ALLOWED in this test with the reason."
    )


def test_allowed_numbers_are_still_there():
    """An allowance for a number that no longer appears is stale: remove it."""
    texts = {md.name: " ".join(prose(md)) for md in book_notebook_mds()}
    stale = [key for key in ALLOWED if key[1] not in texts.get(key[0], "")]
    assert not stale, f"ALLOWED lists numbers the prose no longer has: {stale}"
