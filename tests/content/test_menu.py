"""content/menu.yml: the topics the menu offers; the real menu is sound, a broken one is named by file and line."""
from __future__ import annotations

import pytest

from content.loader import MENU_NAME, check_catalog
from tests.content.samples import VALID_TOPIC


def test_the_real_menu_names_real_topics(checked_catalog):
    catalog, errors = checked_catalog
    assert [str(e) for e in errors] == []
    assert catalog.menu == ("vneid-register", "vneid-level2", "pay-electricity", "faq-vneid-what",
                            "faq-community-tech-team")


def test_a_valid_menu_loads_in_order(topics_dir):
    (topics_dir / "demo-topic.yml").write_text(VALID_TOPIC, encoding="utf-8")
    (topics_dir.parent / MENU_NAME).write_text("topics:\n  - demo-topic\n", encoding="utf-8")
    catalog, errors = check_catalog(topics_dir)
    assert errors == [] and catalog.menu == ("demo-topic",)


def test_no_menu_file_is_an_empty_menu(topics_dir):
    (topics_dir / "demo-topic.yml").write_text(VALID_TOPIC, encoding="utf-8")
    catalog, errors = check_catalog(topics_dir)
    assert errors == [] and catalog.menu == ()


@pytest.mark.parametrize("text, line, message", [
    ("topics:\n  - demo-topic\n  - no-such-topic\n", 3, "no topic 'no-such-topic'"),
    ("topics:\n  - demo-topic\n  - demo-topic\n", 3, "listed twice"),
    ("topics:\n  - demo-topic\n  - Not An Id\n", 3, "topics.1"),
    ("topics: []\n", 1, "topics"),
    ("menu:\n  - demo-topic\n", 1, "menu"),
    ("- demo-topic\n", 1, "expected a mapping"),
    ("topics:\n  - demo-topic\n  - \"unclosed\n", 3, "not valid YAML"),
])
def test_a_broken_menu_is_named_by_line(topics_dir, text, line, message):
    (topics_dir / "demo-topic.yml").write_text(VALID_TOPIC, encoding="utf-8")
    path = topics_dir.parent / MENU_NAME
    path.write_text(text, encoding="utf-8")
    _, errors = check_catalog(topics_dir)
    assert errors and {(e.path, e.line) for e in errors} == {(path, line)}, [str(e) for e in errors]
    assert any(message in e.message for e in errors)
