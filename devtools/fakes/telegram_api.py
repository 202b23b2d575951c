"""A local fake of the Telegram Bot API over real HTTP (uvicorn in a thread), in Telegram's JSON wire format.

    with FakeTelegramApi("123:TEST") as api:   # point the bot at api.url
        api.push_message(42, "/start")
        [reply] = await api.wait_sent(42, count=1, since=0)
"""
from __future__ import annotations

import asyncio
import copy
import json
import threading
import time
from typing import Any, Callable

from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from devtools.fakes.served import ServedApp
from devtools.fakes.telegram_chats import ApiError, Call, TelegramChats

__all__ = ["ApiError", "Call", "FakeTelegramApi"]

# Form fields python-telegram-bot sends JSON-encoded (every value that is not a plain string).
_JSON_FIELDS = {"reply_markup", "allowed_updates", "entities", "caption_entities", "link_preview_options"}
_INT_FIELDS = {"chat_id", "message_id", "offset", "limit", "timeout"}
_POLL_INTERVAL = 0.02


class FakeTelegramApi(TelegramChats):
    """Serves `/bot<token>/<method>` on 127.0.0.1, records every call, and scripts a citizen's side."""

    def __init__(self, token: str = "123:TEST", username: str = "camtay_test_bot"):
        super().__init__(token, username)
        self.url = ""
        self._allowed: list[str] | None = None
        self._closing = False
        self._served: ServedApp | None = None
        # Method names are case-insensitive in the Bot API.
        self._methods: dict[str, Callable[[dict], Any]] = {
            "getme": self.get_me, "deletewebhook": self.delete_webhook, "setwebhook": self.set_webhook,
            "sendmessage": self.send_message, "sendphoto": self.send_photo,
            "answercallbackquery": self.answer_callback_query, "editmessagetext": self.edit_message_text,
            "editmessagereplymarkup": self.edit_message_reply_markup,
        }
        self._floods: dict[str, list[int]] = {}  # method (lower case) -> retry_after of each 429 to come
        self._holds: dict[str, int] = {}  # method (lower case) -> calls still answered before holding
        self._held: list[Call] = []
        self._released = threading.Event()

    def hold(self, method: str, after: int = 0) -> None:
        """After the next `after` calls of `method`, carry out each call (the message is delivered) but keep
        its answer until release(): a bot killed meanwhile never learns that its message went out."""
        with self._lock:
            self._holds[method.lower()] = after
            self._released.clear()

    def release(self) -> None:
        """Answer the held calls, and hold no more."""
        with self._lock:
            self._holds.clear()
            self._released.set()

    def held(self, method: str) -> list[Call]:
        """The calls of `method` carried out but not answered yet."""
        with self._lock:
            return [c for c in self._held if c.method.lower() == method.lower()]

    def flood(self, method: str, retry_after: int = 1, times: int = 1) -> None:
        """Answer the next `times` calls of `method` with 429 Too Many Requests and this retry_after."""
        with self._lock:
            self._floods.setdefault(method.lower(), []).extend([retry_after] * times)

    # --- lifecycle
    def start(self) -> "FakeTelegramApi":
        app = Starlette(routes=[Route("/bot{token}/{method}", self._endpoint, methods=["GET", "POST"])])
        # Idle connections are kept a long time, as Telegram's servers do: with uvicorn's 5 s, a client
        # reusing one just as it is closed gets a ReadError for a request the server never saw.
        self._served = ServedApp(app, "fake-telegram-api", timeout_keep_alive=120)
        self.url = self._served.url
        return self

    @property
    def _server(self):
        """The uvicorn server (devtools/fake_telegram.py adds its control routes to its app)."""
        return self._served.server if self._served is not None else None

    def stop(self) -> None:
        self._closing = True  # ends long polls at once
        if self._served is not None and not self._served.stop():
            raise RuntimeError("the fake Telegram API did not stop")

    def __enter__(self) -> "FakeTelegramApi":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # --- HTTP
    async def _endpoint(self, request: Request) -> JSONResponse:
        arrived = time.monotonic()  # before the body is read: the closest to when the request came in
        if request.path_params["token"] != self.token:
            return JSONResponse({"ok": False, "error_code": 401, "description": "Unauthorized"}, 401)
        method = request.path_params["method"]
        call = Call(method, await self._params(request), at=arrived)
        with self._lock:
            self.calls.append(call)
        try:
            self._check_flood(method)
            if method.lower() == "getupdates":
                result = await self._get_updates(call.params)
            elif method.lower() in self._methods:
                with self._lock:
                    result = self._methods[method.lower()](call.params)
            else:
                raise ApiError(404, "Not Found")
        except ApiError as exc:
            call.error = exc.description
            answer = {"ok": False, "error_code": exc.code, "description": exc.description}
            if exc.parameters:
                answer["parameters"] = exc.parameters
            return JSONResponse(answer, exc.code)
        call.result = copy.deepcopy(result)
        if self._holding(method):
            with self._lock:
                self._held.append(call)
            while not self._released.is_set() and not self._closing:
                await asyncio.sleep(_POLL_INTERVAL)
        return JSONResponse({"ok": True, "result": result})

    def _holding(self, method: str) -> bool:
        with self._lock:
            left = self._holds.get(method.lower())
            if left is None:
                return False
            if left > 0:
                self._holds[method.lower()] = left - 1
                return False
            return True

    def _check_flood(self, method: str) -> None:
        with self._lock:
            waiting = self._floods.get(method.lower())
            if not waiting:
                return
            retry_after = waiting.pop(0)
        raise ApiError(429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after})

    @staticmethod
    async def _params(request: Request) -> dict[str, Any]:
        """Query string plus a JSON body, or a urlencoded/multipart form (uploads become their size)."""
        params: dict[str, Any] = dict(request.query_params)
        if request.headers.get("content-type", "").startswith("application/json"):
            params.update(await request.json())
        elif request.method == "POST":
            for key, value in (await request.form()).multi_items():
                if isinstance(value, UploadFile):
                    data = await value.read()
                    value = {"filename": value.filename, "size": len(data), "content_type": value.content_type}
                params[key] = value
        for key in _JSON_FIELDS & params.keys():
            if isinstance(params[key], str):
                params[key] = json.loads(params[key])
        for key in _INT_FIELDS & params.keys():
            if str(params[key]).lstrip("-").isdigit():  # chat_id may also be "@channelname"
                params[key] = int(params[key])
        return params

    async def _get_updates(self, p: dict) -> list[dict]:
        """Long polling: answer as soon as there are updates, or with [] after `timeout` seconds."""
        if self.webhook is not None:
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active; "
                                "use deleteWebhook to delete the webhook first")
        if "allowed_updates" in p:
            self._allowed = p["allowed_updates"] or None
        deadline = time.monotonic() + float(p.get("timeout", 0))
        while True:
            ready = self.pending_updates(p.get("offset", 0), min(p.get("limit", 100), 100), self._allowed)
            if ready or self._closing or time.monotonic() >= deadline:
                return ready
            await asyncio.sleep(_POLL_INTERVAL)

    # --- waiting, from the test's event loop
    async def wait_for(self, predicate: Callable[[], Any], timeout: float = 20.0) -> Any:
        """Wait until predicate() is truthy and return its value."""
        deadline = time.monotonic() + timeout
        while not (value := predicate()):
            if time.monotonic() > deadline:
                recent = [(c.method, c.error or "ok") for c in self.calls[-12:] if c.method != "getUpdates"]
                raise AssertionError(f"timed out after {timeout} s; recent calls: {recent}")
            await asyncio.sleep(_POLL_INTERVAL)
        return value

    async def wait_sent(self, chat_id: int, count: int, since: int, timeout: float = 20.0) -> list[dict]:
        """The messages to a chat since a mark, once at least `count` have arrived."""
        return await self.wait_for(lambda: len(sent := self.sent(chat_id, since)) >= count and sent, timeout)
