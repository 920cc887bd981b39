"""Links point at the chapter that holds their topic. When a topic moves to another chapter (the hvp
material left hessians_and_hvp for hvp), the sentences that cite the old chapter for it go stale and
nothing else notices: the link still resolves. MOVED lists each moved topic (a pattern for the words
that name it, the chapter that lost it, the chapter that holds it); this test fails when a sentence
names the topic and links the old chapter (by {doc}, by a {ref} label defined there, or by a Markdown
link to its page), and when the list itself goes stale (the holder's headings must name the topic and
the old chapter's must not)."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BOOK = ROOT / "book"

# (topic pattern, chapter that lost it, chapter that holds it)
MOVED = [
    (
        r"Hessian[–-]vector|\bhvps?\b|Gauss[–-]Newton|zero tangent",
        "hessians_and_hvp",
        "hvp",
    ),
]

ROLE = re.compile(r"\{(doc|ref)\}`(?:[^`<]*<)?([^`>]+)>?`")
MD_LINK = re.compile(r"\]\((?:\./)?([\w-]+)\.(?:md|html|ipynb)(?:#[^)]*)?\)")


def pages():
    return sorted(BOOK.glob("*.md")) + [ROOT / "README.md"]


def labels():
    """Each `(label)=` target and the chapter that defines it."""
    found = {}
    for md in BOOK.glob("*.md"):
        for label in re.findall(r"^\(([\w-]+)\)=\s*$", md.read_text(), flags=re.MULTILINE):
            found[label] = md.stem
    return found


def passages(text):
    """Sentences, list items and table cells: the unit a link is cited in."""
    text = re.sub(r"```.*?```", "\n\n", text, flags=re.DOTALL)  # code cells
    for block in re.split(r"\n\s*\n", text):
        # a list item or a list-table cell starts a new passage
        for item in re.split(r"\n\s*(?:[*-]|\d+\.)\s+(?:-\s+)?", "\n" + block):
            yield from re.split(r"(?<=[.!?:;])\s+(?=[A-Z{*(])", item.strip())


def targets(passage, label_chapter):
    for kind, target in ROLE.findall(passage):
        yield target if kind == "doc" else label_chapter.get(target, "")
    yield from MD_LINK.findall(passage)


def headings(chapter):
    text = (BOOK / f"{chapter}.md").read_text()
    text = re.sub(r"```.*?```", "", text, flags=re.DOTALL)
    return re.findall(r"^#+ (.*)$", text, flags=re.MULTILINE)


def stale_links(page_texts):
    label_chapter = labels()
    stale = []
    for name, text in page_texts.items():
        for passage in passages(text):
            words = ROLE.sub(" ", passage)  # the topic must be in the words, not in a link
            for pattern, lost, holds in MOVED:
                if name == lost or not re.search(pattern, words):
                    continue
                linked = set(targets(passage, label_chapter))
                if lost in linked and holds not in linked:
                    stale.append(f"{name}: cites {lost} for what {holds} holds: {passage[:160]!r}")
    return stale


def test_no_link_cites_a_chapter_for_a_topic_it_lost():
    stale = stale_links({p.stem if p.parent == BOOK else p.name: p.read_text() for p in pages()})
    assert not stale, "links to a chapter that no longer holds the topic:\n" + "\n".join(stale)


@pytest.mark.parametrize("pattern,lost,holds", MOVED)
def test_the_list_of_moved_topics_is_true(pattern, lost, holds):
    assert any(re.search(pattern, h) for h in headings(holds)), f"{holds} has no heading on {pattern}"
    kept = [h for h in headings(lost) if re.search(pattern, h)]
    assert not kept, f"{lost} still has a heading on {pattern}: {kept}; remove it from MOVED"


def test_the_check_sees_a_stale_link():
    """The check itself: a sentence citing the old chapter for the moved topic is found, and the same
    sentence that also links the holder is not."""
    assert stale_links({"x": "Gauss–Newton products are in {doc}`hessians_and_hvp`."})
    assert stale_links({"x": "See {ref}`the hvp cost <hvp-cost>` and hvps in [here](hessians_and_hvp.md)."})
    assert not stale_links({"x": "hvps: {doc}`hvp`, after {doc}`hessians_and_hvp`."})
