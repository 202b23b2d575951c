"""The outbox sender in process against the fake Bot API: exactly once, Telegram's limits, 429, failures."""
from __future__ import annotations

import asyncio
import time
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from actions.team import push
from bot.channels.telegram import TelegramChannel
from bot.delivery.outbox import OutboxStore, enqueue
from bot.delivery.sender import OutboxSender
from bot.services import build_services
from bot.shared.types import Reply
from bot.storage.households import Member
from devtools.fakes.telegram_api import FakeTelegramApi
from devtools.pushing import NEVER_QUIET, TOKEN, per_chat, seed, sends, statuses

pytestmark = pytest.mark.asyncio(loop_scope="session")


@pytest.fixture
def api():
    with FakeTelegramApi(TOKEN) as fake:
        yield fake


async def drain(services, api, **team):
    """Run one in-process sender until the outbox is empty."""
    settings = services.settings.team.with_(outbox_poll=0.02, **team)
    channel = TelegramChannel(services, flood_retries=False)
    await channel.application.initialize()
    try:
        sender = OutboxSender(services.sessions, {"telegram": channel}, settings)
        await asyncio.wait_for(sender.run(until_empty=True), timeout=120)
        return sender.counts
    finally:
        await channel.application.shutdown()


@pytest.fixture
async def services(settings, catalog, api):
    built = build_services(settings.with_(telegram_bot_token=TOKEN, telegram_api_url=api.url,
                                          team=settings.team.with_(quiet_hours=NEVER_QUIET)), catalog)
    yield built
    await built.aclose()


def push_village(services, topic: str = "vneid-register", who: str = "all"):
    with services.sessions() as session:
        village = session.scalar(select(Member.household_id))  # any household: its village
        from bot.storage.households import Household
        village_id = session.get(Household, village).village_id
        created, _ = push.create_push(session, services.catalog, topic, who, "village", village_id, "test", None,
                                      datetime.now(timezone.utc))
        session.commit()
        return created.id


async def test_a_push_reaches_every_household_once_with_its_report(services, api):
    chats = seed(services.sessions, 60)
    for chat in chats:
        api.user(chat)
    push_id = push_village(services)
    counts = await drain(services, api, telegram_rate=200.0)
    assert counts["sent"] == 60 and set(per_chat(api).values()) == {1} and set(per_chat(api)) == set(chats)
    with services.sessions() as session:
        report = push.report(session, services.catalog, push_id).as_dict()
    assert (report["queued"], report["sent"], report["failed"], report["pending"]) == (60, 60, 0, 0)


async def test_one_chat_gets_at_most_one_message_a_second_in_order(services, api):
    [chat] = seed(services.sessions, 1)
    api.user(chat)
    with services.sessions() as session:
        member = session.scalars(select(Member)).one()
        for n in range(4):
            enqueue(session, member, Reply("team/relay_from_helper", {"helper_name": "Lan", "text": f"tin {n}"}),
                    "relay")
        session.commit()
    await drain(services, api)
    calls = sends(api)
    assert [c.params["text"].split(": ")[1] for c in calls] == ["tin 0", "tin 1", "tin 2", "tin 3"]
    gaps = [b.at - a.at for a, b in zip(calls, calls[1:])]
    assert min(gaps) >= 1.0, gaps


async def test_a_429_pauses_sending_for_its_retry_after(services, api):
    chats = seed(services.sessions, 40)
    for chat in chats:
        api.user(chat)
    push_village(services)
    api.flood("sendMessage", retry_after=2, times=1)
    counts = await drain(services, api, telegram_rate=100.0)
    assert counts["sent"] == 40 and counts["retried"] == 1
    assert set(per_chat(api).values()) == {1}  # the refused one was sent again, once
    refused = next(c for c in api.calls_to("sendMessage") if c.error)
    during = [c for c in sends(api) if refused.at + 0.05 < c.at < refused.at + 2.0]
    assert during == []


async def test_refusals_are_reported_with_their_reasons(services, api):
    chats = seed(services.sessions, 5)
    for chat in chats[:3]:
        api.user(chat)  # the other two never wrote to the bot: "chat not found"
    push_id = push_village(services)
    counts = await drain(services, api)
    assert (counts["sent"], counts["failed"]) == (3, 2)
    with services.sessions() as session:
        report = push.report(session, services.catalog, push_id).as_dict()
    assert report["failed"] == 2 and report["failures"] == {"refused": 2}


async def test_a_zalo_household_outside_the_48_hour_window_is_reported_not_sent(services, api):
    seed(services.sessions, 2, channel="zalo", seen_hours_ago=50, first_chat=10)
    seed(services.sessions, 1, channel="zalo", seen_hours_ago=2, first_chat=20)
    push_id = push_village(services)
    with services.sessions() as session:
        report = push.report(session, services.catalog, push_id).as_dict()
    assert (report["queued"], report["skipped"], report["pending"]) == (3, 2, 1)
    assert len(report["skipped_households"]) == 2


async def test_claims_are_exclusive_and_a_dead_senders_rows_are_recovered(services):
    seed(services.sessions, 3)
    push_village(services)
    first = OutboxStore(services.sessions, "first", lease=0.5, chat_interval=1.0)
    second = OutboxStore(services.sessions, "second", lease=60, chat_interval=1.0)
    now = time.time()
    a = first.claim("telegram", 2, now)
    b = second.claim("telegram", 5, now)
    assert len(a) == 2 and len(b) == 1 and not {i.id for i in a} & {i.id for i in b}
    assert first.start_sending(a[0].id, "telegram", now)
    assert not second.start_sending(a[1].id, "telegram", now)  # not its claim
    # "first" dies: its claim goes back to the queue, its send in flight becomes unknown (never resent).
    assert second.recover(now + 1) == {"requeued": 1, "unknown": 1, "expired": 0}
    assert not second.sent(a[0].id, now + 1)  # not its row
    assert first.sent(a[0].id, now + 1)  # its answer came late after all: delivered, so `sent`
    assert statuses(services.sessions) == {"sent": 1, "queued": 1, "claimed": 1}
