"""The web app over real HTTP in a thread of its own, so that synchronous hypothesis tests can post to it."""
from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest
import uvicorn

from bot.channels.telegram import TelegramChannel
from bot.services import build_services
from bot.settings import Settings
from bot.web.app import create_app
from devtools.fakes.telegram_api import FakeTelegramApi
from nlu.server import free_port

TOKEN = "123:HOSTILE"
SECRET = "hostile-secret"


class AppThread:
    """Services, a webhook-mode TelegramChannel and uvicorn, all built and run in one event loop."""

    def __init__(self, database: Path, api_url: str):
        self.settings = Settings(database_url=f"sqlite:///{database}", nlu_url=None, telegram_bot_token=TOKEN,
                                 telegram_api_url=api_url,
                                 telegram_webhook_url="https://camtay.example/telegram/webhook",
                                 telegram_webhook_secret=SECRET,
                                 # the fuzzers post hundreds of bodies a minute from one address
                                 web_chat_rate_limit="100000/minute")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._server: uvicorn.Server | None = None
        self._thread = threading.Thread(target=lambda: asyncio.run(self._main()), name="hostile-app", daemon=True)

    async def _main(self) -> None:
        try:
            services = build_services(self.settings)
            channel = TelegramChannel(services)
            await channel.start()
        except BaseException as exc:
            self._error = exc
            self._ready.set()
            raise
        self._server = uvicorn.Server(uvicorn.Config(create_app(services, channel), host="127.0.0.1",
                                                     port=self.port, log_level="warning", lifespan="off"))
        task = asyncio.create_task(self._server.serve())
        while not self._server.started and not task.done():
            await asyncio.sleep(0.02)
        self._ready.set()
        try:
            await task
        finally:
            await channel.stop()
            await services.aclose()

    def __enter__(self) -> "AppThread":
        self._thread.start()
        self._ready.wait(30)
        if self._error is not None or not (self._server and self._server.started):
            raise RuntimeError("the app did not start") from self._error
        return self

    def __exit__(self, *exc) -> None:
        self._server.should_exit = True
        self._thread.join(15)


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    with FakeTelegramApi(TOKEN) as api, AppThread(tmp_path_factory.mktemp("hostile") / "db.sqlite3", api.url) as app:
        yield app.url
