"""A bot in webhook mode over real HTTP against the fake Bot API, and simulated citizens to drive it."""
from __future__ import annotations

import contextlib

import pytest

from bot.channels.telegram import TelegramChannel
from bot.services import build_services
from bot.web.app import create_app
from devtools.fake_telegram import TOKEN, BenchTelegramApi
from devtools.processes import SECRET, WEBHOOK_URL
from devtools.scenarios import Crowd
from tests.helpers import serving


@pytest.fixture
def telegram_api():
    """The fake Bot API, streaming what the bot sends to the simulated citizens."""
    api = BenchTelegramApi(TOKEN).start()
    api.stream_port = api.open_stream()
    try:
        yield api
    finally:
        api.stop()


@contextlib.asynccontextmanager
async def webhook_bot(settings, catalog, api: BenchTelegramApi):
    """Services, a webhook-mode TelegramChannel and the web app on a loopback port; yields (services, url)."""
    settings = settings.with_(telegram_bot_token=TOKEN, telegram_api_url=api.url,
                              telegram_webhook_url=WEBHOOK_URL, telegram_webhook_secret=SECRET)
    services = build_services(settings, catalog)
    channel = TelegramChannel(services)
    await channel.start()
    try:
        async with serving(create_app(services, channel)) as url:
            yield services, url
    finally:
        await channel.stop()
        await services.aclose()


@contextlib.asynccontextmanager
async def crowd_of(urls: list[str], api: BenchTelegramApi, catalog):
    async with Crowd(urls, SECRET, api.url, api.stream_port, catalog, connections=64) as crowd:
        yield crowd
