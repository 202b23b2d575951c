"""The end of a tutorial: did it work (done, not yet at a step then a person, later), and the one-tap rating."""
from __future__ import annotations

from sqlalchemy import select

from bot.people.households import add_household
from bot.storage.help import HelpRequest
from bot.storage.households import Member
from bot.storage.outcomes import Outcome
from bot.storage.ratings import Rating
from tests.helpers import payload_starting, payloads, templates, turn

TOPIC = "vneid-level2"


async def finish(services, catalog, topic_id: str = TOPIC, user: str = "u1"):
    result = await turn(services, user, payload=f"topic:{topic_id}")
    for _ in catalog[topic_id].steps:
        result = await turn(services, user, payload=payload_starting(result, "tutorial:next:"))
    assert templates(result) == ["tutorial_completed"]
    return result


def linked(services, user: str = "u1") -> int:
    with services.sessions() as session:
        household = add_household(session, "Xã Tân Lập", "Thôn Đồng Bằng", "Nguyễn Văn An")
        member = session.scalars(select(Member).where(Member.external_id == user)).one()
        member.household_id = household.id
        session.commit()
        return household.id


async def test_done_is_kept_with_the_platform_and_the_household(services, catalog):
    await turn(services, text="/start")
    household_id = linked(services)
    end = await finish(services, catalog)
    assert {"outcome:done:", "outcome:failed:", "outcome:later:"} <= {p.rsplit(":", 1)[0] + ":" for p in payloads(end)}
    assert f"topic:{catalog[TOPIC].next_topic}" in payloads(end)
    done = await turn(services, payload=payload_starting(end, "outcome:done:"))
    assert templates(done) == ["outcome_done"]
    assert done.replies[0].context["platform"] == catalog.platforms["vneid-level2"].name
    assert {f"rate:up:{TOPIC}", f"rate:down:{TOPIC}"} <= set(payloads(done))
    # A second answer to the same question changes the first.
    await turn(services, payload=payload_starting(end, "outcome:done:"))
    with services.sessions() as session:
        [outcome] = session.scalars(select(Outcome)).all()
    assert (outcome.result, outcome.platform, outcome.household_id, outcome.step_index) == \
        ("done", "vneid-level2", household_id, None)


async def test_not_yet_asks_the_step_and_the_request_carries_it(services, catalog):
    end = await finish(services, catalog)
    which = await turn(services, payload=payload_starting(end, "outcome:failed:"))
    assert templates(which) == ["outcome_which_step"]
    steps = [p for p in payloads(which) if p.startswith("outcome:step:")]
    assert len(steps) == len(catalog[TOPIC].steps)
    assert all(len(row) <= 4 for row in which.replies[0].buttons)  # short rows a phone shows whole
    assert all(len(p.encode()) <= 64 for p in payloads(which))
    at_step = await turn(services, payload=steps[3])
    assert templates(at_step) == ["outcome_failed_step"] and at_step.replies[0].context["number"] == 4
    helped = await turn(services, payload=payload_starting(at_step, "outcome:help:"))
    assert templates(helped) == ["human_handoff"] and helped.replies[0].context["number"] == 4
    with services.sessions() as session:
        [request] = session.scalars(select(HelpRequest)).all()
        [outcome] = session.scalars(select(Outcome)).all()
    assert (request.topic_id, request.step_index) == (TOPIC, 3)
    assert (outcome.result, outcome.step_index) == ("failed", 3)


async def test_later_is_kept_and_offers_the_rating(services, catalog):
    end = await finish(services, catalog, "scam-safety")
    later = await turn(services, payload=payload_starting(end, "outcome:later:"))
    assert templates(later) == ["outcome_later"] and "rate:up:scam-safety" in payloads(later)
    with services.sessions() as session:
        [outcome] = session.scalars(select(Outcome)).all()
    assert (outcome.result, outcome.platform) == ("later", None)  # scam-safety brings no platform


async def test_outcome_buttons_of_someone_else_or_a_broken_step_do_nothing(services, catalog):
    end = await finish(services, catalog)
    done = payload_starting(end, "outcome:done:")
    assert templates(await turn(services, "u2", payload=done)) == ["button_unknown"]
    run_id = done.rsplit(":", 1)[1]
    assert templates(await turn(services, payload=f"outcome:step:{run_id}:99")) == ["button_unknown"]
    assert templates(await turn(services, payload=f"outcome:help:{run_id}:99")) == ["button_unknown"]
    with services.sessions() as session:
        assert session.scalars(select(Outcome)).all() == []
        assert session.scalars(select(HelpRequest)).all() == []


async def test_a_faq_answer_is_rated_with_one_tap(services):
    answer = await turn(services, payload="topic:faq-vneid-what")
    assert templates(answer) == ["faq_answer"]
    thanks = await turn(services, payload=payload_starting(answer, "rate:up:"))
    assert templates(thanks) == ["rating_thanks"]
    with services.sessions() as session:
        [rating] = session.scalars(select(Rating)).all()
    assert (rating.topic_id, rating.helpful, rating.reason) == ("faq-vneid-what", True, None)


async def test_not_helpful_asks_a_reason_then_offers_a_person(services):
    answer = await turn(services, payload="topic:faq-dvc-what")
    asked = await turn(services, payload=payload_starting(answer, "rate:down:"))
    assert templates(asked) == ["rating_ask_reason"] and "human" in payloads(asked)
    reason = await turn(services, payload=payload_starting(asked, "rate:why:"))
    assert templates(reason) == ["rating_thanks"] and "human" in payloads(reason)
    # A changed mind soon after changes the same rating; a forged reason is refused.
    rating_id = payload_starting(asked, "rate:why:").split(":")[2]
    assert templates(await turn(services, payload=f"rate:why:{rating_id}:because")) == ["button_unknown"]
    with services.sessions() as session:
        [rating] = session.scalars(select(Rating)).all()
    assert (rating.topic_id, rating.helpful, rating.reason) == ("faq-dvc-what", False, "other")
    await turn(services, payload=payload_starting(answer, "rate:up:"))
    with services.sessions() as session:
        [rating] = session.scalars(select(Rating)).all()
    assert (rating.helpful, rating.reason) == (True, None)
