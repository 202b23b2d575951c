"""The web chat: a JSON API over the dialogue, used by the page at `/`."""
from __future__ import annotations

import json
import math
import re
import time

from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from starlette.requests import Request
from starlette.responses import JSONResponse

from bot.channels.limits import BodyTooLarge, busy, read_body, too_large
from bot.channels.services import Services
from bot.dialogue.admission import Busy
from bot.render import RenderedMessage
from bot.shared.types import MAX_TEXT_LENGTH, Incoming

CHANNEL = "web"
_SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
_MESSAGE_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
MAX_BODY_BYTES = 64 * 1024


def message_json(message: RenderedMessage) -> dict:
    return {
        "text": message.text,
        "buttons": [[{"label": b.label, "payload": b.payload} for b in row] for row in message.buttons],
        "image": f"/images/{message.image_name}" if message.image_name else None,
        "alt": message.image_alt if message.image_name else None,
    }


class AddressLimit:
    """Requests per client address (WEB_CHAT_RATE_LIMIT, e.g. "60/minute"), with the `limits` library.

    In this worker's memory: with several workers an address gets the limit at each; the join-code
    limits (bot/people/join_guard.py) are in the database and shared."""

    def __init__(self, rate: str):
        self.item = parse(rate)
        self.limiter = MovingWindowRateLimiter(MemoryStorage())

    def retry_after(self, address: str) -> int | None:
        """None when this request may go on, else the seconds to wait."""
        if self.limiter.hit(self.item, address):
            return None
        reset, _ = self.limiter.get_window_stats(self.item, address)
        return max(1, math.ceil(reset - time.time()))


def parse_incoming(body: object, client_address: str | None = None) -> Incoming | str:
    """An Incoming from the posted JSON, or the reason it is refused."""
    if not isinstance(body, dict):
        return "body must be a JSON object"
    session_id = body.get("session_id")
    if not isinstance(session_id, str) or not _SESSION_ID.match(session_id):
        return "session_id must be 16-64 letters, digits, '-' or '_'"
    text, payload, message_id = body.get("text"), body.get("payload"), body.get("message_id")
    if text is not None and not isinstance(text, str):
        return "text must be a string"
    if payload is not None and (not isinstance(payload, str) or len(payload) > 64):
        return "payload must be a string of at most 64 characters"
    if text is None and payload is None:
        return "send text or payload"
    if message_id is not None and (not isinstance(message_id, str) or not _MESSAGE_ID.match(message_id)):
        return "message_id must be 1-64 letters, digits, '-' or '_'"
    if text is not None and len(text) > MAX_TEXT_LENGTH * 4:
        text = text[: MAX_TEXT_LENGTH + 1]  # still "too long", without keeping megabytes around
    return Incoming(channel=CHANNEL, user_id=session_id, text=text, payload=payload,
                    update_key=f"{session_id}:{message_id}" if message_id else None, client_address=client_address)


async def chat_endpoint(request: Request) -> JSONResponse:
    services: Services = request.app.state.services
    # uvicorn puts the proxy's X-Forwarded-For here only when FORWARDED_ALLOW_IPS trusts it.
    address = request.client.host if request.client else "unknown"
    wait = request.app.state.chat_limit.retry_after(address)
    if wait is not None:
        return JSONResponse({"error": "too many requests", "retry_after": wait}, status_code=429,
                            headers={"Retry-After": str(wait)})
    try:
        raw = await read_body(request, MAX_BODY_BYTES)
    except BodyTooLarge:
        return too_large()
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError):  # RecursionError: JSON nested thousands deep
        return JSONResponse({"error": "body must be JSON"}, status_code=400)
    incoming = parse_incoming(body, address)
    if isinstance(incoming, str):
        return JSONResponse({"error": incoming}, status_code=400)
    try:
        with services.dialogue.admission.ticket():
            result = await services.dialogue.handle(incoming)
    except Busy as refused:
        # The page waits Retry-After and sends the same message again (same message_id: never twice).
        return busy(refused, 429)
    messages = [message_json(services.renderer.render(r, result.address_form)) for r in result.replies]
    return JSONResponse({"messages": messages, "duplicate": result.duplicate})
