"""The sender survives the database's errors (a failover) and never leaves its own rows blocking a chat."""
from __future__ import annotations

import asyncio
import logging
import time

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from bot.delivery.outbox import OutboxStore, enqueue
from bot.delivery.sender import OutboxSender
from bot.shared.types import Reply
from bot.storage.households import Member
from devtools.pushing import NEVER_QUIET, seed, statuses
from tests.team.test_runtime import RecordingSender

pytestmark = pytest.mark.asyncio(loop_scope="session")


def failover() -> OperationalError:
    return OperationalError("SELECT 1", {}, Exception("server closed the connection unexpectedly"))


def queue_relays(services, count: int) -> None:
    """`count` messages to one chat, as a helper's relayed lines."""
    with services.sessions() as session:
        member = session.scalars(select(Member)).first()
        for n in range(count):
            enqueue(session, member, Reply("team/relay_from_helper", {"helper_name": "Lan", "text": f"tin {n}"}),
                    "relay")
        session.commit()


def sender_for(services, channel, **team) -> OutboxSender:
    settings = services.settings.team.with_(outbox_poll=0.02, chat_interval=0.05, quiet_hours=NEVER_QUIET,
                                            **team)
    return OutboxSender(services.sessions, {"telegram": channel}, settings)


def failing(method, times: int):
    """`method`, raising a failover's OperationalError its first `times` calls."""
    calls = {"n": 0}

    def wrapped(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] <= times:
            raise failover()
        return method(*args, **kwargs)
    return wrapped


@pytest.mark.parametrize("broken", ["recover", "claim", "reserve", "pending"])
async def test_a_database_error_in_a_loop_is_logged_and_the_sender_goes_on(services, broken, caplog):
    seed(services.sessions, 1)
    queue_relays(services, 2)
    channel = RecordingSender()
    sender = sender_for(services, channel)
    setattr(sender.store, broken, failing(getattr(sender.store, broken), 2))
    with caplog.at_level(logging.ERROR, logger="bot.delivery.sender"):
        await asyncio.wait_for(sender.run(until_empty=True), timeout=30)
    assert [r.context["text"] for _, r in channel.sent] == ["tin 0", "tin 1"]
    assert statuses(services.sessions) == {"sent": 2}
    assert any("trying again" in record.getMessage() for record in caplog.records)


async def test_the_runtime_logs_a_sender_that_ends(services, caplog):
    from bot.team.runtime import TeamRuntime
    services.senders["telegram"] = RecordingSender()
    runtime = await TeamRuntime(services).start()
    try:
        with caplog.at_level(logging.ERROR, logger="bot.delivery.runtime"):
            task = next(t for t in runtime._tasks if t.get_name() == "outbox-sender")
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            await asyncio.sleep(0)
        assert any("outbox sender ended" in r.getMessage() for r in caplog.records)
    finally:
        await runtime.stop()


async def test_an_error_after_the_claim_does_not_block_the_chat(services):
    """Recording `sent` fails once (the database went away after the request): that row is not sent again,
    and the chat's next message still goes out."""
    seed(services.sessions, 1)
    queue_relays(services, 2)
    channel = RecordingSender()
    sender = sender_for(services, channel, outbox_lease=0.5)
    sender.store.sent = failing(sender.store.sent, 1)
    await asyncio.wait_for(sender.run(until_empty=True), timeout=30)
    assert [r.context["text"] for _, r in channel.sent] == ["tin 0", "tin 1"]  # each once
    assert statuses(services.sessions) == {"unknown": 1, "sent": 1}


async def test_recovery_takes_back_this_senders_own_rows_it_is_not_delivering(services):
    seed(services.sessions, 3)
    with services.sessions() as session:
        for member in session.scalars(select(Member)):
            enqueue(session, member, Reply("team/reminder", {}), "relay")
        session.commit()
    store = OutboxStore(services.sessions, "me", lease=0.5, chat_interval=1.0)
    now = time.time()
    lost_claim, lost_send, delivering = store.claim("telegram", 3, now)
    assert store.start_sending(lost_send.id, "telegram", now)
    assert store.start_sending(delivering.id, "telegram", now)
    assert store.recover(now + 1, frozenset({delivering.id})) == {"requeued": 1, "unknown": 1, "expired": 0}
    assert statuses(services.sessions) == {"queued": 1, "unknown": 1, "sending": 1}
    assert store.sent(delivering.id, now + 1)
