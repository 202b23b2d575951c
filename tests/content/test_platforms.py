"""A topic's `platform:`: one of content/platforms.yml, tutorials only; errors named by file and line."""
from __future__ import annotations

import pytest

from content.loader import PLATFORMS_FILE, check_catalog
from content.schema import PlatformList
from tests.content.samples import VALID_TOPIC, the_one_error, topic_text

# A tutorial with a platform: line 3 holds it (the lines below move down by one).
WITH_PLATFORM = VALID_TOPIC.replace("kind: tutorial\n", "kind: tutorial\nplatform: vneid-level2\n", 1)
FAQ_WITH_PLATFORM = WITH_PLATFORM.replace("kind: tutorial", "kind: faq").replace(
    VALID_TOPIC[VALID_TOPIC.index("steps:"):VALID_TOPIC.index("next_topic:")], "").replace(
    "next_topic: null", 'answer: "Trả lời ngắn."')


def test_real_tutorials_bring_known_platforms(checked_catalog):
    catalog, _ = checked_catalog
    assert catalog["vneid-level2"].platform == "vneid-level2"
    assert catalog["pay-electricity"].platform == "online-electricity-payment"
    assert catalog["health-insurance-vssid"].platform == "vssid"
    assert all(t.platform in catalog.platforms for t in catalog if t.platform)
    assert all(t.platform is None for t in catalog if not t.is_tutorial)


def test_the_vocabulary_has_the_issue_platforms(checked_catalog):
    catalog, _ = checked_catalog
    assert {"vneid-level1", "vneid-level2", "dvc-account", "cashless-payment", "vssid",
            "online-electricity-payment"} <= set(catalog.platforms)
    assert PlatformList.model_validate({"platforms": [{"id": "x", "name": "X"}]}).platforms[0].id == "x"
    assert PLATFORMS_FILE.is_file()


def test_a_tutorial_with_a_known_platform_loads(topics_dir):
    (topics_dir / "demo-topic.yml").write_text(WITH_PLATFORM, encoding="utf-8")
    catalog, errors = check_catalog(topics_dir)
    assert errors == [] and catalog["demo-topic"].platform == "vneid-level2"


@pytest.mark.parametrize("text, line, words", [
    pytest.param(WITH_PLATFORM.replace("platform: vneid-level2", "platform: no-such-platform"), 3,
                 "platform: unknown platform 'no-such-platform'", id="unknown"),
    pytest.param(WITH_PLATFORM.replace("platform: vneid-level2", "platform: VNeID_2"), 3,
                 "platform: String should match pattern", id="bad-pattern"),
    pytest.param(FAQ_WITH_PLATFORM, 3, "an faq brings no platform", id="faq"),
])
def test_a_bad_platform_is_named_by_line(topics_dir, text, line, words):
    path = topics_dir / "demo-topic.yml"
    path.write_text(text, encoding="utf-8")
    _, errors = check_catalog(topics_dir)
    assert words in the_one_error(errors, path, line)


def test_a_platform_listed_twice_is_named(topics_dir):
    (topics_dir.parent / "platforms.yml").write_text(
        'platforms:\n  - id: vssid\n    name: "VssID"\n  - id: vssid\n    name: "Lần nữa"\n', encoding="utf-8")
    (topics_dir / "demo-topic.yml").write_text(topic_text(), encoding="utf-8")
    _, errors = check_catalog(topics_dir)
    assert [str(e) for e in errors] == [f"{topics_dir.parent / 'platforms.yml'}:4: platform 'vssid' is listed twice"]
