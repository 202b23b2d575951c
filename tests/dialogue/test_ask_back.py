"""Two topics citizens mix up: the assistant asks which, and keeps the pick as a candidate training example.

The NLU is a stand-in that answers in Rasa's /model/parse JSON (the real model is tested in tests/nlu).
"""
import httpx
import pytest
from sqlalchemy import select

from bot.storage.conversations import ConversationLog, TopicChoice
from nlu import intents
from nlu.client import NluClient
from tests.helpers import payloads, templates, turn

L1, L2 = "vneid-register", "vneid-level2"


def rasa_answer(ranking: list[tuple[str, float]]) -> dict:
    name, confidence = ranking[0]
    return {"text": "", "intent": {"name": name, "confidence": confidence}, "entities": [],
            "intent_ranking": [{"name": n, "confidence": c} for n, c in ranking]}


@pytest.fixture
def nlu_says(services):
    """Point the dialogue at a stand-in NLU that gives the ranking set for each text."""
    answers: dict[str, list[tuple[str, float]]] = {}

    def handle(request: httpx.Request) -> httpx.Response:
        import json
        return httpx.Response(200, json=rasa_answer(answers[json.loads(request.content)["text"]]))

    services.dialogue.nlu = NluClient("http://127.0.0.1:9", transport=httpx.MockTransport(handle), cache_size=0)
    yield answers


CLOSE = [(intents.topic_intent(L2), 0.62), (intents.topic_intent(L1), 0.33), (intents.GREET, 0.05)]


async def test_close_topics_are_asked_back_and_the_pick_starts_and_is_kept(services, nlu_says):
    nlu_says["kich hoat tai khoan sau khi co tin nhan"] = CLOSE
    asked = await turn(services, text="kich hoat tai khoan sau khi co tin nhan")
    assert templates(asked) == ["choose_topic"]
    assert payloads(asked) == [f"choose:{L2}", f"choose:{L1}", "human"]

    started = await turn(services, payload=f"choose:{L1}")
    assert templates(started)[0] == "tutorial_intro"
    with services.sessions() as session:
        [choice] = session.scalars(select(TopicChoice)).all()
        question = session.get(ConversationLog, choice.log_id)
        assert (question.text, choice.topic_id) == ("kich hoat tai khoan sau khi co tin nhan", L1)

    await turn(services, payload=f"choose:{L2}")  # a second press on the old question keeps one pick
    with services.sessions() as session:
        assert len(session.scalars(select(TopicChoice)).all()) == 1


async def test_a_pick_without_a_question_asked_back_keeps_nothing(services, nlu_says):
    nlu_says["quen mat khau"] = [(intents.topic_intent("vneid-reset-password"), 0.97)]
    assert templates(await turn(services, text="quen mat khau"))[0] == "tutorial_intro"
    assert templates(await turn(services, payload=f"choose:{L1}"))[0] == "tutorial_intro"
    with services.sessions() as session:
        assert session.scalars(select(TopicChoice)).all() == []


async def test_a_clear_answer_is_not_asked_back(services, nlu_says):
    nlu_says["muc 2"] = [(intents.topic_intent(L2), 0.95), (intents.topic_intent(L1), 0.04)]
    assert templates(await turn(services, text="muc 2"))[0] == "tutorial_intro"


async def test_a_choice_for_an_unknown_topic_is_refused_kindly(services):
    assert templates(await turn(services, payload="choose:not-a-topic")) == ["button_unknown"]


async def test_deleting_the_question_deletes_the_pick(services, nlu_says):
    nlu_says["kich hoat"] = CLOSE
    await turn(services, text="kich hoat")
    await turn(services, payload=f"choose:{L2}")
    with services.sessions() as session:
        session.execute(ConversationLog.__table__.delete())
        session.commit()
        assert session.scalars(select(TopicChoice)).all() == []
