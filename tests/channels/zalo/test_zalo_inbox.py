"""The inbox: an event Zalo got 200 for is handled exactly once, even when its worker dies before or during
the turn, and with several workers picking up what was left; on SQLite and PostgreSQL."""
from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import DataError, OperationalError

from bot.channels.zalo import ZaloChannel
from bot.channels.zalo.inbox import KEEP_HANDLED, MAX_ATTEMPTS, ZaloInbox
from bot.services import build_services
from bot.shared.types import Incoming
from bot.storage.base import utcnow
from bot.storage.conversations import ConversationLog, ProcessedUpdate
from bot.storage.zalo import ZaloInboxEvent
from tests.channels.zalo.support import CITIZEN, running_zalo, zalo_settings

SHORT_LEASE = timedelta(seconds=1)


def died_after_answering(channel: ZaloChannel) -> None:
    """The worker answers 200 and dies before its task runs: the turn never starts."""
    channel._spawn = lambda coroutine: coroutine.close()


def count(services, model) -> int:
    with services.sessions() as session:
        return session.scalar(select(func.count()).select_from(model))


def inbox_rows(services) -> list[ZaloInboxEvent]:
    with services.sessions() as session:
        return list(session.scalars(select(ZaloInboxEvent).order_by(ZaloInboxEvent.id)))


@pytest.fixture
def shared_settings(settings, database_url):
    return settings.with_(database_url=database_url)


async def test_an_event_left_by_a_dead_worker_is_handled_once_at_the_next_start(
        shared_settings, catalog, zalo_api):
    event = zalo_api.text_event(CITIZEN, "/start")
    async with running_zalo(shared_settings, catalog, zalo_api) as (services, first, _):
        first.inbox.lease = SHORT_LEASE
        died_after_answering(first)
        assert (await zalo_api.deliver(event)).status_code == 200
        [row] = inbox_rows(services)
        assert row.text == "/start" and row.processed_at is None  # the raw text, until handled
    assert zalo_api.sent == []

    await asyncio.sleep(SHORT_LEASE.total_seconds() + 0.2)  # the dead worker's lease runs out
    async with running_zalo(shared_settings, catalog, zalo_api) as (services, second, _):
        await second.drained()  # start() found the event and handled it
        assert len(zalo_api.messages(CITIZEN)) == 1
        assert await second.recover() == 0
        assert (await zalo_api.deliver(event)).status_code == 200  # Zalo's replay of it changes nothing
        await second.drained()
        assert len(zalo_api.messages(CITIZEN)) == 1
        [row] = inbox_rows(services)
        assert row.processed_at is not None and row.text is None and row.payload is None
        assert count(services, ConversationLog) == 1 and count(services, ProcessedUpdate) == 1


async def test_a_restart_within_the_lease_waits_for_it(shared_settings, catalog, zalo_api):
    """A live worker's event is not taken from it; only a lapsed lease lets another worker in."""
    async with running_zalo(shared_settings, catalog, zalo_api) as (services, first, _):
        died_after_answering(first)
        assert (await zalo_api.deliver(zalo_api.text_event(CITIZEN, "/start"))).status_code == 200
    async with running_zalo(shared_settings, catalog, zalo_api) as (services, second, _):
        await second.drained()
        assert zalo_api.sent == []
        [(event_id, user)] = second.inbox.due(now=utcnow() + timedelta(minutes=2))
        assert user == CITIZEN and second.inbox.claim(event_id) is None
        assert second.inbox.claim(event_id, now=utcnow() + timedelta(minutes=2)).text == "/start"


async def test_a_worker_dying_after_the_turn_does_not_make_it_run_twice(shared_settings, catalog, zalo_api,
                                                                        caplog):
    async with running_zalo(shared_settings, catalog, zalo_api) as (services, first, _):
        first.inbox.lease = SHORT_LEASE

        def crash(*args, **kwargs):  # the turn is committed and answered, then the worker goes
            raise OperationalError("UPDATE zalo_inbox", {}, ConnectionError("server closed the connection"))

        first.inbox.done = crash
        with caplog.at_level(logging.ERROR, logger="bot.channels.zalo"):
            assert (await zalo_api.deliver(zalo_api.text_event(CITIZEN, "/start"))).status_code == 200
            await first.drained()
        assert "stays in the inbox" in caplog.text
    assert len(zalo_api.messages(CITIZEN)) == 1

    await asyncio.sleep(SHORT_LEASE.total_seconds() + 0.2)
    async with running_zalo(shared_settings, catalog, zalo_api) as (services, second, _):
        await second.drained()
        assert len(zalo_api.messages(CITIZEN)) == 1  # the dialogue knew the delivery id
        [row] = inbox_rows(services)
        assert row.processed_at is not None and row.text is None
        assert count(services, ConversationLog) == 1


async def test_two_workers_recovering_at_once_handle_an_event_once(shared_settings, catalog, zalo_api):
    async with running_zalo(shared_settings, catalog, zalo_api) as (services, first, _):
        first.inbox.lease = timedelta(0)
        died_after_answering(first)
        for text in ("/start", "/menu"):
            assert (await zalo_api.deliver(zalo_api.text_event(CITIZEN, text))).status_code == 200
    assert zalo_api.sent == []
    workers = [build_services(zalo_settings(shared_settings, zalo_api), catalog) for _ in range(2)]
    channels = [ZaloChannel(built) for built in workers]
    try:
        await asyncio.gather(*(channel.recover() for channel in channels))
        await asyncio.gather(*(channel.drained() for channel in channels))
        texts = [m.text for m in zalo_api.messages(CITIZEN)]
        assert texts[0].startswith("Xin chào") and len(texts) == 3  # the welcome, the menu in two parts
        assert count(workers[0], ConversationLog) == 2
        assert all(row.processed_at is not None for row in inbox_rows(workers[0]))
    finally:
        for channel, built in zip(channels, workers):
            await channel.stop()
            await built.aclose()


async def test_an_event_that_cannot_be_stored_gets_503_so_zalo_retries(shared_settings, catalog, zalo_api):
    async with running_zalo(shared_settings, catalog, zalo_api) as (services, channel, _):
        def database_down(*args, **kwargs):
            raise OperationalError("INSERT INTO zalo_inbox", {}, ConnectionError("connection refused"))

        add = channel.inbox.add
        channel.inbox.add = database_down
        event = zalo_api.text_event(CITIZEN, "/start")
        assert (await zalo_api.deliver(event)).status_code == 503
        channel.inbox.add = add
        assert (await zalo_api.deliver(event)).status_code == 200  # Zalo's retry
        await channel.drained()
        assert len(zalo_api.messages(CITIZEN)) == 1


async def test_an_event_that_can_never_be_stored_is_logged_and_dropped(shared_settings, catalog, zalo_api, caplog):
    """A retry would fail the same way, and Zalo disables a webhook that keeps failing."""
    async with running_zalo(shared_settings, catalog, zalo_api) as (services, channel, _):
        def refused(*args, **kwargs):
            raise DataError("INSERT INTO zalo_inbox", {}, ValueError("value too long"))

        channel.inbox.add = refused
        with caplog.at_level(logging.ERROR, logger="bot.channels.zalo"):
            assert (await zalo_api.deliver(zalo_api.text_event(CITIZEN, "/start"))).status_code == 200
        assert "could not be stored; dropped" in caplog.text


async def test_text_with_nul_characters_is_stored_and_handled(shared_settings, catalog, zalo_api):
    async with running_zalo(shared_settings, catalog, zalo_api) as (services, channel, _):
        assert (await zalo_api.deliver(zalo_api.text_event(CITIZEN, "/st\x00art"))).status_code == 200
        await channel.drained()
        assert len(zalo_api.messages(CITIZEN)) == 1
        assert all(row.processed_at is not None for row in inbox_rows(services))


def test_an_event_that_keeps_failing_is_given_up(services, caplog):
    inbox = ZaloInbox(services.sessions, lease=timedelta(0))
    event_id = inbox.add(Incoming(channel="zalo", user_id=CITIZEN, text="123456789012", update_key="m1"))
    assert inbox.add(Incoming(channel="zalo", user_id=CITIZEN, text="again", update_key="m1")) is None
    for _ in range(MAX_ATTEMPTS):
        assert inbox.claim(event_id) is not None  # each worker died during it
    with caplog.at_level(logging.ERROR, logger="bot.channels.zalo.inbox"):
        assert inbox.claim(event_id) is None
    assert "given up" in caplog.text and "123456789012" not in caplog.text
    [row] = inbox_rows(services)
    assert row.processed_at is not None and row.text is None and inbox.due() == []


def test_handled_events_are_forgotten_after_a_while(services):
    inbox = ZaloInbox(services.sessions)
    old = inbox.add(Incoming(channel="zalo", user_id=CITIZEN, text="a", update_key="m1"))
    inbox.add(Incoming(channel="zalo", user_id=CITIZEN, text="b", update_key="m2"))  # not handled yet
    inbox.done(old, now=utcnow() - KEEP_HANDLED - timedelta(minutes=1))
    assert inbox.prune() == 1
    assert [row.delivery_id for row in inbox_rows(services)] == ["m2"]
