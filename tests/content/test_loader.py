"""Topic files: the real catalog is complete, and every broken file is named by file and line."""
from __future__ import annotations

import shutil

import pytest

from bot import cli
from bot.settings import Settings
from content import CONTENT_DIR
from content.loader import CATALOG_SPEC, ContentInvalid, check_catalog, load_catalog
from tests.content.samples import SPEC_KINDS, VALID_TOPIC, the_one_error, topic_text


def test_real_catalog_has_no_errors(checked_catalog):
    _, errors = checked_catalog
    assert [str(e) for e in errors] == []


@pytest.mark.parametrize("topic_id", SPEC_KINDS)
def test_real_catalog_covers_spec_topic(checked_catalog, topic_id):
    catalog, _ = checked_catalog
    assert (CONTENT_DIR / "topics" / f"{topic_id}.yml").is_file(), f"no file for {topic_id}"
    assert topic_id in catalog.topics, f"{topic_id}.yml does not load (see test_real_catalog_has_no_errors)"
    assert catalog[topic_id].kind == SPEC_KINDS[topic_id]


def test_valid_demo_topic_loads(topics_dir):
    (topics_dir / "demo-topic.yml").write_text(VALID_TOPIC, encoding="utf-8")
    catalog, errors = check_catalog(topics_dir)
    assert errors == []
    assert [t.id for t in catalog] == ["demo-topic"]
    assert catalog["demo-topic"].steps[1].warning == "Không gửi mã OTP cho ai."


_TUTORIAL_STEPS = VALID_TOPIC[VALID_TOPIC.index("steps:"):VALID_TOPIC.index("next_topic:")]
_NO_ANSWER_FAQ = VALID_TOPIC.replace("kind: tutorial", "kind: faq").replace(_TUTORIAL_STEPS, "")
# An faq: answer on line 8; the `tutorial:` line added after it is line 9.
FAQ_TOPIC = _NO_ANSWER_FAQ.replace("next_topic: null", 'answer: "Trả lời ngắn."')
_STEP_1_TIP = '    tip: "Tìm biểu tượng trên màn hình chính."\n'


def case(case_id: str, *values):
    """One table row."""
    return pytest.param(*values, id=case_id)


# (file name, file content, expected line, words the message must contain)
ONE_FILE_CASES = [
    case("yaml-tab-indent", "demo-topic.yml", VALID_TOPIC.replace('    tip: "Tìm', '\ttip: "Tìm'),
         10, "not valid YAML"),
    case("yaml-unclosed-quote", "demo-topic.yml",
         VALID_TOPIC.replace('title: "Cài thử ứng dụng"', 'title: "Cài thử ứng dụng'), 3, "not valid YAML"),
    case("yaml-unclosed-quote-at-end", "demo-topic.yml",
         VALID_TOPIC.replace('title: "Trang hướng dẫn"', 'title: "Trang hướng dẫn'), 23, "not valid YAML"),
    case("missing-title", "demo-topic.yml", VALID_TOPIC.replace('title: "Cài thử ứng dụng"\n', ""),
         1, "title: Field required"),
    case("wrong-kind", "demo-topic.yml", VALID_TOPIC.replace("kind: tutorial", "kind: lesson"),
         2, "kind: Input should be 'tutorial' or 'faq'"),
    case("tutorial-with-empty-steps", "demo-topic.yml", VALID_TOPIC.replace(_TUTORIAL_STEPS, "steps: []\n"),
         8, "steps"),
    case("faq-without-answer", "demo-topic.yml", _NO_ANSWER_FAQ, 1, "an faq needs an 'answer'"),
    case("unknown-key-in-step", "demo-topic.yml",
         VALID_TOPIC.replace(_STEP_1_TIP, _STEP_1_TIP + '    picture: "mo-app.png"\n'),
         11, "steps.0.picture: Extra inputs are not permitted"),
    case("unknown-block-key-in-step", "demo-topic.yml",
         VALID_TOPIC.replace(_STEP_1_TIP, _STEP_1_TIP + '    pictures:\n      - "mo-app.png"\n'),
         11, "steps.0.pictures: Extra inputs are not permitted"),
    case("bad-reviewed-on", "demo-topic.yml", VALID_TOPIC.replace("2025-01-15", "2025-02-30"),
         5, "reviewed_on: Input should be a valid date"),
    case("id-differs-from-file-name", "demo-topic.yml", VALID_TOPIC.replace("id: demo-topic", "id: demo-topik"),
         1, "id 'demo-topik' must match the file name 'demo-topic'"),
    case("id-bad-pattern", "Demo_Topic.yml", VALID_TOPIC.replace("id: demo-topic", "id: Demo_Topic"),
         1, "id: String should match pattern"),
    case("duplicate-key", "demo-topic.yml", VALID_TOPIC.replace("reviewed_on:", 'title: "Lần nữa"\nreviewed_on:'),
         5, "duplicate key 'title'"),
    case("top-level-list", "demo-topic.yml", "- id: demo-topic\n- kind: tutorial\n", 1, "expected a mapping"),
    case("empty-file", "demo-topic.yml", "", 1, "expected a mapping"),
    case("faq-tutorial-ref-bad-pattern", "demo-topic.yml",
         FAQ_TOPIC.replace("\nexamples:", "\ntutorial: Bad_Id\nexamples:"), 9, "tutorial: String should match pattern"),
]


@pytest.mark.parametrize("name, text, line, words", ONE_FILE_CASES)
def test_broken_file_is_named_by_line(topics_dir, name, text, line, words):
    path = topics_dir / name
    path.write_text(text, encoding="utf-8")
    _, errors = check_catalog(topics_dir)
    assert words in the_one_error(errors, path, line)


def test_non_utf8_file_is_named(topics_dir):
    path = topics_dir / "demo-topic.yml"
    path.write_bytes(VALID_TOPIC.encode("cp1258", errors="replace"))
    _, errors = check_catalog(topics_dir)
    assert "UTF-8" in the_one_error(errors, path, 1)


# ({file id: file text}, file with the error, expected line, words the message must contain)
CROSS_FILE_CASES = [
    case("unknown-next-topic", {"demo-topic": topic_text(next_topic="next_topic: no-such-topic")},
         "demo-topic", 14, "next_topic: unknown topic 'no-such-topic'"),
    case("example-under-two-topics",
         {"demo-topic": topic_text(examples=("cách cài vneid",)),
          "other-topic": topic_text("other-topic", examples=("Cách  cài VNeID",))},
         "other-topic", 21, "is also under topic 'demo-topic'"),
    case("example-under-two-topics-also-in-title",
         {"demo-topic": topic_text(examples=("ứng dụng",)),
          "other-topic": topic_text("other-topic", examples=("ứng dụng",))},
         "other-topic", 21, "is also under topic 'demo-topic'"),
    case("missing-image", {"demo-topic": topic_text(image="    image: khong-co-anh.png")},
         "demo-topic", 13, "image 'khong-co-anh.png' not found"),
    case("faq-tutorial-ref-unknown",
         {"demo-topic": FAQ_TOPIC.replace("\nexamples:", "\ntutorial: no-such-topic\nexamples:")},
         "demo-topic", 9, "tutorial: unknown topic 'no-such-topic'"),
    case("faq-tutorial-ref-not-a-tutorial",
         {"demo-topic": FAQ_TOPIC.replace("\nexamples:", "\ntutorial: other-faq\nexamples:"),
          "other-faq": FAQ_TOPIC.replace("id: demo-topic", "id: other-faq").replace("câu hỏi thử", "câu hỏi khác")},
         "demo-topic", 9, "tutorial: 'other-faq' is not a tutorial"),
]


@pytest.mark.parametrize("files, culprit, line, words", CROSS_FILE_CASES)
def test_cross_file_error_is_named_by_line(topics_dir, files, culprit, line, words):
    for topic_id, text in files.items():
        (topics_dir / f"{topic_id}.yml").write_text(text, encoding="utf-8")
    _, errors = check_catalog(topics_dir)
    path = topics_dir / f"{culprit}.yml"
    assert words in the_one_error(errors, path, line)


def test_topic_not_in_spec_is_named(topics_dir):
    (topics_dir / "demo-topic.yml").write_text(VALID_TOPIC, encoding="utf-8")
    _, errors = check_catalog(topics_dir, spec=CATALOG_SPEC)
    assert f"{topics_dir / 'demo-topic.yml'}:1: topic 'demo-topic' is not in topics.yml" in map(str, errors)


def test_spec_topic_without_a_file_is_named(tmp_path):
    topics = tmp_path / "topics"
    shutil.copytree(CONTENT_DIR / "topics", topics)
    shutil.copytree(CONTENT_DIR / "images", tmp_path / "images")
    # Nothing points at smartphone-basics, so deleting it leaves no dangling reference.
    (topics / "smartphone-basics.yml").unlink()
    _, errors = check_catalog(topics, spec=CATALOG_SPEC)
    spec_lines = CATALOG_SPEC.read_text(encoding="utf-8").splitlines()
    line = spec_lines.index("  - id: smartphone-basics") + 1
    assert [str(e) for e in errors] == [
        f"{CATALOG_SPEC}:{line}: topic 'smartphone-basics' has no file smartphone-basics.yml in {topics}"]


@pytest.mark.parametrize("broken", [
    'title: "Cài thử ứng dụng',
    "kind: lesson",
    "next_topic: no-such-topic",
])
def test_load_catalog_refuses_any_error(topics_dir, broken):
    (topics_dir / "other-topic.yml").write_text(topic_text("other-topic"), encoding="utf-8")
    key = broken.split(":")[0]
    (topics_dir / "demo-topic.yml").write_text(topic_text(**{key: broken}), encoding="utf-8")
    with pytest.raises(ContentInvalid) as raised:
        load_catalog(topics_dir)
    assert raised.value.errors
    assert {e.path.name for e in raised.value.errors} == {"demo-topic.yml"}
    assert str(raised.value).startswith(f"{topics_dir / 'demo-topic.yml'}:")


def test_load_catalog_loads_valid_dir(topics_dir):
    (topics_dir / "demo-topic.yml").write_text(VALID_TOPIC, encoding="utf-8")
    assert list(load_catalog(topics_dir).topics) == ["demo-topic"]


def test_content_check_command_passes_on_real_content(capsys):
    assert cli.main(["content", "check"]) == 0
    assert capsys.readouterr().out.startswith("content ok: ")


def test_content_check_command_names_broken_file(tmp_path, monkeypatch, capsys):
    content = tmp_path / "content"
    shutil.copytree(CONTENT_DIR / "topics", content / "topics")
    shutil.copytree(CONTENT_DIR / "images", content / "images")
    broken = content / "topics" / "smartphone-basics.yml"  # no other topic refers to it
    lines = broken.read_text(encoding="utf-8").splitlines(keepends=True)
    line = next(i for i, text in enumerate(lines, start=1) if text.startswith("kind:"))
    lines[line - 1] = "kind: lesson\n"
    broken.write_text("".join(lines), encoding="utf-8")
    monkeypatch.setattr(cli.Settings, "from_env", lambda **_: Settings(content_dir=content))

    assert cli.main(["content", "check"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith(f"{broken}:{line}: kind: Input should be")
    assert err[1:] == ["1 error(s) in content."]
