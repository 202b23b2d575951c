"""The development sets (nlu/dev/, round 4; nlu/dev5/, round 5): written blind, then studied; each stays apart
from the other sets.

They may guide general fixes (a normalizer word, a concept, a training example in the citizens' own voice), but a
training example must never nearly repeat one of their questions: the set would stop measuring anything.
"""
import pytest

from nlu.evaluation import DEV5_SET, DEV_SET, EVAL_SET, HELD_OUT_SET, load_questions, near_duplicates, training_examples

DEV_SETS = {"round 4": DEV_SET, "round 5": DEV5_SET}


@pytest.fixture(scope="module", params=list(DEV_SETS), ids=list(DEV_SETS))
def dev_set(request):
    return DEV_SETS[request.param]


@pytest.fixture(scope="module")
def questions(dev_set):
    return load_questions(dev_set)


def test_every_topic_and_the_outside_are_asked(questions, catalog):
    assert {q.topic for q in questions if q.topic} == set(catalog.topics)
    assert sum(1 for q in questions if q.topic is None) >= 60


def test_every_question_names_its_source(dev_set):
    lines = [line for line in dev_set.read_text(encoding="utf-8").splitlines() if line.lstrip().startswith("- ")]
    assert lines and all("# source:" in line for line in lines)


def test_no_training_example_repeats_a_dev_question(questions, catalog):
    examples = [e for texts in training_examples(catalog).values() for e in texts]
    assert near_duplicates([q.text for q in questions], examples) == []


def test_the_dev_set_is_apart_from_the_tuning_and_held_out_sets(questions, dev_set):
    texts = [q.text for q in questions]
    assert near_duplicates(texts, [q.text for q in load_questions(EVAL_SET)]) == []
    assert near_duplicates(texts, [q.text for q in load_questions(HELD_OUT_SET)]) == []
    for other in DEV_SETS.values():
        if other != dev_set:
            assert near_duplicates(texts, [q.text for q in load_questions(other)]) == []
