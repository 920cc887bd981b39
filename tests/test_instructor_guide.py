"""The instructor guide agrees with itself: each chapter's minutes in the session plan are the minutes of
its table, and no session holds more minutes than its slot."""

import re
from pathlib import Path

GUIDE = Path(__file__).resolve().parent.parent / "book" / "instructor_guide.md"


def table_minutes(text):
    """{chapter: minutes} from the list-table rows: `* - {doc}`chapter`` ... `  - N min`."""
    minutes = {}
    for row in re.split(r"\n\* - ", text.split(":::{list-table}")[1].split(":::")[0])[1:]:
        chapter = re.match(r"\{doc\}`(\w+)`", row)
        time = re.search(r"\n  - (\d+) min", row)
        if chapter and time:
            minutes[chapter.group(1)] = int(time.group(1))
    return minutes


def sessions(text):
    """[(slot minutes, [(chapter or None, minutes)])] from the numbered items of the session plan."""
    plan = text.split("## A session plan")[1].split("\n## ")[0]
    slot = int(re.search(r"(\d+)-minute sessions", plan).group(1))
    items = re.split(r"\n\d+\. ", plan)[1:]
    found = []
    for item in items:
        item = item.split("Homework")[0]
        of_chapter = {m.start(2): m.group(1) for m in re.finditer(r"\{doc\}`(\w+)`\s+\((\d+) min", item)}
        parts = [(of_chapter.get(m.start(1)), int(m.group(1))) for m in re.finditer(r"(\d+) min", item)]
        found.append((slot, parts))
    return found


def problems(text):
    table = table_minutes(text)
    found = []
    for number, (slot, parts) in enumerate(sessions(text), 1):
        for chapter, minutes in parts:
            if chapter and table.get(chapter) != minutes:
                found.append(f"session {number}: {chapter} {minutes} min, the table says {table.get(chapter)}")
        total = sum(minutes for _, minutes in parts)
        if total > slot:
            found.append(f"session {number}: {total} min in a {slot}-minute slot")
    return found


def test_session_plan_agrees_with_the_table():
    text = GUIDE.read_text()
    assert len(table_minutes(text)) >= 15 and sessions(text), "the guide's table or plan was not found"
    assert not problems(text), "\n".join(problems(text))
