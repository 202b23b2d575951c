"""Small helpers for driving the dialogue in tests."""
from __future__ import annotations

import asyncio
import contextlib

import uvicorn

from bot.shared.types import Incoming, TurnResult
from nlu.server import free_port


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


@contextlib.asynccontextmanager
async def serving(app, port: int | None = None):
    """Serve an ASGI app with uvicorn on loopback in this event loop; yields its base URL."""
    port = port or free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                           lifespan="off"))
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, timeout=10)


@contextlib.contextmanager
def worker_full(services):
    """Every admission ticket of the worker held, as by a crowd's updates still being handled."""
    admission = services.dialogue.admission
    with contextlib.ExitStack() as held:
        for _ in range(admission.limit):
            held.enter_context(admission.ticket())
        yield


def turns_logged(services) -> int:
    from sqlalchemy import func, select

    from bot.storage.conversations import ConversationLog
    with services.sessions() as session:
        return session.scalar(select(func.count()).select_from(ConversationLog))
