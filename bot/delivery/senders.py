"""What a channel offers the outbox: the Sender protocol, and what a failed send means (its Outcome).

Each channel sorts its own platform's errors (bot/channels/telegram_errors.py, bot/channels/zalo/send.py) and hands
the rest to `classify_common`: the outbox knows no platform's error tree.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import httpx

from bot.shared.types import Reply

# The request surely never left: sending again cannot deliver a message twice.
NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


@dataclass(frozen=True)
class Outcome:
    """What a failed send means: retry (surely not delivered), failed (refused), or unknown (maybe sent)."""

    kind: str
    reason: str
    retry_after: float = 0.0


class Sender(Protocol):
    """What a channel offers for messages nobody asked for (help relays, pushes)."""

    async def send_to(self, external_id: str, reply: Reply, address_form: str | None = None) -> None:
        """Send one reply to a member of this channel, by their id on the channel."""

    def classify(self, exc: BaseException) -> Outcome:
        """What an exception `send_to` raised means; unknown is never sent again."""


def reason_of(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


def classify_common(exc: BaseException) -> Outcome:
    """Errors of no platform in particular: the network's, and anything else (refused)."""
    if isinstance(exc, NOT_SENT):
        return Outcome("retry", reason_of(exc))
    if isinstance(exc, httpx.HTTPError):
        return Outcome("unknown", reason_of(exc))
    return Outcome("failed", reason_of(exc))
