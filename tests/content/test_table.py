"""docs/content.md is generated from the topics and kept up to date."""
from __future__ import annotations

from content.table import DOC, SCREENS_HEADER, render, row, screens_row


def test_committed_table_is_up_to_date(catalog):
    assert DOC.is_file(), "run .venv/bin/python -m content.table"
    assert DOC.read_text(encoding="utf-8") == render(catalog), \
        "docs/content.md is out of date: run .venv/bin/python -m content.table"


def test_table_has_one_row_per_topic(catalog):
    text = render(catalog).split(SCREENS_HEADER)[0]
    assert all(row(topic) in text for topic in catalog)
    assert text.count("\n| `") == len(catalog)


def test_row_counts_steps_examples_and_sources(catalog):
    topic = catalog["vneid-register"]
    cells = [c.strip() for c in row(topic).strip("|").split(" | ")]
    assert cells[:2] == ["`vneid-register`", "tutorial"]
    assert cells[3:5] == [str(len(topic.steps)), str(len(topic.examples))]
    assert cells[5].startswith(f"{len(topic.sources)}: ") and "dean06.hanam.gov.vn" in cells[5]
    assert cells[6:] == [topic.reviewed_on.isoformat(), f"`{topic.next_topic}`"]


def test_screens_table_counts_each_tutorials_steps_with_a_screen(catalog):
    text = render(catalog).split(SCREENS_HEADER)[1]
    tutorials = [t for t in catalog if t.is_tutorial]
    assert ("\n" + text).count("\n| `") == len(tutorials) and all(screens_row(t) in text for t in tutorials)
    cells = [c.strip() for c in screens_row(catalog["vneid-documents"]).strip("|").split(" | ")]
    steps = catalog["vneid-documents"].steps
    assert cells == ["`vneid-documents`", str(len(steps)), str(sum(bool(s.image) for s in steps)),
                     str(len({s.image for s in steps if s.image}))]
    shown = {s.image for t in tutorials for s in t.steps if s.image}
    assert f"\n{len(shown)} screens; " in text
