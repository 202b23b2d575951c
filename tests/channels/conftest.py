"""Fixtures of the Telegram end-to-end tests: the fake Bot API, and a bot polling it on real HTTP."""
import pytest

from devtools.fakes.telegram_api import FakeTelegramApi
from tests.channels.test_telegram_e2e import TOKEN, running_bot


@pytest.fixture
def telegram_api():
    with FakeTelegramApi(TOKEN) as api:
        yield api


@pytest.fixture
async def polling_bot(settings, catalog, telegram_api):
    async with running_bot(settings, catalog, telegram_api) as running:
        yield running
