"""What `camtay run` starts for the team (bot/runner.py -> TeamRuntime): its tick queues due reminders and
escalates untaken help requests by itself, and its sender delivers them."""
from __future__ import annotations

import asyncio
from datetime import datetime, time, timedelta, timezone

from sqlalchemy import select

from bot.delivery.clock import LocalTime
from bot.shared.team_settings import TeamSettings
from bot.shared.types import Reply
from bot.storage.help import HelpRequest
from bot.team.runtime import TeamRuntime
from tests.team.helpers import household, join_household, join_team, outbox
from tests.team.test_helpdesk import stuck
from tests.team.test_reminders import stopped_midway


class RecordingSender:
    """A channel's Sender that keeps what it was asked to send."""

    def __init__(self):
        self.sent: list[tuple[str, Reply]] = []

    async def send_to(self, external_id: str, reply: Reply, address_form: str | None = None) -> None:
        self.sent.append((external_id, reply))


def tomorrow_at_ten() -> datetime:
    """10:00 in Hà Nội tomorrow: in working hours on most days, never quiet, and in the future (the sender
    checks a reminder's deadline, 21:00 that day, against the real time)."""
    local = LocalTime.of(TeamSettings())
    day = local.local(datetime.now(timezone.utc)).date() + timedelta(days=1)
    while day.weekday() >= 5:  # working minutes are counted Monday to Friday
        day += timedelta(days=1)
    return datetime.combine(day, time(10, 0), local.zone).astimezone(timezone.utc)


async def wait_for(predicate, timeout: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        assert asyncio.get_running_loop().time() < deadline, "the running app did not do it in time"
        await asyncio.sleep(0.02)


async def test_the_running_app_sends_reminders_and_escalates_on_its_own(services):
    now = tomorrow_at_ten()
    services.settings = services.settings.with_(team=services.settings.team.with_(tick_seconds=0.05))
    await stopped_midway(services, now - timedelta(days=3), user="100")
    _, code = household(services, "Hộ Cần Giúp")
    await join_team(services, "400", "Cán bộ xã", villages=(), role="commune")
    await join_household(services, "500", code)
    await stuck(services, "500")  # nobody of the village in chat: escalated at once
    with services.sessions() as session:  # and one untaken since 08:00 (120 working minutes): the tick's
        first = session.scalars(select(HelpRequest)).one()
        session.add(HelpRequest(member_id=first.member_id, household_id=first.household_id, status="open",
                                created_at=now - timedelta(hours=2), last_messages="[]"))
        session.commit()
    channel = RecordingSender()
    services.senders["telegram"] = channel
    runtime = await TeamRuntime(services, clock=lambda: now).start()
    try:
        await wait_for(lambda: any(r.template == "team/reminder" for _, r in channel.sent))
        await wait_for(lambda: sum(r.template == "team/help_notice" for u, r in channel.sent if u == "400") == 2)
        ticks = runtime.ticks
        await wait_for(lambda: runtime.ticks >= ticks + 3)  # ticking on: nothing is queued twice
    finally:
        await runtime.stop()
    reminders = [(user, r) for user, r in channel.sent if r.template == "team/reminder"]
    assert [user for user, _ in reminders] == ["100"]
    notices = [r.context for _, r in channel.sent if r.template == "team/help_notice"]
    assert [(n["escalated"], n["waited_minutes"]) for n in notices] == [(True, None), (True, 120)]
    assert {item.status for item in outbox(services)} == {"sent"}
