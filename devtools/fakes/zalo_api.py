"""A local fake of Zalo's OA API and OAuth over real HTTP (uvicorn in a thread), in Zalo's JSON, plus the
citizen's side: signed webhook events delivered to the bot as Zalo would send them.

    with FakeZaloApi() as zalo:            # point ZALO_API_URL and ZALO_OAUTH_URL at zalo.url
        zalo.webhook_url = bot_url + "/zalo/webhook"
        await zalo.say(USER, "xin chào")
        [reply] = await zalo.wait_sent(USER, count=1, since=0)

It checks what the real API documents (bot/channels/zalo/wire.py lists the sources), written out here on
its own rather than imported, so the adapter is tested against the documents and not against itself:
the access_token header, message shapes and limits, the signature, the refresh token spent on first use.
"""
from __future__ import annotations

import asyncio
import copy
import hashlib
import itertools
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable

import httpx
from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bot.channels.zalo.wire import PAYLOAD_PREFIX  # camtay's own convention, not Zalo's
from devtools.fakes.served import ServedApp

APP_ID = "1234567890123456789"
APP_SECRET = "app-secret-key"
OA_SECRET_KEY = "oa-secret-key"
OA_ID = "579745863508352884"
SEED_REFRESH_TOKEN = "refresh-seed"
_POLL = 0.02
MESSAGE_PATH, UPLOAD_PATH, TOKEN_PATH = "/v3.0/oa/message/cs", "/v2.0/oa/upload/image", "/v4/oa/access_token"
SIGNATURE_HEADER, TOKEN_HEADER, SECRET_HEADER = "X-ZEvent-Signature", "access_token", "secret_key"
MAX_TEXT, MAX_BUTTONS, MAX_TITLE, MAX_PAYLOAD = 2000, 5, 100, 1000
QUERY_BUTTONS = ("oa.query.show", "oa.query.hide")
# Error codes as the sources give them; the fake only needs them to differ from 0.
INVALID_TOKEN, BAD_PARAMETER, TEXT_TOO_LONG, NO_INTERACTION, BAD_REFRESH = -216, -201, -210, -230, -14014


@dataclass
class Sent:
    """One message the OA sent, as received (the JSON body) and numbered."""

    message_id: str
    user_id: str
    body: dict

    @property
    def text(self) -> str:
        return self.body["message"].get("text", "")

    @property
    def buttons(self) -> list[dict]:
        payload = self.body["message"].get("attachment", {}).get("payload", {})
        return payload.get("buttons", [])

    @property
    def image(self) -> dict | None:
        payload = self.body["message"].get("attachment", {}).get("payload", {})
        return payload["elements"][0] if payload.get("template_type") == "media" else None

    def button(self, title_or_prefix: str) -> dict:
        """The button whose title is this, or whose payload (after Zalo's prefix) starts with this."""
        for button in self.buttons:
            if button["title"] == title_or_prefix or \
                    button["payload"].removeprefix(PAYLOAD_PREFIX).startswith(title_or_prefix):
                return button
        raise AssertionError(f"no button {title_or_prefix!r} in {[b['title'] for b in self.buttons]}")


@dataclass
class Refresh:
    refresh_token: str
    ok: bool
    secret_ok: bool = True


@dataclass
class FakeZaloApi:
    app_id: str = APP_ID
    app_secret: str = APP_SECRET
    oa_secret_key: str = OA_SECRET_KEY
    refresh_token: str = SEED_REFRESH_TOKEN
    refresh_delay: float = 0.0  # seconds each refresh takes, to widen races
    token_lifetime: int = 90000  # seconds, as Zalo's "expires_in"
    url: str = ""
    webhook_url: str = ""
    sent: list[Sent] = field(default_factory=list)
    refreshes: list[Refresh] = field(default_factory=list)
    uploads: list[dict] = field(default_factory=list)
    refused: list[dict] = field(default_factory=list)  # requests answered with an error, and why
    access_tokens: set[str] = field(default_factory=set)
    interacted: set[str] = field(default_factory=set)  # users who wrote to the OA (the reply window)

    def __post_init__(self):
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._served: ServedApp | None = None

    # --- lifecycle
    def start(self) -> "FakeZaloApi":
        app = Starlette(routes=[
            Route(MESSAGE_PATH, self._message, methods=["POST"]),
            Route(UPLOAD_PATH, self._upload, methods=["POST"]),
            Route(TOKEN_PATH, self._access_token, methods=["POST"]),
        ])
        self._served = ServedApp(app, "fake-zalo-api")
        self.url = self._served.url
        return self

    def stop(self) -> None:
        if self._served is not None:
            self._served.stop()

    def __enter__(self) -> "FakeZaloApi":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # --- the OA API
    def _refuse(self, code: int, message: str, request: str) -> JSONResponse:
        self.refused.append({"request": request, "error": code, "message": message})
        return JSONResponse({"error": code, "message": message})  # Zalo answers errors with HTTP 200

    async def _message(self, request: Request) -> JSONResponse:
        token = request.headers.get(TOKEN_HEADER)
        try:
            body = await request.json()
        except ValueError:
            return self._refuse(BAD_PARAMETER, "body is not JSON", "message")
        with self._lock:
            if token not in self.access_tokens:
                return self._refuse(INVALID_TOKEN, "Access token is invalid", "message")
            problem = _message_problem(body)
            if problem:
                code = TEXT_TOO_LONG if "2000" in problem else BAD_PARAMETER
                return self._refuse(code, problem, "message")
            user_id = body["recipient"]["user_id"]
            if user_id not in self.interacted:
                return self._refuse(NO_INTERACTION, "User has not interacted with the OA recently", "message")
            sent = Sent(f"msg{next(self._ids)}", user_id, copy.deepcopy(body))
            self.sent.append(sent)
        return JSONResponse({"error": 0, "message": "Success",
                             "data": {"message_id": sent.message_id, "user_id": user_id}})

    async def _upload(self, request: Request) -> JSONResponse:
        token = request.headers.get(TOKEN_HEADER)
        form = await request.form()
        upload = form.get("file")
        if token not in self.access_tokens:
            return self._refuse(INVALID_TOKEN, "Access token is invalid", "upload")
        if not isinstance(upload, UploadFile):
            return self._refuse(BAD_PARAMETER, "file is missing", "upload")
        data = await upload.read()
        if len(data) > 1024 * 1024 or upload.content_type not in ("image/png", "image/jpeg"):
            return self._refuse(BAD_PARAMETER, "image must be a jpg or png of at most 1 MB", "upload")
        attachment = f"att{next(self._ids)}"
        with self._lock:
            self.uploads.append({"attachment_id": attachment, "filename": upload.filename, "size": len(data)})
        return JSONResponse({"error": 0, "message": "Success", "data": {"attachment_id": attachment}})

    async def _access_token(self, request: Request) -> JSONResponse:
        form = dict(await request.form())
        secret_ok = request.headers.get(SECRET_HEADER) == self.app_secret
        if self.refresh_delay:
            await asyncio.sleep(self.refresh_delay)
        with self._lock:
            given = form.get("refresh_token", "")
            ok = (secret_ok and form.get("app_id") == self.app_id and form.get("grant_type") == "refresh_token"
                  and given == self.refresh_token)
            self.refreshes.append(Refresh(given, ok, secret_ok))
            if not ok:
                return JSONResponse({"error": BAD_REFRESH, "error_name": "Invalid parameter",
                                     "error_description": "Invalid refresh token"})
            # The old refresh token is spent; only the new one works from now on.
            access, self.refresh_token = f"access-{secrets.token_hex(8)}", f"refresh-{secrets.token_hex(8)}"
            self.access_tokens.add(access)
            return JSONResponse({"access_token": access, "refresh_token": self.refresh_token,
                                 "expires_in": str(self.token_lifetime)})

    def expire_access_tokens(self) -> None:
        """Zalo stops accepting every access token issued so far (as after 25 hours)."""
        with self._lock:
            self.access_tokens.clear()

    # --- the citizen's side: events as Zalo's webhook sends them
    def event(self, name: str, user_id: str, message: dict | None = None) -> dict:
        event = {"app_id": self.app_id, "user_id_by_app": f"app-{user_id}", "event_name": name,
                 "timestamp": str(int(time.time() * 1000) + next(self._ids)),
                 "sender": {"id": user_id}, "recipient": {"id": OA_ID}}
        if message is not None:
            event["message"] = {"msg_id": secrets.token_hex(16), **message}
        return event

    def text_event(self, user_id: str, text: str) -> dict:
        return self.event("user_send_text", user_id, {"text": text})

    def media_event(self, user_id: str, name: str) -> dict:
        kind = name.removeprefix("user_send_")
        payload = ({"coordinates": {"latitude": "21.0285", "longitude": "105.8542"}} if kind == "location"
                   else {"url": f"https://cdn.example/{kind}", "thumbnail": f"https://cdn.example/{kind}.jpg"})
        return self.event(name, user_id, {"attachments": [{"type": kind, "payload": payload}]})

    def follow_event(self, user_id: str, name: str = "follow") -> dict:
        return {"app_id": self.app_id, "oa_id": OA_ID, "user_id_by_app": f"app-{user_id}", "event_name": name,
                "timestamp": str(int(time.time() * 1000) + next(self._ids)), "source": "oa_profile",
                "follower": {"id": user_id}}

    def click_event(self, user_id: str, button: dict) -> dict:
        """What a tap on a query button sends: the payload as the user's (hidden) text message."""
        assert button["type"] in QUERY_BUTTONS, button
        return self.text_event(user_id, button["payload"])

    def sign(self, raw: bytes, event: dict) -> str:
        """mac=sha256(app id + raw body + the body's timestamp + OA secret key), hex."""
        data = self.app_id.encode() + raw + str(event["timestamp"]).encode() + self.oa_secret_key.encode()
        return "mac=" + hashlib.sha256(data).hexdigest()

    async def deliver(self, event: dict, *, raw: bytes | None = None, signature: str | None = None,
                      client: httpx.AsyncClient | None = None) -> httpx.Response:
        """POST one event to the bot's webhook, signed as Zalo signs it (unless told otherwise)."""
        raw = json.dumps(event, ensure_ascii=False).encode() if raw is None else raw
        if signature is None:
            signature = self.sign(raw, event)
        if event.get("event_name", "").startswith("user_") or event.get("event_name") == "follow":
            user = (event.get("sender") or event.get("follower") or {}).get("id")
            with self._lock:
                self.interacted.add(user)
        headers = {"Content-Type": "application/json", SIGNATURE_HEADER: signature}
        if client is not None:
            return await client.post(self.webhook_url, content=raw, headers=headers)
        async with httpx.AsyncClient(timeout=10) as fresh:
            return await fresh.post(self.webhook_url, content=raw, headers=headers)

    # --- reading what the bot sent, from the test's event loop
    def mark(self) -> int:
        return len(self.sent)

    def messages(self, user_id: str, since: int = 0) -> list[Sent]:
        with self._lock:
            return [s for s in self.sent[since:] if s.user_id == user_id]

    async def wait_for(self, predicate: Callable[[], Any], timeout: float = 20.0) -> Any:
        deadline = time.monotonic() + timeout
        while not (value := predicate()):
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out after {timeout} s; refused: {self.refused[-5:]}")
            await asyncio.sleep(_POLL)
        return value

    async def wait_sent(self, user_id: str, count: int, since: int, timeout: float = 20.0) -> list[Sent]:
        return await self.wait_for(lambda: len(got := self.messages(user_id, since)) >= count and got, timeout)


def _message_problem(body: Any) -> str | None:
    """Why Zalo would refuse this customer-service message body, or None."""
    if not isinstance(body, dict) or set(body) != {"recipient", "message"}:
        return "body must be {recipient, message}"
    recipient, message = body["recipient"], body["message"]
    if not isinstance(recipient, dict) or not isinstance(recipient.get("user_id"), str):
        return "recipient.user_id must be a string"
    if not isinstance(message, dict) or not set(message) <= {"text", "attachment"} or not message:
        return "message must have text and/or one attachment"
    text = message.get("text")
    if text is not None and (not isinstance(text, str) or not text.strip()):
        return "text must be a non-empty string"
    if text is not None and len(text) > MAX_TEXT:
        return "text is longer than 2000 characters"
    attachment = message.get("attachment")
    if attachment is None:
        return None if text else "message has neither text nor attachment"
    if not isinstance(attachment, dict) or attachment.get("type") != "template":
        return "attachment.type must be template"
    payload = attachment.get("payload")
    if not isinstance(payload, dict):
        return "attachment.payload must be an object"
    if payload.get("template_type") == "media":
        elements = payload.get("elements")
        if not isinstance(elements, list) or len(elements) != 1:
            return "a media template has exactly one element"  # with a text, the text is its caption
        element = elements[0]
        if element.get("media_type") != "image" or len({"url", "attachment_id"} & set(element)) != 1:
            return "an image element has media_type image and a url or an attachment_id"
        return None
    buttons = payload.get("buttons")
    if text is None or not isinstance(buttons, list) or not 1 <= len(buttons) <= MAX_BUTTONS:
        return "a button message has text and 1-5 buttons"
    for button in buttons:
        if set(button) != {"title", "type", "payload"} or not isinstance(button["title"], str) \
                or not 0 < len(button["title"]) <= MAX_TITLE:
            return "a button has a title of 1-100 characters, a type and a payload"
        if button["type"] not in QUERY_BUTTONS or not isinstance(button["payload"], str) \
                or not 0 < len(button["payload"]) <= MAX_PAYLOAD:
            return "a query button's payload is a string of 1-1000 characters"
    return None
