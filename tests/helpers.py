"""Small helpers for driving the dialogue in tests."""
from __future__ import annotations

from bot.dialogue.types import Incoming, TurnResult


async def turn(services, user: str = "u1", *, text: str | None = None, payload: str | None = None,
               media: str | None = None, key: str | None = None, channel: str = "test") -> TurnResult:
    return await services.dialogue.handle(Incoming(channel=channel, user_id=user, text=text,
                                                   payload=payload, media=media, update_key=key))


def templates(result: TurnResult) -> list[str]:
    return [r.template for r in result.replies]


def payloads(result: TurnResult) -> list[str]:
    return [b.payload for r in result.replies for row in r.buttons for b in row]


def payload_starting(result: TurnResult, prefix: str) -> str:
    found = [p for p in payloads(result) if p.startswith(prefix)]
    assert found, f"no button starting with {prefix!r} in {payloads(result)}"
    return found[-1]
