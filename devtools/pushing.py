"""Many households in a village, each with a Telegram chat; sender processes; the fake's records measured."""
from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from datetime import datetime, timedelta, timezone

from sqlalchemy import insert, select

from bot.people.households import village_of
from bot.settings import ROOT
from bot.storage.delivery import PENDING, OutboxItem
from bot.storage.households import Household, Member

FIRST_CHAT = 1_000_000
TOKEN = "123:TEST"


def seed(sessions, count: int, village: str = "Thôn Đồng Bằng", commune: str = "Xã Tân Lập",
         first_chat: int = FIRST_CHAT, channel: str = "telegram", seen_hours_ago: float = 1.0) -> list[int]:
    """`count` households, each with one chat member; returns the chat ids."""
    now = datetime.now(timezone.utc)
    with sessions() as session:
        village_id = village_of(session, commune, village).id
        start = session.scalar(select(Household.id).order_by(Household.id.desc()).limit(1)) or 0
        households = [dict(id=start + i + 1, village_id=village_id, code=f"B{start + i + 1:07d}",
                           join_code=f"J{start + i + 1:05d}", head_name=f"Hộ số {start + i + 1}", created_at=now)
                      for i in range(count)]
        session.execute(insert(Household), households)
        chats = [first_chat + start + i for i in range(count)]
        session.execute(insert(Member), [dict(channel=channel, external_id=str(chat), household_id=h["id"],
                                              is_guest=False, address_form="bác", created_at=now,
                                              last_seen_at=now - timedelta(hours=seen_hours_ago),
                                              reminders_off=False)
                                         for chat, h in zip(chats, households)])
        session.commit()
    return chats


# An empty span: the sender's quiet hours never hold up a measured push, whatever the time of day.
NEVER_QUIET = "00:00-00:00"


def sender_env(database_url: str, api_url: str, **team) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "ZALO_", "OUTBOX_"))}
    env.update(DATABASE_URL=database_url, TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_URL=api_url,
               PYTHONPATH=str(ROOT), NLU_URL="", QUIET_HOURS=NEVER_QUIET)
    env.update({k.upper(): str(v) for k, v in team.items()})
    return env


def _ahead_of_other_work() -> None:
    """Timing is measured between two processes: on a busy machine, neither should wait behind
    unrelated work (a no-op where raising priority is not allowed)."""
    try:
        os.nice(-5)
    except OSError:
        pass


def start_sender(env: dict[str, str], name: str, log) -> subprocess.Popen:
    """A real sender process: `python -m bot.team.sender --until-empty`."""
    return subprocess.Popen([sys.executable, "-m", "bot.team.sender", "--until-empty", "--sender-id", name],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                            preexec_fn=_ahead_of_other_work)


def measuring_priority() -> None:
    """The fake's clock is the measure: keep its process from being starved while it measures."""
    _ahead_of_other_work()


def sends(api) -> list:
    return [c for c in api.calls_to("sendMessage") if c.error is None]


def per_chat(api) -> Counter:
    return Counter(c.params["chat_id"] for c in sends(api))


# Between the sender's clock and the fake's, requests wait in two event loops and the kernel: on a busy
# machine a few can arrive closer together than they were sent. The sender spaces their starts; the checks
# below read the fake's arrival times with this much allowed for that.
TRANSPORT_JITTER = 0.05


def max_in_window(times: list[float], window: float = 1.0) -> int:
    """The most calls that arrived within any `window` seconds (half-open), from the fake's timestamps."""
    times = sorted(times)
    most, start = 0, 0
    for end, at in enumerate(times):
        while at - times[start] >= window:
            start += 1
        most = max(most, end - start + 1)
    return most


def statuses(sessions) -> Counter:
    with sessions() as session:
        return Counter(session.scalars(select(OutboxItem.status)))


def pending(sessions) -> int:
    counts = statuses(sessions)
    return sum(counts[s] for s in PENDING)
