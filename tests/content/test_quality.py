"""Quality of the real content: short steps and answers, enough examples, the address form from {{ you }}."""
from __future__ import annotations

import re
import unicodedata

import pytest

from bot.render import Renderer
from tests.content.samples import SPEC_KINDS

MAX_STEP_WORDS = 60
MAX_ANSWER_WORDS = 120
MIN_EXAMPLES = 25
MAX_TITLE_CHARS = 60  # titles are button labels (content/topics/README.md)
ADDRESS_FORMS = ["bác", "chị"]
# "bạn" as a form of address; "bạn bè" (friends) and "kết bạn" (befriend) are other words.
HARD_CODED_BAN = re.compile(r"(?<!\w)(?<!kết )bạn(?!\w)(?! bè)", re.IGNORECASE)

SPEC_IDS = list(SPEC_KINDS)
renderer = Renderer()


def words(text: str) -> int:
    """Words as a reader sees them: after {{ you }} is filled in, punctuation alone not counted."""
    return sum(1 for token in renderer._say(text, "bác").split() if re.search(r"\w", token))


def topic_or_skip(checked_catalog, topic_id):
    catalog, _ = checked_catalog
    if topic_id not in catalog.topics:
        pytest.skip(f"{topic_id} does not load; test_loader.py reports why")
    return catalog[topic_id]


def step_texts(topic) -> list[tuple[str, str]]:
    """(where, text) of every piece of a topic that goes through Renderer._say."""
    texts = [("summary", topic.summary)] + [(f"prepare[{i}]", p) for i, p in enumerate(topic.prepare)]
    for i, step in enumerate(topic.steps, start=1):
        texts += [(f"step {i} {name}", getattr(step, name)) for name in ("text", "tip", "warning")
                  if getattr(step, name)]
    if topic.answer:
        texts.append(("answer", topic.answer))
    return texts


@pytest.mark.parametrize("topic_id", SPEC_IDS)
def test_steps_are_short(checked_catalog, topic_id):
    topic = topic_or_skip(checked_catalog, topic_id)
    too_long = {i: words(s.text) for i, s in enumerate(topic.steps, start=1) if words(s.text) > MAX_STEP_WORDS}
    assert too_long == {}, f"steps over {MAX_STEP_WORDS} words (step: words)"


@pytest.mark.parametrize("topic_id", [t for t, kind in SPEC_KINDS.items() if kind == "faq"])
def test_faq_answer_is_short(checked_catalog, topic_id):
    topic = topic_or_skip(checked_catalog, topic_id)
    assert topic.kind == "faq"
    assert words(topic.answer) <= MAX_ANSWER_WORDS


@pytest.mark.parametrize("topic_id", SPEC_IDS)
def test_title_fits_a_button(checked_catalog, topic_id):
    assert len(topic_or_skip(checked_catalog, topic_id).title) <= MAX_TITLE_CHARS


@pytest.mark.parametrize("topic_id", SPEC_IDS)
def test_enough_examples(checked_catalog, topic_id):
    topic = topic_or_skip(checked_catalog, topic_id)
    assert len(topic.examples) >= MIN_EXAMPLES


@pytest.mark.parametrize("address", ADDRESS_FORMS)
@pytest.mark.parametrize("topic_id", SPEC_IDS)
def test_text_renders_with_address_form(checked_catalog, topic_id, address):
    topic = topic_or_skip(checked_catalog, topic_id)
    leftovers = {}
    for where, text in step_texts(topic):
        said = renderer._say(text, address)
        if any(marker in said for marker in ("{{", "}}", "{%", "%}")):
            leftovers[where] = said
    assert leftovers == {}


@pytest.mark.parametrize("topic_id", SPEC_IDS)
def test_address_form_comes_from_you(checked_catalog, topic_id):
    topic = topic_or_skip(checked_catalog, topic_id)
    hard_coded = {where: text for where, text in step_texts(topic)
                  if HARD_CODED_BAN.search(unicodedata.normalize("NFC", text))}
    assert hard_coded == {}, "write {{ you }} / {{ You }}, not 'bạn'"


@pytest.mark.parametrize("text, hard_coded", [
    ("Bạn bấm nút Tiếp tục.", True),
    ("Nếu bạn quên mật khẩu", True),
    (unicodedata.normalize("NFD", "Nếu bạn quên"), True),
    ("{{ You }} bấm nút Tiếp tục.", False),
    ("Không gửi mã cho bạn bè.", False),
    ("Đừng kết bạn với người lạ.", False),
    ("Bấm nút Bạn bè.", False),
])
def test_hard_coded_ban_pattern(text, hard_coded):
    assert bool(HARD_CODED_BAN.search(unicodedata.normalize("NFC", text))) is hard_coded


@pytest.mark.parametrize("text, expected", [
    ("Mở ứng dụng VNeID.", 4),
    ("{{ You }} bấm “Tiếp tục” – rồi chờ.", 6),
    ("", 0),
])
def test_word_count(text, expected):
    assert words(text) == expected
