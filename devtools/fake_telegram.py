"""The fake Bot API for load: every message the bot sends is streamed to the load generator.

Run it in its own process so that its CPU is not counted against the bot's:

    python -m devtools.fake_telegram   # prints {"url": ..., "stream": <port>} on one line, serves until SIGTERM

The load generator connects to the stream port and reads one JSON line per message the bot sent:
{"chat": chat id, "at": CLOCK_MONOTONIC seconds, "message": the message as the Bot API returned it}.
"""
from __future__ import annotations

import argparse
import collections
import json
import signal
import socket
import threading
import time

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from devtools.fakes.telegram_api import FakeTelegramApi

TOKEN = "123456:BENCH"


class _RecentCalls(list):
    """The fake's call log, kept short: a load run makes hundreds of thousands of calls."""

    def append(self, call) -> None:
        super().append(call)
        if len(self) > 4000:
            del self[:2000]


class BenchTelegramApi(FakeTelegramApi):
    """FakeTelegramApi plus a stream of sent messages and a tally of calls, for a load generator."""

    def __init__(self, token: str = TOKEN):
        super().__init__(token)
        self.calls = _RecentCalls()
        self.tally: collections.Counter[str] = collections.Counter()  # "sendMessage 200", ...
        self._listeners: list[socket.socket] = []
        self._stream_server: socket.socket | None = None

    # --- the stream of sent messages
    def open_stream(self) -> int:
        """Listen on a loopback port; every connection gets every sent message from then on."""
        server = socket.create_server(("127.0.0.1", 0))
        self._stream_server = server
        threading.Thread(target=self._accept, name="bench-stream", daemon=True).start()
        return server.getsockname()[1]

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self._stream_server.accept()
            except OSError:
                return
            connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            with self._lock:
                self._listeners.append(connection)

    def _new_bot_message(self, p: dict, **fields) -> dict:
        message = super()._new_bot_message(p, **fields)
        event = {"chat": message["chat"]["id"], "at": time.monotonic(), "message": message}
        line = (json.dumps(event, ensure_ascii=False) + "\n").encode()
        for listener in list(self._listeners):  # the lock is held: lines never interleave
            try:
                listener.sendall(line)
            except OSError:
                self._listeners.remove(listener)
        return message

    # --- what a load generator needs that a test reads from memory
    def answer_callback_query(self, p: dict) -> bool:
        """Queries made up by the load generator are not registered: accept each id once."""
        query_id = str(p.get("callback_query_id", ""))
        self._queries.setdefault(query_id, False)
        return super().answer_callback_query(p)

    async def _endpoint(self, request: Request):
        response = await super()._endpoint(request)
        self.tally[f"{request.path_params['method']} {response.status_code}"] += 1
        return response

    async def _control(self, request: Request) -> JSONResponse:
        action = request.path_params["action"]
        body = await request.json() if request.method == "POST" else {}
        if action == "users":
            for user_id in body["ids"]:
                self.user(int(user_id))
            return JSONResponse({"ok": True})
        if action == "flood":
            self.flood(body["method"], int(body.get("retry_after", 1)), int(body.get("times", 1)))
            return JSONResponse({"ok": True})
        if action == "tally":
            return JSONResponse(dict(self.tally))
        return JSONResponse({"error": "unknown action"}, status_code=404)

    def start(self) -> "BenchTelegramApi":
        super().start()
        app = self._server.config.app
        app.router.routes.insert(0, Route("/_bench/{action}", self._control, methods=["GET", "POST"]))
        return self


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--token", default=TOKEN)
    args = parser.parse_args()
    api = BenchTelegramApi(args.token).start()
    stream = api.open_stream()
    print(json.dumps({"url": api.url, "stream": stream}), flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    api.stop()


if __name__ == "__main__":
    main()
