"""Telegram answers 429 Too Many Requests with retry_after: the bot waits that long and sends again."""
from __future__ import annotations

import contextlib

import httpx
import pytest

from bot.channels.telegram import FLOOD_RETRIES
from tests.faults.conftest import crowd_of, webhook_bot


def test_the_fake_answers_429_in_telegrams_wire_format(telegram_api):
    telegram_api.user(5)
    telegram_api.flood("sendMessage", retry_after=7)
    url = f"{telegram_api.url}/bot{telegram_api.token}/sendMessage"
    answer = httpx.post(url, data={"chat_id": "5", "text": "a"})
    assert (answer.status_code, answer.json()) == (429, {
        "ok": False, "error_code": 429, "description": "Too Many Requests: retry after 7",
        "parameters": {"retry_after": 7}})
    assert httpx.post(url, data={"chat_id": "5", "text": "a"}).json()["ok"]  # only the next call


@contextlib.asynccontextmanager
async def _flooded_citizen(settings, catalog, api, user_id: int, times: int = 1):
    """A citizen of a webhook bot whose next `times` sends Telegram refuses (retry after 1 s); yields (crowd, citizen,
    the mark of the calls since)."""
    async with webhook_bot(settings, catalog, api) as (_, url), crowd_of([url], api, catalog) as crowd:
        [citizen] = await crowd.citizens(user_id, 1)
        since = api.mark()
        api.flood("sendMessage", retry_after=1, times=times)
        yield crowd, citizen, since


@pytest.mark.asyncio(loop_scope="session")
async def test_a_send_refused_with_retry_after_is_sent_after_waiting(settings, catalog, telegram_api):
    api = telegram_api
    async with _flooded_citizen(settings, catalog, api, 901) as (_, citizen, since):
        sample = await citizen.press("topic:vneid-register")

    assert sample.status == 200 and (citizen.last.get("text") or citizen.last["caption"]).startswith("Bước 1/")
    sends = api.calls_to("sendMessage", since)
    refused, retried = sends[0], sends[1]
    assert refused.error == "Too Many Requests: retry after 1" and retried.error is None
    assert retried.params["text"] == refused.params["text"]  # the same message, sent again
    assert retried.at - refused.at >= 1.0  # retry_after honoured
    assert sample.latency >= 1.0


@pytest.mark.asyncio(loop_scope="session")
async def test_when_telegram_keeps_refusing_the_bot_gives_up_and_goes_on(settings, catalog, telegram_api):
    api = telegram_api
    async with _flooded_citizen(settings, catalog, api, 902, times=FLOOD_RETRIES + 1) as (crowd, citizen, since):
        client = crowd.driver.clients[0]
        update = crowd.driver.callback_update(citizen.user, citizen.last, "topic:vneid-register")
        status, _ = await client.post_json("/telegram/webhook", update)
        assert status == 200  # the webhook is answered; the reply is lost, not the bot
        assert len(api.calls_to("sendMessage", since)) == FLOOD_RETRIES + 1
        # Telegram lets it through again: the next press is answered where the citizen is.
        await citizen.press("menu")
        assert any(b.startswith("topic:") for row in citizen.last["reply_markup"]["inline_keyboard"]
                   for b in [x["callback_data"] for x in row])
