"""A full worker refuses a Telegram update with 503 (Telegram delivers it again), and the redelivery is
answered exactly once. The worker is made full by holding its admission tickets, as a crowd would."""
from __future__ import annotations

import httpx
import pytest

from bot.web.app import create_app
from tests.channels.test_telegram_e2e import CITIZEN, SECRET, WEBHOOK_URL, body, running_bot
from tests.helpers import turns_logged, worker_full

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_a_full_worker_answers_telegram_503_and_the_redelivery_is_handled_once(
        settings, catalog, telegram_api):
    api = telegram_api
    async with running_bot(settings, catalog, api, telegram_webhook_url=WEBHOOK_URL,
                           telegram_webhook_secret=SECRET) as (services, channel):
        app = create_app(services, channel)
        update = api.message_update(CITIZEN, "/start")
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://camtay.test") as client:
            with worker_full(services):
                refused = await client.post("/telegram/webhook", json=update, headers=headers)
            assert refused.status_code == 503
            assert int(refused.headers["Retry-After"]) >= 1
            assert api.sent(CITIZEN) == [] and turns_logged(services) == 0  # nothing of it was done
            for _ in range(2):  # Telegram's redelivery, and a second one it thought lost
                assert (await client.post("/telegram/webhook", json=update, headers=headers)).status_code == 200
        [welcome] = api.sent(CITIZEN)
        assert "mã hộ gia đình" in body(welcome)
        assert turns_logged(services) == 1 and services.dialogue.admission.held == 0
