"""docs/content.md is generated from the topics and kept up to date."""
from __future__ import annotations

from content.table import DOC, render, row


def test_committed_table_is_up_to_date(catalog):
    assert DOC.is_file(), "run .venv/bin/python -m content.table"
    assert DOC.read_text(encoding="utf-8") == render(catalog), \
        "docs/content.md is out of date: run .venv/bin/python -m content.table"


def test_table_has_one_row_per_topic(catalog):
    text = render(catalog)
    assert all(row(topic) in text for topic in catalog)
    assert text.count("\n| `") == len(catalog)


def test_row_counts_steps_examples_and_sources(catalog):
    topic = catalog["vneid-register"]
    cells = [c.strip() for c in row(topic).strip("|").split(" | ")]
    assert cells[:2] == ["`vneid-register`", "tutorial"]
    assert cells[3:5] == [str(len(topic.steps)), str(len(topic.examples))]
    assert cells[5].startswith(f"{len(topic.sources)}: ") and "dean06.hanam.gov.vn" in cells[5]
    assert cells[6:] == [topic.reviewed_on.isoformat(), f"`{topic.next_topic}`"]
