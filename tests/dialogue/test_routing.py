"""What free text leads to, given what the NLU understood (the NLU itself is tested in tests/nlu)."""
import pytest

from actions.context import ActionContext
from bot.dialogue import routing
from bot.storage.households import Member
from nlu import intents
from nlu.client import Understanding
from nlu.meaning import catalog_reader

THRESHOLD = 0.6


@pytest.fixture
def ctx(services):
    with services.sessions() as session:
        member = Member(channel="test", external_id="u1", is_guest=True)
        session.add(member)
        session.flush()
        yield ActionContext.open(session, member, services.catalog, services.settings.team)


def route(ctx, intent, confidence=0.95, ranking=(), ask_margin=0.0):
    understanding = Understanding(intent, confidence, list(ranking))
    meaning = catalog_reader(ctx.catalog, THRESHOLD, ask_margin).read(
        understanding.intent, understanding.confidence, understanding.ranking)
    return routing.route_meaning(ctx, meaning)


def test_low_confidence_offers_the_likely_topics_and_a_person(ctx):
    ranking = [(intents.topic_intent("vneid-level2"), 0.41), (intents.GREET, 0.3),
               (intents.topic_intent("vneid-register"), 0.2)]
    replies, understood = route(ctx, ranking[0][0], 0.41, ranking)
    assert not understood and [r.template for r in replies] == ["clarify"]
    payloads = [b.payload for row in replies[0].buttons for b in row]
    assert payloads == ["topic:vneid-level2", "topic:vneid-register", "human"]


@pytest.mark.parametrize("intent, template", [
    (intents.topic_intent("vneid-register"), "tutorial_intro"),
    (intents.topic_intent("faq-vneid-what"), "faq_answer"),
    (intents.GREET, "greet"),
    (intents.THANKS, "thanks"),
    (intents.BYE, "bye"),
    (intents.MENU, "menu"),
    (intents.ASK_HUMAN, "human_handoff"),
    (intents.OUT_OF_SCOPE, "out_of_scope"),
    (intents.NLU_FALLBACK, "out_of_scope"),
    (intents.NEXT_STEP, "no_active_tutorial"),
    (intents.STOP_TUTORIAL, "no_active_tutorial"),
    ("some_new_intent", "clarify"),
])
def test_confident_intents_lead_to_their_action(ctx, intent, template):
    replies, _ = route(ctx, intent)
    assert replies[0].template == template


def test_out_of_scope_never_starts_a_tutorial(ctx):
    replies, understood = route(ctx, intents.OUT_OF_SCOPE)
    assert not understood and ctx.active_run() is None


@pytest.mark.parametrize("intent, number", [
    (intents.NEXT_STEP, 2), (intents.AFFIRM, 2), (intents.REPEAT_STEP, 1), (intents.PREVIOUS_STEP, 1),
])
def test_words_drive_the_active_tutorial(ctx, intent, number):
    route(ctx, intents.topic_intent("vneid-register"))
    replies, _ = route(ctx, intent)
    assert replies[-1].template == "tutorial_step" and replies[-1].context["number"] == number


def test_saying_stop_pauses_and_resume_continues(ctx):
    route(ctx, intents.topic_intent("vneid-register"))
    route(ctx, intents.NEXT_STEP)
    assert route(ctx, intents.STOP_TUTORIAL)[0][0].template == "tutorial_paused"
    replies, _ = route(ctx, intents.RESUME_TUTORIAL)
    assert [r.template for r in replies] == ["tutorial_resumed", "tutorial_step"]
    assert replies[-1].context["number"] == 2


def test_every_payload_kind_has_an_action():
    from bot.dialogue.routing import PAYLOADS
    from bot.shared.payloads import KINDS
    assert set(PAYLOADS) == set(KINDS)
