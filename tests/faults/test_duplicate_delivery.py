"""Telegram retries a webhook delivery it thinks failed: the same update, even arriving at once, is processed once."""
from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select

from bot.storage.conversations import ConversationLog, ProcessedUpdate
from bot.storage.progress import StepEvent
from tests.faults.conftest import crowd_of, webhook_bot

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_the_same_press_delivered_four_times_moves_one_step(both_databases_settings, catalog, telegram_api):
    api = telegram_api
    async with webhook_bot(both_databases_settings, catalog, api) as (services, url), crowd_of([url], api, catalog) as crowd:
        [citizen] = await crowd.citizens(777, 1)
        await citizen.press("topic:vneid-register")
        step1 = citizen.last
        data = next(b for row in step1["reply_markup"]["inline_keyboard"] for b in row
                    if b["callback_data"].startswith("tutorial:next:"))["callback_data"]
        update = crowd.driver.callback_update(citizen.user, step1, data)
        client = crowd.driver.clients[0]
        since = api.mark()

        # Three deliveries race each other, a fourth comes after they are all answered.
        statuses = [s for s, _ in await asyncio.gather(*(client.post_json("/telegram/webhook", update)
                                                         for _ in range(3)))]
        statuses.append((await client.post_json("/telegram/webhook", update))[0])

    assert statuses == [200] * 4
    sent = api.sent(citizen.chat_id, since)
    steps = [m.get("text") or m.get("caption") for m in sent if m.get("reply_markup")]
    assert len(steps) == 1 and steps[0].startswith("Bước 2/")  # one reply, the next step
    run_id = int(data.split(":")[2])
    with services.sessions() as session:
        done = session.scalars(select(StepEvent.step_index).where(
            StepEvent.run_id == run_id, StepEvent.kind == "step_done")).all()
        assert done == [0]
        assert session.scalar(select(func.count()).select_from(ProcessedUpdate).where(
            ProcessedUpdate.key == str(update["update_id"]))) == 1
        assert session.scalar(select(func.count()).select_from(ConversationLog).where(
            ConversationLog.payload == data)) == 1
