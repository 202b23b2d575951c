"""After "Để sau" at a tutorial's end: one "did it work?" reminder OUTCOME_REMINDER_DAYS later, through the
outbox, never in quiet hours, never twice, not after a later answer, not for a citizen who turned reminders off;
its buttons record the outcome as the end-of-tutorial buttons do."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import select, update

from actions.team import outcome_reminders, periodic
from bot.shared.team_settings import TeamSettings
from bot.storage.households import Member
from bot.storage.outcomes import OUTCOME_DONE, OUTCOME_LATER, SOURCE_TEAM, Outcome
from tests.helpers import payload_starting, templates, turn
from tests.team.helpers import household, join_household, payloads_of, queue_due, queued_reminders

CITIZEN = "200"
TOPIC = "vneid-level2"
SETTINGS = TeamSettings()
# 10:00 in Hà Nội is 03:00 UTC.
MORNING = datetime(2026, 3, 10, 3, 0, tzinfo=timezone.utc)
DUE = MORNING + timedelta(days=3, minutes=1)


async def said_later(services, when: datetime = MORNING, user: str = CITIZEN):
    """A citizen who finished a tutorial and answered "Để sau", at `when`."""
    _, code = household(services, f"Hộ {user}")
    await join_household(services, user, code)
    result = await turn(services, user, payload=f"topic:{TOPIC}", channel="telegram")
    for _ in services.catalog[TOPIC].steps:
        result = await turn(services, user, payload=payload_starting(result, "tutorial:next:"), channel="telegram")
    later = await turn(services, user, payload=payload_starting(result, "outcome:later:"), channel="telegram")
    assert templates(later) == ["outcome_later"]
    with services.sessions() as session:
        member = session.scalars(select(Member).where(Member.external_id == user, Member.channel == "telegram")).one()
        session.execute(update(Outcome).where(Outcome.member_id == member.id).values(at=when))
        member.last_seen_at = when
        session.commit()
        return member.id


def run(services, now: datetime, settings: TeamSettings = SETTINGS) -> int:
    return queue_due(services, outcome_reminders.send_due, now, settings)


async def test_once_after_the_delay_with_the_three_buttons(services):
    await said_later(services)
    assert run(services, MORNING + timedelta(days=2, hours=23)) == 0
    assert run(services, DUE) == 1
    [reminder] = queued_reminders(services)
    assert reminder["template"] == "team/outcome_reminder"
    assert reminder["context"]["title"] == services.catalog[TOPIC].title
    kinds = [p.split(":")[1] for p in payloads_of(reminder)[:3]]
    assert kinds == ["done", "failed", "later"] and payloads_of(reminder)[3] == "reminders:off"
    assert run(services, DUE + timedelta(hours=1)) == 0  # never twice
    assert run(services, DUE + timedelta(days=5)) == 0
    assert len(queued_reminders(services)) == 1


async def test_two_ticks_queue_it_once(services):
    await said_later(services)
    first = periodic.tick(services.sessions, services.catalog, SETTINGS, DUE)
    second = periodic.tick(services.sessions, services.catalog, SETTINGS, DUE + timedelta(minutes=1))
    assert first["outcome_reminders"] == 1 and second["outcome_reminders"] == 0
    assert len(queued_reminders(services)) == 1


async def test_never_in_quiet_hours(services):
    await said_later(services)
    night = MORNING + timedelta(days=3, hours=12)  # 22:00 in Hà Nội
    assert run(services, night) == 0
    assert run(services, night + timedelta(hours=10)) == 1  # 08:00 the next morning


async def test_not_after_a_later_answer(services):
    member_id = await said_later(services)
    with services.sessions() as session:  # a team member recorded it done, after the "later"
        session.add(Outcome(member_id=member_id, topic_id=TOPIC, result=OUTCOME_DONE, source=SOURCE_TEAM,
                            at=MORNING + timedelta(days=1)))
        session.commit()
    assert run(services, DUE) == 0
    assert queued_reminders(services) == []


async def test_not_for_a_citizen_who_turned_reminders_off(services):
    await said_later(services)
    await turn(services, CITIZEN, payload="reminders:off", channel="telegram")
    assert run(services, DUE) == 0
    assert queued_reminders(services) == []


async def test_its_buttons_record_the_outcome_and_later_again_is_never_reminded(services):
    member_id = await said_later(services)
    assert run(services, DUE) == 1
    [reminder] = queued_reminders(services)
    done = next(p for p in payloads_of(reminder) if p.startswith("outcome:done:"))
    later = next(p for p in payloads_of(reminder) if p.startswith("outcome:later:"))
    assert templates(await turn(services, CITIZEN, payload=later, channel="telegram")) == ["outcome_later"]
    with services.sessions() as session:
        [row] = session.scalars(select(Outcome).where(Outcome.member_id == member_id)).all()
        assert row.result == OUTCOME_LATER
        session.execute(update(Outcome).where(Outcome.id == row.id).values(at=MORNING))
        session.commit()
    assert run(services, DUE + timedelta(days=4)) == 0  # "later" again: recorded, not reminded
    assert templates(await turn(services, CITIZEN, payload=done, channel="telegram")) == ["outcome_done"]
    with services.sessions() as session:
        [row] = session.scalars(select(Outcome).where(Outcome.member_id == member_id)).all()
        assert row.result == OUTCOME_DONE and row.platform == services.catalog[TOPIC].platform
