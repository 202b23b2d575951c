"""How many wrong join codes a chat identity and a client address may try, and until when they wait.

Counted in join_attempts (bot/storage/join_attempts.py) over a sliding window, shared by every worker;
a household's join code and a team member's link code count alike, as both are guessed the same way."""
from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.delivery.clock import aware
from bot.shared.team_settings import TeamSettings
from bot.storage.base import changed_rows
from bot.storage.join_attempts import JoinAttempt

KEEP = timedelta(days=1)


@dataclass(frozen=True)
class Trier:
    """Who typed a code: their chat identity, and their client address where the channel has one."""

    channel: str
    user_id: str
    address: str | None = None


def _hash(key: bytes, kind: str, value: str) -> str:
    return hmac.new(key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def _hashes(trier: Trier, settings: TeamSettings) -> tuple[str, str | None]:
    identity = _hash(settings.attempt_key, "chat", f"{trier.channel}:{trier.user_id}")
    address = _hash(settings.attempt_key, "address", trier.address) if trier.address else None
    return identity, address


def _free_at(session: Session, column, value: str, limit: int, since: datetime,
             window: timedelta) -> datetime | None:
    """When the window holds fewer than `limit` wrong codes again; None when it already does."""
    times = [aware(t) for t in session.scalars(
        select(JoinAttempt.at).where(column == value, JoinAttempt.at > since).order_by(JoinAttempt.at))]
    if len(times) < limit:
        return None
    return times[len(times) - limit] + window


def waiting_until(session: Session, trier: Trier, settings: TeamSettings, now: datetime) -> datetime | None:
    """The moment this identity or address may try a code again, or None when it may now."""
    window = timedelta(minutes=settings.join_code_window_minutes)
    identity, address = _hashes(trier, settings)
    until = [_free_at(session, JoinAttempt.identity_hash, identity, settings.join_code_max_wrong_per_chat,
                      now - window, window)]
    if address is not None:
        until.append(_free_at(session, JoinAttempt.address_hash, address,
                              settings.join_code_max_wrong_per_address, now - window, window))
    found = [u for u in until if u is not None and u > now]
    return max(found) if found else None


def record_wrong(session: Session, trier: Trier, settings: TeamSettings, now: datetime) -> None:
    """One wrong code; rows older than a day go at the same time."""
    purge(session, now)
    identity, address = _hashes(trier, settings)
    session.add(JoinAttempt(identity_hash=identity, address_hash=address, at=now))
    session.flush()


def purge(session: Session, now: datetime) -> int:
    """Delete attempts older than a day; how many went."""
    return changed_rows(session, delete(JoinAttempt).where(JoinAttempt.at < now - KEEP)) or 0
