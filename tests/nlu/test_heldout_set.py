"""The held-out sets (nlu/heldout/, nlu/heldout2/ of round 7, nlu/heldout3/ of round 8 and nlu/heldout4/ of round 9;
all written blind) keep their shape and stay apart from the training data and from every other set.

A failure of the last two tests means training data came too close to a held-out question: reword or drop
the training example, never the held-out question, and never write examples from held-out questions.
"""
from collections import Counter

import pytest
import yaml

from nlu.evaluation import (
    ABBREVIATIONS_SET,
    DEV5_SET,
    DEV_SET,
    EVAL_SET,
    HELD_OUT,
    STORIES_SET,
    load_questions,
    near_duplicates,
    training_examples,
)
from nlu.normalizer import fold, normalize

MIN_PER_TOPIC = 15
MIN_OUT_OF_CATALOG = 80
VOICES = {"formal", "plain", "no-diacritics", "teencode", "short", "rambling"}



@pytest.fixture(scope="module", params=list(HELD_OUT))
def held_out_set(request):
    return HELD_OUT[request.param]


@pytest.fixture(scope="module")
def questions(held_out_set):
    return load_questions(held_out_set)


def test_every_topic_has_enough_questions_in_every_voice(questions, catalog):
    per_topic = Counter(q.topic for q in questions if q.topic)
    assert set(per_topic) == set(catalog.topics)
    for topic, count in per_topic.items():
        mine = [q for q in questions if q.topic == topic]
        assert count >= MIN_PER_TOPIC, topic
        assert sum(1 for q in mine if not q.diacritics) >= 5, topic
        assert {q.voice for q in mine} == VOICES, topic


def test_out_of_catalog_questions_half_near_misses(questions):
    outside = [q for q in questions if q.topic is None]
    assert len(outside) >= MIN_OUT_OF_CATALOG
    assert sum(1 for q in outside if q.near_miss) * 2 >= len(outside)


def test_every_question_names_its_source(held_out_set):
    data = yaml.safe_load(held_out_set.read_text(encoding="utf-8"))
    items = [q for qs in data["topics"].values() for q in qs] + data["out_of_catalog"]
    assert all(str(q.get("source", "")).strip() for q in items)
    assert all(q["voice"] in VOICES for qs in data["topics"].values() for q in qs)


def test_no_question_is_asked_twice(questions):
    seen = Counter(fold(normalize(q.text)) for q in questions)
    assert [text for text, n in seen.items() if n > 1] == []


def test_no_training_example_repeats_a_held_out_question(questions, catalog):
    examples = [e for texts in training_examples(catalog).values() for e in texts]
    assert near_duplicates([q.text for q in questions], examples) == []


@pytest.mark.parametrize("other", [EVAL_SET, DEV_SET, DEV5_SET, STORIES_SET, ABBREVIATIONS_SET],
                         ids=["tuning", "dev", "dev5", "stories", "abbreviations"])
def test_the_held_out_set_is_apart_from_the_other_sets(questions, other):
    assert near_duplicates([q.text for q in questions], [q.text for q in load_questions(other)]) == []


@pytest.mark.parametrize("earlier, later", [(a, b) for i, a in enumerate(HELD_OUT) for b in list(HELD_OUT)[i + 1:]])
def test_a_later_held_out_set_is_apart_from_the_earlier_ones(earlier, later):
    texts = {name: [q.text for q in load_questions(HELD_OUT[name])] for name in (earlier, later)}
    assert near_duplicates(texts[later], texts[earlier]) == []
