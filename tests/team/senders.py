"""Real sender processes draining the outbox to the fake Bot API, for the exactly-once tests: a database of
seeded chats, waiting on the senders, and one killed halfway and restarted."""
from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from bot.storage.db import make_engine, migrate, session_factory
from devtools.fakes.telegram_api import FakeTelegramApi
from devtools.pushing import seed, start_sender


def chats_database(url: str, households: int, api: FakeTelegramApi) -> tuple[Engine, sessionmaker, list[int]]:
    """A migrated database at `url` with `households` households of one chat each, every chat known to `api`."""
    engine = make_engine(url)
    migrate(engine)
    sessions = session_factory(engine)
    chats = seed(sessions, households)
    for chat in chats:
        api.user(chat)
    return engine, sessions, chats


def wait_exit(process: subprocess.Popen, timeout: float, log_path) -> None:
    try:
        assert process.wait(timeout=timeout) == 0, log_path.read_text()[-3000:]
    except subprocess.TimeoutExpired:
        process.kill()
        raise AssertionError(f"the sender did not finish in {timeout} s: {log_path.read_text()[-3000:]}")


def wait_until(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while not (value := predicate()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)
    return value


def wait_held_steady(api: FakeTelegramApi, timeout: float = 120) -> int:
    """The sender is stuck on answers the fake keeps: every request it started has arrived."""
    wait_until(lambda: api.held("sendMessage"), timeout, "held calls")
    count, since = -1, time.monotonic()
    while time.monotonic() - since < 0.6:
        now = len(api.held("sendMessage"))
        if now != count:
            count, since = now, time.monotonic()
        time.sleep(0.05)
    return count


def killed_halfway_and_restarted(api: FakeTelegramApi, env: dict[str, str], logs: Path, messages: int,
                                 senders: int = 1) -> int:
    """Halfway through `messages`, Telegram takes the messages but its answers stop coming; then the first of
    `senders` draining together is killed and a new one started. How many were in flight when it died; every
    sender has finished cleanly by the return."""
    paths = [logs / f"sender-{n}.log" for n in range(senders + 1)]
    outs = [path.open("w") for path in paths]
    try:
        api.hold("sendMessage", after=messages // 2)
        running = [start_sender(env, name, out) for name, out in zip(("first", "second"), outs[:senders])]
        in_flight = wait_held_steady(api)
        assert 0 < in_flight <= 16 * senders
        running[0].send_signal(signal.SIGKILL)
        running[0].wait(timeout=10)
        api.release()
        wait_exit(start_sender(env, "restarted", outs[-1]), 120, paths[-1])
        for process, path in zip(running[1:], paths[1:]):
            wait_exit(process, 60, path)
    finally:
        for out in outs:
            out.close()
    return in_flight
