"""The evaluation set stays apart from the training data and keeps its shape."""
from collections import Counter

import pytest

from nlu.evaluation import load_questions, near_duplicate, near_duplicates, training_examples
from nlu.normalizer import fold, normalize

MIN_PER_TOPIC = 12
MIN_OUT_OF_CATALOG = 60


@pytest.fixture(scope="module")
def questions():
    return load_questions()


def test_every_topic_has_enough_questions_half_without_diacritics(questions, catalog):
    per_topic = Counter(q.topic for q in questions if q.topic)
    assert set(per_topic) == set(catalog.topics)
    for topic, count in per_topic.items():
        plain = sum(1 for q in questions if q.topic == topic and not q.diacritics)
        assert count >= MIN_PER_TOPIC and plain * 2 >= count, topic


def test_out_of_catalog_questions(questions):
    outside = [q for q in questions if q.topic is None]
    assert len(outside) >= MIN_OUT_OF_CATALOG
    assert sum(1 for q in outside if not q.diacritics) * 2 >= len(outside)


def test_no_question_repeats_a_training_example(questions, catalog):
    examples = [e for texts in training_examples(catalog).values() for e in texts]
    assert near_duplicates([q.text for q in questions], examples) == []


def test_no_question_is_asked_twice(questions):
    seen = Counter(fold(normalize(q.text)) for q in questions)
    assert [text for text, n in seen.items() if n > 1] == []


@pytest.mark.parametrize("one, other, close", [
    ("quên mật khẩu vssid", "quen mat khau vss id", True),
    ("Đổi bằng lái xe online!", "doi bang lai xe online", True),
    ("lái xe online đổi bằng", "đổi bằng lái xe online", True),
    ("đóng tiền điện qua app evn được không", "đóng tiền điện qua app evn được ko", True),
    ("dong tien dien bang dien thoai", "tien dien nha bac gio tra bang cai may nay duoc khong", False),
])
def test_near_duplicates(one, other, close):
    assert near_duplicate(one, other) is close
