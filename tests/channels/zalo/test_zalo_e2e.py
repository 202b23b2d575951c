"""A whole tutorial on Zalo, end to end over real HTTP: signed webhook events in, OA API messages out."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import httpx
import pytest
from sqlalchemy import select

from bot.channels.zalo.wire import MORE_BUTTONS_TEXT
from bot.delivery.clock import aware
from bot.shared.team_settings import TeamSettings
from bot.storage.households import Member
from bot.storage.progress import TutorialRun
from bot.storage.zalo import ZaloToken
from tests.channels.zalo.support import CITIZEN, act, new_household, press, running_zalo, say


async def test_a_household_member_walks_a_whole_tutorial_on_zalo(settings, catalog, zalo_api):
    topic = catalog["vneid-register"]
    total = len(topic.steps)
    async with running_zalo(settings, catalog, zalo_api, public_images=True) as (services, channel, url):
        household_id, code = new_household(services)

        [welcome] = await act(zalo_api, channel, zalo_api.follow_event(CITIZEN))  # following = /start
        assert "mã hộ gia đình" in welcome.text
        assert [b["payload"] for b in welcome.buttons] == ["#camtay:household:code", "#camtay:household:guest"]
        assert all(b["type"] == "oa.query.hide" for b in welcome.buttons)

        # A code typed in a sentence links the household (no NLU needed), then the form of address.
        linked, *forms = await say(zalo_api, channel, f"Mã nhà tôi là {code.lower()} nhé")
        assert "N. V. A." in linked.text and "Thôn Đồng Bằng" in linked.text
        assert "Nguyễn Văn An" not in linked.text  # issue 15: never the head's full name
        assert [len(m.buttons) for m in forms] == [5, 3]  # 8 forms, at most 5 buttons a message
        assert forms[1].text == MORE_BUTTONS_TEXT

        menu = await press(zalo_api, channel, forms, "Bác")
        assert "bác" in menu[0].text.lower()
        assert topic.title in [b["title"] for m in menu for b in m.buttons]

        intro, *step = await press(zalo_api, channel, menu, topic.title)
        assert topic.title in intro.text and not intro.buttons
        assert step[-1].text.startswith(f"Bước 1/{total}")

        images = [m.image for m in step if m.image]
        for number in range(2, total + 2):
            step = await press(zalo_api, channel, step, "tutorial:next:")
            images += [m.image for m in step if m.image]
            if number <= total:
                assert step[-1].text.startswith(f"Bước {number}/{total}")
        assert "Chúc mừng" in step[-1].text and topic.title in step[-1].text

        # Step images go by URL; the URL is the web app's own /images/ and it answers.
        expected = [s.image for s in topic.steps if s.image]
        assert [image["url"] for image in images] == [f"{url}/images/{name}" for name in expected]
        async with httpx.AsyncClient() as client:
            for image in images:
                response = await client.get(image["url"])
                assert response.status_code == 200 and response.headers["content-type"] == "image/png"

    assert zalo_api.refused == []
    assert [r.ok for r in zalo_api.refreshes] == [True]  # the seed, spent once
    with services.sessions() as session:
        run = session.scalars(select(TutorialRun).where(TutorialRun.household_id == household_id)).one()
        assert (run.topic_id, run.status) == ("vneid-register", "completed")
        kinds = [event.kind for event in run.events]
        assert kinds[0] == "started" and kinds[-1] == "completed" and kinds.count("step_done") == total
        member = session.scalars(select(Member).where(Member.channel == "zalo")).one()
        assert member.external_id == CITIZEN and member.address_form == "bác"
        window = timedelta(hours=TeamSettings.zalo_window_hours)
        assert datetime.now(timezone.utc) - aware(member.last_seen_at) < window  # pushes may reach them
        token = session.get(ZaloToken, zalo_api.app_id)
        assert token.refresh_token == zalo_api.refresh_token and token.version == 1


async def test_an_old_button_tapped_again_is_answered_kindly(settings, catalog, zalo_api):
    """Zalo keeps old buttons tappable; the dialogue recognizes a stale step."""
    async with running_zalo(settings, catalog, zalo_api) as (services, channel, _):
        await act(zalo_api, channel, zalo_api.follow_event(CITIZEN))
        guest = await press(zalo_api, channel, await say(zalo_api, channel, "/start"), "household:guest")
        menu = await press(zalo_api, channel, guest, "address:chị")
        step1 = await press(zalo_api, channel, menu, "topic:pay-electricity")
        step2 = await press(zalo_api, channel, step1, "tutorial:next:")
        assert step2[-1].text.startswith("Bước 2/")
        stale, *_, current = await press(zalo_api, channel, step1, "tutorial:next:")
        assert "bước cũ" in stale.text
        assert current.text.startswith("Bước 2/")
    assert zalo_api.refused == []


@pytest.mark.nlu
async def test_a_question_typed_on_zalo_starts_the_tutorial(nlu_settings, catalog, zalo_api):
    topic = catalog["vneid-register"]
    async with running_zalo(nlu_settings, catalog, zalo_api) as (_, channel, _):
        await act(zalo_api, channel, zalo_api.follow_event(CITIZEN))
        guest = await say(zalo_api, channel, "#camtay:household:guest")
        await press(zalo_api, channel, guest, "address:anh")
        intro, *rest = await say(zalo_api, channel, "lam sao cai vneid")
        assert intro.text.startswith("📘 " + topic.title)
        assert rest[-1].text.startswith(f"Bước 1/{len(topic.steps)}")
    assert zalo_api.refused == []
