"""Hostile content files: whatever the bytes, the loader answers a Topic or ContentInvalid naming file and line."""
from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from content.loader import ContentInvalid, check_catalog, load_topic_file
from content.schema import Topic
from tests.content.samples import VALID_TOPIC

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
_DIR = Path(tempfile.mkdtemp(prefix="camtay-hostile-content-"))
VALID = yaml.safe_load(VALID_TOPIC)

# YAML-ish text: the characters that make YAML's structure, quotes, tags, anchors, and Vietnamese.
yamlish = st.text(alphabet=st.sampled_from(list("abcxyz:-[]{}!&*|>'\"#%@`,? \n\t\\0123456789ăơưđếạ\x00\ufeff")),
                  max_size=300)
scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=40)
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                      | st.dictionaries(st.text(max_size=10), inner, max_size=4), max_leaves=12)


def load(data: bytes, name: str = "demo-topic") -> Topic:
    path = _DIR / f"{name}.yml"
    path.write_bytes(data)
    return load_topic_file(path)


def assert_defined(data: bytes) -> None:
    try:
        topic = load(data)
    except ContentInvalid as exc:
        assert exc.errors and all(e.line >= 1 and e.path.name == "demo-topic.yml" for e in exc.errors)
    else:
        assert isinstance(topic, Topic)


@FUZZ
@given(st.binary(max_size=400))
def test_random_bytes(data):
    assert_defined(data)


@FUZZ
@given(yamlish)
def test_random_yaml_text(text):
    assert_defined(text.encode("utf-8", "surrogatepass"))


@settings(FUZZ, max_examples=60)
@given(st.dictionaries(st.sampled_from(sorted(VALID) + ["extra", "steps", "examples"]), values, max_size=8))
def test_random_fields_over_a_valid_topic(fields):
    assert_defined(yaml.safe_dump({**VALID, **fields}, allow_unicode=True).encode())


@FUZZ
@given(st.integers(0, len(VALID_TOPIC) - 1), st.integers(1, 40), yamlish)
def test_a_valid_file_corrupted_in_place(at, length, garbage):
    assert_defined((VALID_TOPIC[:at] + garbage + VALID_TOPIC[at + length:]).encode())


@pytest.mark.parametrize("text", [
    pytest.param("a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                 "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
                 "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nexamples: *e\n", id="billion-laughs"),
    pytest.param("!!python/object/apply:os.system [echo pwned]\n", id="python-tag"),
    pytest.param("id: demo-topic\nkind: 99999999999999999999999999999999\n", id="huge-int"),
    pytest.param("\ufeffid: demo-topic\n", id="bom"),
    pytest.param("id: demo-topic\n" * 3, id="duplicate-keys"),
    pytest.param("", id="empty"),
])
def test_known_attacks_are_content_invalid(text):
    with pytest.raises(ContentInvalid):
        load(text.encode())


@pytest.mark.parametrize("text", ["[" * 1500 + "]" * 1500, "a: " + "{b: " * 1500 + "1" + "}" * 1500],
                         ids=["deep-list", "deep-map"])
def test_deeply_nested_yaml_is_content_invalid(text):
    with pytest.raises(ContentInvalid, match="nested more than"):
        load(text.encode())


def test_a_broken_file_among_good_ones_is_reported_not_raised(tmp_path):
    (tmp_path / "demo-topic.yml").write_text(VALID_TOPIC, encoding="utf-8")
    (tmp_path / "broken.yml").write_bytes(b"\xff\xfe not utf-8")
    catalog, errors = check_catalog(tmp_path)
    assert list(catalog.topics) == ["demo-topic"]
    assert [e.path.name for e in errors] == ["broken.yml"]
