"""Pushes drained by real sender processes against the fake Bot API: killed halfway and restarted, on
SQLite and on PostgreSQL with two senders; every household gets the push exactly once, and Telegram's
limits hold as measured from the fake's own timestamps."""
from __future__ import annotations

import signal
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from actions.team import push
from bot.storage.places import Village
from content.loader import load_catalog
from devtools.fakes.telegram_api import FakeTelegramApi
from devtools.pushing import (
    TOKEN,
    TRANSPORT_JITTER,
    max_in_window,
    measuring_priority,
    pending,
    per_chat,
    sender_env,
    sends,
    start_sender,
    statuses,
)
from tests.team.senders import chats_database, killed_halfway_and_restarted, wait_exit, wait_until

pytestmark = pytest.mark.slow
HOUSEHOLDS = 2000
FAST = 400.0  # messages a second for the big runs (the real limit is measured on a smaller run below)


def prepared(url: str, households: int, api: FakeTelegramApi):
    engine, sessions, chats = chats_database(url, households, api)
    with sessions() as session:
        village_id = session.scalar(select(Village.id))
        created, _ = push.create_push(session, load_catalog(), "vneid-register", "all", "village", village_id,
                                      "test", None, datetime.now(timezone.utc))
        session.commit()
    return engine, sessions, chats, created.id


def measured_sends(tmp_path, households: int, url: str | None = None, senders: int = 1, **team) -> list[float]:
    """Sender processes drain a push to `households` chats; the fake's arrival times of their messages."""
    measuring_priority()
    with FakeTelegramApi(TOKEN) as api:
        engine, sessions, chats, _ = prepared(url or f"sqlite:///{tmp_path / 'limit.sqlite3'}", households, api)
        logs = [tmp_path / f"sender-{n}.log" for n in range(senders)]
        outs = [log.open("w") for log in logs]
        try:
            env = sender_env(engine.url.render_as_string(hide_password=False), api.url, outbox_poll_seconds=0.05,
                             **team)
            running = [start_sender(env, f"limit-{n}", out) for n, out in enumerate(outs)]
            for process, log in zip(running, logs):
                wait_exit(process, 60, log)
        finally:
            for out in outs:
                out.close()
        engine.dispose()
        assert set(per_chat(api).values()) == {1} and len(per_chat(api)) == households
        return [c.at for c in sends(api)]


def test_real_limit_30_per_second_measured_from_the_fake(tmp_path):
    times = measured_sends(tmp_path, 240)
    # The sender holds the limit on its real request starts (after its database commit, whose latency
    # varies under load), so what arrives stays under it with only transport jitter allowed for.
    assert max_in_window(times, 1.0 - TRANSPORT_JITTER) <= 30
    # Close to the limit too (bench/push.py measures it against the 95 % target; a busy machine, where
    # late slots are given up rather than caught up on, gets less).
    achieved = (len(times) - 1) / (max(times) - min(times))
    assert 0.8 * 30 <= achieved <= 30, f"{achieved:.2f} messages/s"


def test_the_measure_catches_a_sender_over_the_limit(tmp_path):
    """The check above can fail: a sender configured for 40 a second is caught by the same measure."""
    times = measured_sends(tmp_path, 120, telegram_rate_limit=40)
    assert max_in_window(times, 1.0 - TRANSPORT_JITTER) > 30


def test_killed_sender_restarts_and_every_household_gets_the_push_exactly_once(both_databases_url, tmp_path):
    two = both_databases_url.startswith("postgresql")  # PostgreSQL: two senders drain the outbox together
    with FakeTelegramApi(TOKEN) as api:
        engine, sessions, chats, push_id = prepared(both_databases_url, HOUSEHOLDS, api)
        env = sender_env(both_databases_url, api.url, telegram_rate_limit=FAST, outbox_lease_seconds=4,
                         outbox_poll_seconds=0.05)
        in_flight = killed_halfway_and_restarted(api, env, tmp_path, HOUSEHOLDS, senders=2 if two else 1)
        held_by_killed = in_flight if not two else None
        counts = per_chat(api)
        assert len(counts) == HOUSEHOLDS and set(counts.values()) == {1}, "a household got the push twice or never"
        assert set(counts) == set(chats)
        assert pending(sessions) == 0
        final = statuses(sessions)
        # The messages in flight when the sender died were delivered, but nobody could know: `unknown`,
        # and never sent again. Everything else is `sent`.
        assert final["sent"] + final["unknown"] == HOUSEHOLDS and final["unknown"] > 0
        if held_by_killed is not None:
            # On a loaded machine a few more answers may come after PTB's read timeout: unknown, yet delivered.
            assert final["unknown"] >= held_by_killed
        assert max_in_window([c.at for c in sends(api)], 1.0 - TRANSPORT_JITTER) <= FAST
        with sessions() as session:
            report = push.report(session, load_catalog(), push_id).as_dict()
        assert (report["queued"], report["pending"], report["sent"]) == (HOUSEHOLDS, 0, final["sent"])
        engine.dispose()


def test_a_sender_stopped_gracefully_leaves_nothing_unknown(tmp_path):
    with FakeTelegramApi(TOKEN) as api:
        engine, sessions, chats, _ = prepared(f"sqlite:///{tmp_path / 'term.sqlite3'}", 600, api)
        env = sender_env(engine.url.render_as_string(hide_password=False), api.url, telegram_rate_limit=FAST,
                         outbox_poll_seconds=0.05)
        log = tmp_path / "sender.log"
        with log.open("w") as out:
            first = start_sender(env, "first", out)
            wait_until(lambda: len(sends(api)) >= 300, 60, "half the messages")
            first.send_signal(signal.SIGTERM)  # a deploy: finish what is in flight, claim nothing new
            assert first.wait(timeout=20) == 0
            assert 0 < len(sends(api)) < 600
            wait_exit(start_sender(env, "second", out), 60, log)
        assert set(per_chat(api).values()) == {1} and len(per_chat(api)) == 600
        assert statuses(sessions) == {"sent": 600}
        engine.dispose()
