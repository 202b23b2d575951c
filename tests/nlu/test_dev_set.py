"""The development sets (nlu/dev/, round 4; nlu/dev5/, round 5): written blind, then studied, and training data
since round 7 (nlu/training.py STUDIED_SETS). They stay apart from the tuning set, the held-out sets and each other.
Round 9's long stories (nlu/dev9/) train since round 10; round 10's set (nlu/dev10/) is studied, not trained on.
"""
import re

import pytest
import yaml

from nlu import intents
from nlu.evaluation import (
    DEV5_SET,
    DEV_SET,
    EVAL_SET,
    HELD_OUT_SETS,
    STORIES_SET,
    UNTRAINED_DEV_SETS,
    load_questions,
    near_duplicates,
    training_examples,
)
from nlu.training import prepare, studied_examples, studied_training_data

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


def test_every_question_is_trained_on_under_its_label_but_bare_near_misses(dev_set, questions, catalog):
    examples = studied_examples((dev_set,))
    for q in questions:
        if q.topic:
            assert q.text in examples[intents.topic_intent(q.topic)]
    outside = [line for line in dev_set.read_text(encoding="utf-8").split("\nout_of_catalog:")[1].splitlines()
               if line.startswith("  - ")]
    bare = [line for line in outside if line.rstrip().endswith("near-miss")]
    labels = set(re.findall(r"near-miss \(([^)]*)\)", "\n".join(outside))) - {"out of scope"}
    assert labels and labels <= set(catalog.procedures)
    trained = [e for intent, texts in examples.items() if not intent.startswith("topic_") for e in texts]
    assert len(trained) == len(outside) - len(bare)


def test_a_near_miss_trains_its_procedure_and_an_everyday_question_out_of_scope():
    examples = studied_examples((DEV5_SET,))
    assert "lam ho chieu pho thong o nam dinh o dau" in examples[intents.procedure_intent("passport")]
    assert "Cách kết bạn Zalo bằng số điện thoại" in examples[intents.OUT_OF_SCOPE]
    assert "Ngày mai ở Nam Định có mưa không?" in studied_examples((DEV_SET,))[intents.OUT_OF_SCOPE]


def test_the_studied_sets_become_rasa_training_data(catalog, tmp_path):
    training = prepare(catalog, tmp_path)
    assert (training.data_dir / "studied.yml").read_text(encoding="utf-8") == studied_training_data()
    data = yaml.safe_load(studied_training_data())
    trained = {block["intent"] for block in data["nlu"]}
    assert {intents.topic_intent(t) for t in catalog.topics} | {intents.OUT_OF_SCOPE} <= trained
    assert trained <= {intents.topic_intent(t) for t in catalog.topics} | {intents.OUT_OF_SCOPE} | {
        intents.procedure_intent(p) for p in catalog.procedures}
    assert all(block["examples"].startswith("- ") for block in data["nlu"])


def test_the_dev_set_is_apart_from_the_tuning_and_held_out_sets(questions, dev_set):
    texts = [q.text for q in questions]
    assert near_duplicates(texts, [q.text for q in load_questions(EVAL_SET)]) == []
    for held_out in HELD_OUT_SETS:
        assert near_duplicates(texts, [q.text for q in load_questions(held_out)]) == []
    for other in DEV_SETS.values():
        if other != dev_set:
            assert near_duplicates(texts, [q.text for q in load_questions(other)]) == []


@pytest.mark.parametrize("name", list(UNTRAINED_DEV_SETS))
def test_a_dev_set_not_trained_on_is_apart_from_the_training_data_and_the_tuning_set(name, catalog):
    """Round 10's development set measures wordings the model has not seen: none is near an example."""
    texts = [q.text for q in load_questions(UNTRAINED_DEV_SETS[name])]
    examples = [e for intent_examples in training_examples(catalog).values() for e in intent_examples]
    assert near_duplicates(texts, examples) == []
    assert near_duplicates(texts, [q.text for q in load_questions(EVAL_SET)]) == []


def test_the_long_stories_train_under_their_topics_only():
    """Round 9's stories (nlu/dev9/) list no question outside the catalog, before their topics: none of the topic
    lines may be read as one."""
    examples = studied_examples((STORIES_SET,))
    assert set(examples) == {intents.topic_intent(q.topic) for q in load_questions(STORIES_SET)}
    assert sum(map(len, examples.values())) == len(load_questions(STORIES_SET)) == 252
