"""Issue 14 end to end on the Telegram fake: a tutorial to its end, "Chưa được" at a step and the help request
carrying it; "Đã làm được" counted for the household and shown on the admin's household page; a rating kept."""
from __future__ import annotations

import re

import httpx
import pytest
from sqlalchemy import select

from bot.admin.auth import create_user
from bot.storage.help import HelpRequest
from bot.storage.households import Household
from bot.storage.outcomes import Outcome
from bot.storage.ratings import Rating
from bot.web.app import create_app
from devtools.fakes.telegram_api import FakeTelegramApi
from tests.channels.test_telegram_e2e import body, button, buttons, join, new_household, press, running_bot

pytestmark = pytest.mark.asyncio(loop_scope="session")
PASSWORD = "mat-khau-du-dai-1"


@pytest.fixture
async def polling_bot(settings, catalog, telegram_api):
    settings = settings.with_(admin_secret_key="test-secret-" + "k" * 40)
    async with running_bot(settings, catalog, telegram_api) as running:
        yield running


async def _walk_to_the_end(api: FakeTelegramApi, menu: dict, topic_id: str, steps: int) -> dict:
    step = (await press(api, menu, f"topic:{topic_id}"))[-1]
    for _ in range(steps):
        step = (await press(api, step, button(step, "tutorial:next:")))[-1]
    assert body(step).startswith("🎉")
    return step


async def test_not_yet_at_a_step_reaches_a_person_and_done_counts_for_the_household(polling_bot, telegram_api,
                                                                                    catalog):
    services, _ = polling_bot
    api = telegram_api
    household_id, code = new_household(services)
    _, menu = await join(api, code)

    end = await _walk_to_the_end(api, menu, "vneid-level2", len(catalog["vneid-level2"].steps))
    assert any(d.startswith("outcome:failed:") for d in buttons(end))
    [which] = await press(api, end, button(end, "outcome:failed:"))
    assert "bước nào" in body(which)
    rows = which["reply_markup"]["inline_keyboard"]
    assert all(len(row) <= 4 for row in rows) and rows[0][0]["text"] == "Bước 1"
    fourth = next(d for d in buttons(which) if d.startswith("outcome:step:") and d.endswith(":3"))  # 0-based
    [failed] = await press(api, which, fourth)
    assert "bước 4" in body(failed)
    [handoff] = await press(api, failed, button(failed, "outcome:help:"))
    assert "bước 4" in body(handoff) and catalog["vneid-level2"].title in body(handoff)
    with services.sessions() as session:
        [request] = session.scalars(select(HelpRequest)).all()
        assert (request.topic_id, request.step_index, request.household_id) == ("vneid-level2", 3, household_id)

    end = await _walk_to_the_end(api, menu, "pay-electricity", len(catalog["pay-electricity"].steps))
    [done] = await press(api, end, button(end, "outcome:done:"))
    assert catalog.platforms["online-electricity-payment"].name in body(done)
    [thanks] = await press(api, done, button(done, "rate:up:"))
    assert "Cảm ơn" in body(thanks)
    with services.sessions() as session:
        outcomes = {(o.topic_id, o.result, o.household_id) for o in session.scalars(select(Outcome))}
        assert outcomes == {("vneid-level2", "failed", household_id), ("pay-electricity", "done", household_id)}
        [rating] = session.scalars(select(Rating)).all()
        assert (rating.topic_id, rating.helpful, rating.household_id) == ("pay-electricity", True, household_id)
        village = session.get(Household, household_id).village
        create_user(session, "to", PASSWORD, "team", commune=village.commune, villages=[village])
        session.commit()
    assert not [call for call in api.calls if call.error]

    app = create_app(services)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=("10.1.2.3", 5000)),
                                 base_url="http://admin.test") as admin:
        form = await admin.get("/admin/login")
        csrf = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)
        logged = await admin.post("/admin/login", data={"username": "to", "password": PASSWORD, "csrf": csrf,
                                                        "next": "/admin/"})
        assert logged.status_code == 303
        page = (await admin.get(f"/admin/households/{household_id}")).text
        platforms = page.split('id="platforms"')[1].split("</table>")[0]
        assert catalog.platforms["online-electricity-payment"].name in platforms
        assert catalog.platforms["vneid-level2"].name not in platforms  # "Chưa được" is not had
        ratings = (await admin.get("/admin/ratings")).text
        assert "1 lượt đánh giá, 100% thấy có ích" in ratings and catalog["pay-electricity"].title in ratings
