"""Gentle reminders: after the delay, never in quiet hours (Asia/Ho_Chi_Minh), at most two per run, off in one tap."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select, update

from actions.team import reminders
from bot.delivery.clock import LocalTime
from bot.shared.team_settings import TeamSettings
from bot.storage.delivery import OutboxItem
from bot.storage.households import Member
from bot.storage.progress import TutorialRun
from tests.helpers import payload_starting, templates, turn
from tests.team.helpers import household, join_household, outbox, payloads_of, queue_due, queued_reminders

CITIZEN = "100"
SETTINGS = TeamSettings()
# 10:00 in Hà Nội is 03:00 UTC.
MORNING = datetime(2026, 3, 10, 3, 0, tzinfo=timezone.utc)


async def stopped_midway(services, when: datetime, user: str = CITIZEN, channel: str = "telegram"):
    """A citizen who walked two steps of a tutorial, last seen at `when`."""
    _, code = household(services, f"Hộ {user}")
    await join_household(services, user, code, channel=channel)
    started = await turn(services, user, payload="topic:vneid-register", channel=channel)
    await turn(services, user, payload=payload_starting(started, "tutorial:next:"), channel=channel)
    with services.sessions() as session:
        member = session.scalars(select(Member).where(Member.external_id == user)).one()
        session.execute(update(TutorialRun).where(TutorialRun.member_id == member.id).values(updated_at=when))
        member.last_seen_at = when
        session.commit()


def run(services, now: datetime, settings: TeamSettings = SETTINGS) -> int:
    return queue_due(services, reminders.send_due, now, settings)


async def test_a_reminder_after_the_delay_with_resume_and_off_buttons(services):
    await stopped_midway(services, MORNING)
    assert run(services, MORNING + timedelta(hours=47)) == 0
    assert run(services, MORNING + timedelta(hours=48, minutes=1)) == 1
    [reminder] = queued_reminders(services)
    assert reminder["template"] == "team/reminder" and reminder["context"]["number"] == 2
    payloads = payloads_of(reminder)
    assert payloads[0].startswith("tutorial:resume:") and payloads[1] == "reminders:off"
    assert run(services, MORNING + timedelta(hours=49)) == 0  # not again so soon


async def test_never_in_quiet_hours(services):
    await stopped_midway(services, MORNING)
    # 22:30 and 06:59 in Hà Nội: quiet. 07:00: allowed.
    late = datetime(2026, 3, 12, 15, 30, tzinfo=timezone.utc)
    early = datetime(2026, 3, 12, 23, 59, tzinfo=timezone.utc)
    seven = datetime(2026, 3, 13, 0, 0, tzinfo=timezone.utc)
    assert run(services, late) == 0 and run(services, early) == 0
    assert run(services, seven) == 1
    # The reminder must go out before 21:00 local, or not at all.
    [item] = outbox(services, kind="reminder")
    assert LocalTime.of(SETTINGS).local(datetime.fromtimestamp(item.not_after, timezone.utc)).hour == 21


@pytest.mark.parametrize("moment, quiet", [
    (datetime(2026, 3, 10, 13, 59, tzinfo=timezone.utc), False),  # 20:59
    (datetime(2026, 3, 10, 14, 0, tzinfo=timezone.utc), True),    # 21:00
    (datetime(2026, 3, 10, 19, 0, tzinfo=timezone.utc), True),    # 02:00
    (datetime(2026, 3, 10, 23, 59, tzinfo=timezone.utc), True),   # 06:59
    (datetime(2026, 3, 11, 0, 0, tzinfo=timezone.utc), False),    # 07:00
])
def test_quiet_hours_are_local_time(moment, quiet):
    assert LocalTime.of(SETTINGS).is_quiet(moment) is quiet


async def test_at_most_two_reminders_per_run(services):
    await stopped_midway(services, MORNING)
    sent = [run(services, MORNING + timedelta(days=days)) for days in (2, 3, 4, 5, 6, 8, 10)]
    assert sum(sent) == 2 and sent[:3] == [1, 0, 1]


async def test_one_tap_turns_reminders_off(services):
    await stopped_midway(services, MORNING)
    off = await turn(services, CITIZEN, payload="reminders:off", channel="telegram")
    assert templates(off) == ["team/reminders_off"]
    assert run(services, MORNING + timedelta(days=3)) == 0
    on = await turn(services, CITIZEN, payload="reminders:on", channel="telegram")
    assert templates(on) == ["team/reminders_on"]
    with services.sessions() as session:  # the taps were "now"; the test's clock is in March
        session.execute(update(Member).values(last_seen_at=MORNING))
        session.commit()
    assert run(services, MORNING + timedelta(days=3)) == 1


async def test_the_delay_is_configurable_and_active_people_are_left_alone(services):
    await stopped_midway(services, MORNING)
    assert run(services, MORNING + timedelta(hours=7), SETTINGS.with_(reminder_delay_hours=6)) == 1
    await stopped_midway(services, MORNING, user="200")
    with services.sessions() as session:  # they chatted an hour ago, about something else
        session.execute(update(Member).where(Member.external_id == "200").values(
            last_seen_at=MORNING + timedelta(days=2, hours=23)))
        session.commit()
    run(services, MORNING + timedelta(days=3))
    assert not outbox(services, kind="reminder", chat_key="telegram:200")


async def test_finished_tutorials_and_web_chat_get_no_reminder(services):
    await stopped_midway(services, MORNING)
    with services.sessions() as session:
        session.execute(update(TutorialRun).values(status="completed"))
        session.commit()
    assert run(services, MORNING + timedelta(days=3)) == 0
    await turn(services, "web-session-000000001", payload="topic:vneid-register", channel="web")
    with services.sessions() as session:
        session.execute(update(TutorialRun).where(TutorialRun.status == "active").values(updated_at=MORNING))
        session.execute(update(Member).values(last_seen_at=MORNING))
        session.commit()
    assert run(services, MORNING + timedelta(days=3)) == 0


async def test_turning_reminders_off_cancels_one_already_queued(services):
    await stopped_midway(services, MORNING)
    assert run(services, MORNING + timedelta(days=2, hours=1)) == 1
    await turn(services, CITIZEN, payload="reminders:off", channel="telegram")
    [item] = outbox(services, kind="reminder")
    assert (item.status, item.error) == ("skipped", reminders.TURNED_OFF)


async def test_a_reminder_that_never_went_out_does_not_count(services):
    await stopped_midway(services, MORNING)
    evening = datetime(2026, 3, 12, 13, 30, tzinfo=timezone.utc)  # 20:30 in Hà Nội: due until 21:00
    assert run(services, evening) == 1
    with services.sessions() as session:  # the sender was down until after 21:00
        session.execute(update(OutboxItem).values(status="expired", error="expired: not sent in time"))
        session.commit()
    morning = datetime(2026, 3, 13, 1, 0, tzinfo=timezone.utc)  # 08:00 the next day
    assert run(services, morning) == 1
    assert run(services, morning + timedelta(days=2)) == 1
    assert run(services, morning + timedelta(days=5)) == 0  # two went out: that is all
    assert [item.dedupe_key.rsplit(":", 1)[1] for item in outbox(services, kind="reminder")] == ["1", "2", "3"]


async def test_a_zalo_household_is_reminded_inside_zalos_48_hour_window(services):
    """With the default settings (48 h delay, 48 h window), Zalo gets its reminder after a day."""
    await stopped_midway(services, MORNING, user="300", channel="zalo")
    assert run(services, MORNING + timedelta(hours=23)) == 0
    assert run(services, MORNING + timedelta(hours=24, minutes=1)) == 1
    [item] = outbox(services, kind="reminder")
    assert item.chat_key == "zalo:300" and item.status == "queued"


@pytest.mark.parametrize("changes, channel, hours", [
    ({}, "telegram", 48.0),
    ({}, "zalo", 24.0),
    ({"zalo_reminder_delay_hours": 100.0}, "zalo", 36.0),  # never later than the window less 12 hours
    ({"zalo_reminder_delay_hours": 100.0, "zalo_window_hours": 24.0}, "zalo", 12.0),
])
def test_the_reminder_delay_per_channel(changes, channel, hours):
    assert SETTINGS.with_(**changes).reminder_delay_hours_for(channel) == hours


def test_the_zalo_reminder_delay_comes_from_the_environment():
    assert TeamSettings.from_env({"ZALO_REMINDER_DELAY_HOURS": "6"}).reminder_delay_hours_for("zalo") == 6.0
