"""nlu/meaning.py: one NLU answer read as the dialogue acts on it (no model needed)."""
import pytest

from nlu import intents
from nlu.meaning import Meaning, Reader, catalog_reader

L1, L2, FAQ, PAY = "vneid-register", "vneid-level2", "faq-vneid-what", "pay-electricity"
READER = Reader(topic_ids=(L1, L2, FAQ, PAY), procedure_ids=("passport",),
                confusable=frozenset({frozenset((L1, L2)), frozenset((FAQ, L1))}), threshold=0.6, ask_margin=0.5)


def t(topic_id: str) -> str:
    return intents.topic_intent(topic_id)


@pytest.mark.parametrize("intent, confidence, ranking, expected", [
    # A clear topic starts.
    (t(PAY), 0.97, [(t(PAY), 0.97), (t(L1), 0.02)], Meaning("topic", t(PAY), topic_id=PAY, likely=(PAY, L1))),
    # Clear, but the runner-up is a topic citizens mix up with it and close: ask which.
    (t(L2), 0.7, [(t(L2), 0.7), (t(L1), 0.25)], Meaning("choose", t(L2), choices=(L2, L1), likely=(L2, L1))),
    # Far enough apart: start.
    (t(L2), 0.9, [(t(L2), 0.9), (t(L1), 0.1)], Meaning("topic", t(L2), topic_id=L2, likely=(L2, L1))),
    # Below the gate, but the two best are a confusable pair that together clear it: ask which.
    (intents.NLU_FALLBACK, 0.4, [(intents.NLU_FALLBACK, 0.4), (t(FAQ), 0.45), (t(L1), 0.4)],
     Meaning("choose", intents.NLU_FALLBACK, choices=(FAQ, L1), likely=(FAQ, L1))),
    # Below the gate, two unrelated topics: not understood, the likely topics kept for the menu.
    (t(PAY), 0.45, [(t(PAY), 0.45), (t(L2), 0.4)], Meaning("unclear", t(PAY), likely=(PAY, L2))),
    # A procedure with no tutorial yet.
    (intents.procedure_intent("passport"), 0.9, [(intents.procedure_intent("passport"), 0.9)],
     Meaning("procedure", intents.procedure_intent("passport"), procedure_id="passport")),
    # A procedure the catalog no longer lists is just an intent without action.
    (intents.procedure_intent("gone"), 0.9, [], Meaning("intent", intents.procedure_intent("gone"))),
    (intents.GREET, 0.99, [(intents.GREET, 0.99)], Meaning("intent", intents.GREET)),
    (None, 0.0, [], Meaning("unclear", None)),
])
def test_readings(intent, confidence, ranking, expected):
    assert READER.read(intent, confidence, ranking) == expected


def test_a_topic_pair_needs_the_top_two_to_be_the_pair():
    ranking = [(t(L2), 0.55), (t(PAY), 0.3), (t(L1), 0.15)]
    assert READER.read(t(L2), 0.55, ranking).kind == "unclear"


def test_no_margin_means_never_asking_back_above_the_gate():
    reader = Reader((L1, L2), confusable=frozenset({frozenset((L1, L2))}), threshold=0.6, ask_margin=0.0)
    assert reader.read(t(L2), 0.61, [(t(L2), 0.61), (t(L1), 0.39)]).starts == L2


@pytest.mark.parametrize("meaning, starts, rejects", [
    (Meaning("topic", t(L1), topic_id=L1), L1, False),
    (Meaning("procedure", "procedure_passport", procedure_id="passport"), None, True),
    (Meaning("choose", t(L1), choices=(L1, L2)), None, False),
    (Meaning("unclear", None), None, True),
    (Meaning("intent", intents.OUT_OF_SCOPE), None, True),
    (Meaning("intent", intents.GREET), None, False),
])
def test_what_a_meaning_starts_and_rejects(meaning, starts, rejects):
    assert (meaning.starts, meaning.rejects) == (starts, rejects)


def test_the_catalog_reader_knows_its_pairs_and_procedures(catalog):
    reader = catalog_reader(catalog, 0.6, 0.5)
    assert frozenset((L1, L2)) in reader.confusable  # declared with confusable_with
    assert frozenset((FAQ, L1)) in reader.confusable  # an FAQ and the tutorial it offers
    assert set(reader.procedure_ids) == set(catalog.procedures)
    assert "passport" in reader.procedure_ids
