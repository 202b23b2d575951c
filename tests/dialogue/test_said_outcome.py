"""Did it work, said in the citizen's own words ("kích hoạt được rồi", "vẫn chưa được"): recorded for the tutorial
last asked about, as its buttons do; inside a tutorial in progress the same words drive the step."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from actions import outcomes
from actions.context import ActionContext
from actions.team.outcome_reminders import dedupe_key
from bot.admin.queries.outcomes import household_platforms
from bot.dialogue import routing
from bot.people.households import add_household
from bot.shared import payloads
from bot.storage.delivery import OutboxItem
from bot.storage.help import HelpRequest
from bot.storage.households import Member
from bot.storage.outcomes import Outcome
from nlu import intents
from nlu.client import Understanding
from nlu.meaning import catalog_reader

THRESHOLD = 0.6
TOPIC = "vneid-level2"  # brings the platform vneid-level2


@pytest.fixture
def ctx(services):
    with services.sessions() as session:
        household = add_household(session, "Xã Tân Lập", "Thôn Đồng Bằng", "Nguyễn Văn An")
        member = Member(channel="telegram", external_id="u1", household_id=household.id)
        session.add(member)
        session.flush()
        yield ActionContext.open(session, member, services.catalog, services.settings.team)


def route(ctx, intent):
    understanding = Understanding(intent, 0.95, [(intent, 0.95)])
    meaning = catalog_reader(ctx.catalog, THRESHOLD).read(
        understanding.intent, understanding.confidence, understanding.ranking)
    return routing.route_meaning(ctx, meaning)


def finish(ctx, topic_id=TOPIC):
    """Walk a tutorial to its end ("did it work?" asked); returns its run."""
    route(ctx, intents.topic_intent(topic_id))
    run = ctx.active_run()
    for _ in ctx.catalog[topic_id].steps:
        replies, _ = route(ctx, intents.NEXT_STEP)
    assert replies[-1].template == "tutorial_completed"
    return run


def answer_button(ctx, verb, run):
    return routing.route_payload(ctx, payloads.OutcomeAnswer(verb, run.id).pack())


def kept(ctx):
    return [(o.run_id, o.result, o.platform, o.household_id, o.step_index)
            for o in ctx.session.scalars(select(Outcome).order_by(Outcome.id))]


def buttons(replies):
    return [b.payload for r in replies for row in r.buttons for b in row]


def test_said_done_after_a_tutorial_is_kept_as_the_button_keeps_it(ctx):
    run = finish(ctx)
    replies, understood = route(ctx, intents.TELL_DONE)
    assert understood and [r.template for r in replies] == ["outcome_said_done"]
    context = replies[0].context
    assert context["title"] == ctx.catalog[TOPIC].title
    assert context["platform"] == ctx.catalog.platforms["vneid-level2"].name
    # A plain "OK" misread as "it worked" is put right in one tap: the question's other answers stay.
    assert {payloads.OutcomeAnswer("failed", run.id).pack(), payloads.OutcomeAnswer("later", run.id).pack(),
            f"topic:{ctx.catalog[TOPIC].next_topic}", "menu"} <= set(buttons(replies))
    assert payloads.OutcomeAnswer("done", run.id).pack() not in buttons(replies)
    assert kept(ctx) == [(run.id, "done", "vneid-level2", ctx.member.household_id, None)]
    # Counted for the household as a button's "Đã làm được" is.
    [platform] = household_platforms(ctx.session, ctx.member.household_id)
    assert (platform.platform, platform.members) == ("vneid-level2", 1)
    later = routing.route_payload(ctx, payloads.OutcomeAnswer("later", run.id).pack())
    assert later[0].template == "outcome_later"
    assert kept(ctx) == [(run.id, "later", "vneid-level2", ctx.member.household_id, None)]
    assert household_platforms(ctx.session, ctx.member.household_id) == []


@pytest.mark.parametrize("verb", ["later", "failed"])
def test_said_done_after_later_or_not_yet_changes_that_answer(ctx, verb):
    run = finish(ctx)
    answer_button(ctx, verb, run)
    replies, _ = route(ctx, intents.TELL_DONE)
    assert replies[0].template == "outcome_said_done"
    assert kept(ctx) == [(run.id, "done", "vneid-level2", ctx.member.household_id, None)]


def test_said_done_twice_is_acknowledged_and_counted_once(ctx):
    run = finish(ctx)
    answer_button(ctx, "done", run)
    first = ctx.session.scalars(select(Outcome)).one().at
    ctx.now += timedelta(hours=2)
    replies, understood = route(ctx, intents.TELL_DONE)
    assert understood and [r.template for r in replies] == ["outcome_said_already"]
    assert replies[0].context["platform"] == ctx.catalog.platforms["vneid-level2"].name
    [outcome] = ctx.session.scalars(select(Outcome)).all()
    assert (outcome.result, outcome.at) == ("done", first)
    assert household_platforms(ctx.session, ctx.member.household_id)[0].members == 1


def test_said_done_with_no_tutorial_asks_kindly_and_offers_the_menu(ctx):
    replies, understood = route(ctx, intents.TELL_DONE)
    assert understood and [r.template for r in replies] == ["outcome_said_unknown"]
    assert "menu" not in buttons(replies) and any(p.startswith("topic:") for p in buttons(replies))
    assert kept(ctx) == []


def test_said_done_long_after_the_tutorial_is_not_taken_for_it(ctx):
    run = finish(ctx)
    ctx.now = run.completed_at + timedelta(days=outcomes.SAID_WITHIN_DAYS, minutes=1)
    assert route(ctx, intents.TELL_DONE)[0][0].template == "outcome_said_unknown"
    ctx.now = run.completed_at + timedelta(days=outcomes.SAID_WITHIN_DAYS - 1)
    assert route(ctx, intents.TELL_DONE)[0][0].template == "outcome_said_done"


def test_said_done_is_about_the_tutorial_last_asked_about(ctx):
    older = finish(ctx, "vneid-register")
    answer_button(ctx, "later", older)
    ctx.now += timedelta(days=1)
    newer = finish(ctx, "pay-electricity")
    answer_button(ctx, "done", newer)
    # The newest tutorial was asked last: saying it again changes nothing.
    ctx.now += timedelta(hours=1)
    assert route(ctx, intents.TELL_DONE)[0][0].template == "outcome_said_already"
    # Then the reminder asks about the "later" one (sent: the citizen saw it); the words answer it.
    ctx.now += timedelta(days=3)
    ctx.session.add(OutboxItem(kind="reminder", channel="telegram", external_id="u1", chat_key="telegram:u1",
                               member_id=ctx.member.id, reply="{}", status="sent",
                               dedupe_key=dedupe_key(older.id), sent_at=ctx.now))
    ctx.session.flush()
    ctx.now += timedelta(minutes=5)
    replies, _ = route(ctx, intents.TELL_DONE)
    assert replies[0].template == "outcome_said_done"
    assert replies[0].context["title"] == ctx.catalog["vneid-register"].title
    assert sorted(kept(ctx)) == sorted([(older.id, "done", "vneid-level1", ctx.member.household_id, None),
                                        (newer.id, "done", "online-electricity-payment",
                                         ctx.member.household_id, None)])


def test_a_reminder_not_sent_yet_does_not_count_as_asked(ctx):
    older = finish(ctx, "vneid-register")
    answer_button(ctx, "later", older)
    ctx.now += timedelta(days=1)
    newer = finish(ctx, "pay-electricity")
    ctx.session.add(OutboxItem(kind="reminder", channel="telegram", external_id="u1", chat_key="telegram:u1",
                               member_id=ctx.member.id, reply="{}", dedupe_key=dedupe_key(older.id)))
    ctx.session.flush()
    route(ctx, intents.TELL_DONE)
    assert {(run_id, result) for run_id, result, *_ in kept(ctx)} == {(older.id, "later"), (newer.id, "done")}


@pytest.mark.parametrize("intent", [intents.TELL_DONE, intents.NEXT_STEP, intents.AFFIRM])
def test_inside_a_tutorial_the_words_mean_the_step_is_done(ctx, intent):
    route(ctx, intents.topic_intent(TOPIC))
    replies, _ = route(ctx, intent)
    assert replies[-1].template == "tutorial_step" and replies[-1].context["number"] == 2
    assert kept(ctx) == []


def test_said_done_at_the_last_step_ends_the_tutorial_and_asks(ctx):
    route(ctx, intents.topic_intent(TOPIC))
    for _ in ctx.catalog[TOPIC].steps[1:]:
        route(ctx, intents.TELL_DONE)
    replies, _ = route(ctx, intents.TELL_DONE)
    assert [r.template for r in replies] == ["tutorial_completed"]
    assert any(p.startswith("outcome:done:") for p in buttons(replies))
    assert kept(ctx) == []  # the step was done; whether it worked is still asked
    assert route(ctx, intents.TELL_DONE)[0][0].template == "outcome_said_done"


def test_said_done_with_a_paused_tutorial_is_about_the_finished_one(ctx):
    run = finish(ctx)
    route(ctx, intents.topic_intent("pay-electricity"))
    route(ctx, intents.STOP_TUTORIAL)
    replies, _ = route(ctx, intents.TELL_DONE)
    assert replies[0].template == "outcome_said_done"
    assert [(run_id, result) for run_id, result, *_ in kept(ctx)] == [(run.id, "done")]


def test_said_not_done_after_a_tutorial_asks_the_step_as_the_button_does(ctx):
    run = finish(ctx)
    said = route(ctx, intents.TELL_NOT_DONE)[0]
    pressed = answer_button(ctx, "failed", run)
    assert [r.template for r in said] == [r.template for r in pressed] == ["outcome_which_step"]
    assert buttons(said) == buttons(pressed)
    assert kept(ctx) == [(run.id, "failed", "vneid-level2", ctx.member.household_id, None)]
    # Then a step, then a person with that step in the request.
    at_step = routing.route_payload(ctx, payloads.OutcomeStep(run.id, 2).pack())
    helped = routing.route_payload(ctx, next(p for p in buttons(at_step) if p.startswith("outcome:help:")))
    assert helped[0].template == "human_handoff" and helped[0].context["number"] == 3
    assert ctx.session.scalars(select(HelpRequest)).one().step_index == 2


def test_said_not_done_inside_a_tutorial_offers_a_person_at_that_step(ctx):
    route(ctx, intents.topic_intent(TOPIC))
    route(ctx, intents.NEXT_STEP)
    replies, _ = route(ctx, intents.TELL_NOT_DONE)
    assert replies[0].template == "human_handoff" and replies[0].context["number"] == 2
    request = ctx.session.scalars(select(HelpRequest)).one()
    assert (request.topic_id, request.step_index) == (TOPIC, 1) and kept(ctx) == []


@pytest.mark.parametrize("done_before", [False, True])
def test_said_not_done_with_nothing_to_answer_offers_a_person(ctx, done_before):
    if done_before:  # a "done" is not taken back by words that may be about something else
        answer_button(ctx, "done", finish(ctx))
    replies, _ = route(ctx, intents.TELL_NOT_DONE)
    assert replies[0].template == "human_handoff" and replies[0].context["topic_title"] is None
    assert [result for _, result, *_ in kept(ctx)] == (["done"] if done_before else [])


@pytest.mark.parametrize("intent", [intents.NEXT_STEP, intents.AFFIRM])  # "xong rồi", "tiếp"; "ok", "vâng"
def test_next_right_after_the_last_step_asks_again_whether_it_worked(ctx, intent):
    run = finish(ctx)
    replies, understood = route(ctx, intent)
    assert understood and [r.template for r in replies] == ["outcome_ask_again"]
    assert replies[0].context == {"title": ctx.catalog[TOPIC].title}
    assert {payloads.OutcomeAnswer(verb, run.id).pack() for verb in ("done", "failed", "later")} | {"menu"} == \
        set(buttons(replies))
    assert kept(ctx) == []  # nothing is recorded until a button is tapped


def test_next_once_the_question_is_answered_is_no_tutorial_in_progress(ctx):
    answer_button(ctx, "later", finish(ctx))
    assert [r.template for r in route(ctx, intents.NEXT_STEP)[0]] == ["no_active_tutorial"]


def test_next_long_after_the_end_is_no_tutorial_in_progress(ctx):
    run = finish(ctx)
    run.completed_at = ctx.now - outcomes.JUST_FINISHED - timedelta(minutes=1)
    assert [r.template for r in route(ctx, intents.NEXT_STEP)[0]] == ["no_active_tutorial"]
    run.completed_at = ctx.now - outcomes.JUST_FINISHED + timedelta(minutes=1)
    assert [r.template for r in route(ctx, intents.NEXT_STEP)[0]] == ["outcome_ask_again"]
