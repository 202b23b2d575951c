"""Quiet hours (21:00-07:00 Asia/Ho_Chi_Minh) hold pushes and reminders, never a help conversation."""
from __future__ import annotations

import asyncio
from datetime import datetime, time, timedelta, timezone

import pytest
from sqlalchemy import select

from actions.team import push
from bot.delivery.clock import LocalTime
from bot.delivery.outbox import PRIORITY_REMINDER, enqueue
from bot.delivery.sender import OutboxSender
from bot.shared.team_settings import TeamSettings
from bot.shared.types import Reply
from bot.storage.households import Household, Member
from devtools.pushing import seed
from tests.team.helpers import outbox
from tests.team.test_runtime import RecordingSender, wait_for

LOCAL = LocalTime.of(TeamSettings())


def local_at(hour: int, minute: int = 0, days: int = 0) -> datetime:
    day = datetime(2026, 3, 10).date() + timedelta(days=days)
    return datetime.combine(day, time(hour, minute), LOCAL.zone).astimezone(timezone.utc)


@pytest.mark.parametrize("moment, ends", [
    (local_at(22), local_at(7, days=1)),
    (local_at(3, 30), local_at(7)),
    (local_at(10), local_at(10)),
])
def test_quiet_hours_end(moment, ends):
    assert LOCAL.quiet_ends(moment) == ends


def push_village(services, now: datetime, settings: TeamSettings | None = TeamSettings()) -> int:
    with services.sessions() as session:
        village_id = session.scalar(select(Household.village_id))
        created, _ = push.create_push(session, services.catalog, "vneid-register", "all", "village", village_id,
                                      "test", None, now, settings=settings)
        session.commit()
        return created.id


async def test_a_push_made_at_night_waits_for_the_morning(services):
    seed(services.sessions, 2)
    push_village(services, local_at(22))
    assert {item.not_before for item in outbox(services, kind="push")} == {local_at(7, days=1).timestamp()}


async def test_a_push_made_in_the_day_goes_at_once(services):
    seed(services.sessions, 2)
    push_village(services, local_at(10))
    assert {item.not_before for item in outbox(services, kind="push")} == {0.0}


async def run_sender(services, channel, clock_at: datetime, expected: int) -> None:
    """A sender whose clock says `clock_at`, until it has sent `expected` messages (and a little more)."""
    settings = services.settings.team.with_(outbox_poll=0.02, chat_interval=0.05)
    sender = OutboxSender(services.sessions, {"telegram": channel}, settings, clock=lambda: clock_at)
    task = asyncio.create_task(sender.run())
    try:
        await wait_for(lambda: len(channel.sent) >= expected)
        await asyncio.sleep(0.5)  # time enough for anything else it would send
    finally:
        sender.stop()
        await task


async def test_the_sender_starts_no_push_or_reminder_in_quiet_hours_but_relays_go(services):
    """A push queued in the day (or by a caller without settings) and a reminder are held at night; a
    helper's words to a citizen go at once, even to the chat the push waits for."""
    chats = seed(services.sessions, 2)
    push_village(services, local_at(10), settings=None)
    with services.sessions() as session:
        first, second = session.scalars(select(Member).order_by(Member.id)).all()
        enqueue(session, first, Reply("team/relay_from_helper", {"helper_name": "Lan", "text": "chào bác"}),
                "relay")
        enqueue(session, second, Reply("team/reminder", {"title": "VNeID", "number": 2, "total": 5}),
                "reminder", priority=PRIORITY_REMINDER)
        session.commit()
    channel = RecordingSender()
    await run_sender(services, channel, local_at(23), expected=1)
    assert [(user, r.template) for user, r in channel.sent] == [(str(chats[0]), "team/relay_from_helper")]
    await run_sender(services, channel, local_at(8, days=1), expected=4)
    assert sorted(r.template for _, r in channel.sent[1:]) == ["team/push_tutorial", "team/push_tutorial",
                                                               "team/reminder"]
