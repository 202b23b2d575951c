"""Limits at a channel's door: bodies read with a ceiling (refused by Content-Length before reading, cut off
while reading), and the answer to an update refused because the worker is full."""
from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse

from bot.dialogue.admission import Busy


class BodyTooLarge(Exception):
    """The body is (or says it is) larger than the endpoint accepts."""


async def read_body(request: Request, limit: int) -> bytes:
    """The whole body, or BodyTooLarge without holding more than `limit` bytes in memory."""
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > limit):
        raise BodyTooLarge(declared)
    body = bytearray()
    async for chunk in request.stream():  # chunked uploads declare no length
        body += chunk
        if len(body) > limit:
            raise BodyTooLarge(f"more than {limit}")
    return bytes(body)


def too_large() -> JSONResponse:
    return JSONResponse({"error": "body too large"}, status_code=413)


def busy(refused: Busy, status: int) -> JSONResponse:
    """The worker is full: `status` with Retry-After (Telegram redelivers on 503; the web chat page on 429)."""
    return JSONResponse({"error": "busy, try again later", "retry_after": refused.retry_after}, status_code=status,
                        headers={"Retry-After": str(refused.retry_after)})
