"""The webhook: signatures, malformed and unknown events, replays, media, and answering fast."""
from __future__ import annotations

import asyncio
import json
import logging
import time

import httpx
import pytest
from sqlalchemy import func, select

from bot.channels.zalo.wire import MORE_BUTTONS_TEXT
from bot.storage.conversations import ProcessedUpdate
from bot.storage.households import Member
from bot.web.app import create_app
from tests.channels.zalo.support import CITIZEN, act, running_zalo, say
from tests.helpers import serving


@pytest.fixture
async def bot(settings, catalog, zalo_api):
    async with running_zalo(settings, catalog, zalo_api) as running:
        yield running


def members(services) -> int:
    with services.sessions() as session:
        return session.scalar(select(func.count()).select_from(Member))


@pytest.mark.parametrize("signature", ["mac=" + "0" * 64, "", "mac=", "sha256=abc"])
async def test_a_bad_signature_is_refused_and_logged(bot, zalo_api, caplog, signature):
    services, channel, _ = bot
    with caplog.at_level(logging.WARNING, logger="bot.channels.zalo"):
        response = await zalo_api.deliver(zalo_api.text_event(CITIZEN, "xin chào"), signature=signature)
    assert response.status_code == 401
    assert "bad signature" in caplog.text
    await channel.drained()
    assert members(services) == 0 and zalo_api.sent == []


async def test_a_signature_over_another_body_is_refused(bot, zalo_api):
    event = zalo_api.text_event(CITIZEN, "xin chào")
    signature = zalo_api.sign(json.dumps(event).encode(), event)
    event["message"]["text"] = "/start"  # tampered after signing
    assert (await zalo_api.deliver(event, signature=signature)).status_code == 401


async def test_the_signature_is_accepted_without_its_mac_prefix(bot, zalo_api):
    services, channel, _ = bot
    event = zalo_api.text_event(CITIZEN, "/start")
    raw = json.dumps(event).encode()
    response = await zalo_api.deliver(event, raw=raw, signature=zalo_api.sign(raw, event).removeprefix("mac="))
    assert response.status_code == 200
    await channel.drained()
    assert len(zalo_api.messages(CITIZEN)) == 1


@pytest.mark.parametrize("raw", [b"not json", b"[]", b'"text"', b"{}", b'{"event_name": "user_send_text"}',
                                 b'{"event_name": "user_send_text", "timestamp": true}',
                                 pytest.param(b"[" * 100_000, id="nested-deep")])
async def test_malformed_json_gets_400(bot, zalo_api, raw):
    response = await zalo_api.deliver({"timestamp": "1"}, raw=raw)
    assert response.status_code == 400 and "error" in response.json()


@pytest.mark.parametrize("change", [
    lambda e: e.pop("sender"), lambda e: e["message"].pop("msg_id"), lambda e: e["message"].pop("text"),
    lambda e: e.update(sender={"id": ""}), lambda e: e.update(message="hi"),
])
async def test_a_signed_event_missing_its_parts_gets_400(bot, zalo_api, change):
    services, channel, _ = bot
    event = zalo_api.text_event(CITIZEN, "xin chào")
    change(event)
    assert (await zalo_api.deliver(event)).status_code == 400
    await channel.drained()
    assert members(services) == 0


async def test_an_unknown_event_is_logged_and_answered_200(bot, zalo_api, caplog):
    services, channel, _ = bot
    with caplog.at_level(logging.WARNING, logger="bot.channels.zalo"):
        response = await zalo_api.deliver(zalo_api.event("user_reacted_message", CITIZEN, {"react_icon": "/-heart"}))
    assert response.status_code == 200
    assert "unknown event 'user_reacted_message'" in caplog.text
    await channel.drained()
    assert members(services) == 0 and zalo_api.sent == []


@pytest.mark.parametrize("name", ["user_seen_message", "user_received_message", "oa_send_text"])
async def test_receipts_and_echoes_are_ignored_quietly(bot, zalo_api, caplog, name):
    services, channel, _ = bot
    with caplog.at_level(logging.WARNING, logger="bot.channels.zalo"):
        response = await zalo_api.deliver(zalo_api.event(name, CITIZEN, {}))
    assert response.status_code == 200 and caplog.text == ""
    await channel.drained()
    assert members(services) == 0


async def test_a_replayed_event_is_handled_once(bot, zalo_api):
    services, channel, _ = bot
    event = zalo_api.text_event(CITIZEN, "/start")
    raw = json.dumps(event).encode()
    for _ in range(2):  # Zalo retries a delivery it thinks failed: the same msg_id again
        assert (await zalo_api.deliver(event, raw=raw)).status_code == 200
    await channel.drained()
    # and two copies at the same time
    again = zalo_api.text_event(CITIZEN, "/menu")
    raw = json.dumps(again).encode()
    responses = await asyncio.gather(*(zalo_api.deliver(again, raw=raw) for _ in range(3)))
    assert [r.status_code for r in responses] == [200] * 3
    await channel.drained()
    # the welcome, then the menu (six buttons: two messages)
    assert [m.text == MORE_BUTTONS_TEXT for m in zalo_api.messages(CITIZEN)] == [False, False, True]
    with services.sessions() as session:
        keys = session.scalars(select(ProcessedUpdate.key).where(ProcessedUpdate.channel == "zalo")).all()
    assert sorted(keys) == sorted([event["message"]["msg_id"], again["message"]["msg_id"]])


@pytest.mark.parametrize("name, words", [
    ("user_send_sticker", "xem được hình dán"), ("user_send_image", "xem được ảnh"),
    ("user_send_gif", "xem được ảnh động"), ("user_send_audio", "nghe được tin nhắn thoại"),
    ("user_send_video", "xem được video"), ("user_send_location", "xem được vị trí"),
    ("user_send_file", "xem được tệp"), ("user_send_business_card", "xem được danh thiếp"),
    ("user_send_link", "xem được đường link"),
])
async def test_media_get_the_kind_unsupported_media_reply(bot, zalo_api, name, words):
    _, channel, _ = bot
    [reply] = await act(zalo_api, channel, zalo_api.media_event(CITIZEN, name))
    assert f"chưa {words}" in reply.text
    assert "#camtay:human" in [b["payload"] for b in reply.buttons]


async def test_typed_text_is_text_and_a_tap_is_a_payload(bot, zalo_api):
    services, channel, _ = bot
    await say(zalo_api, channel, "household:guest")  # typed: not a button, goes to understanding
    with services.sessions() as session:
        assert not session.scalars(select(Member)).one().is_guest
    await say(zalo_api, channel, "#camtay:household:guest")  # what a tap sends
    with services.sessions() as session:
        assert session.scalars(select(Member)).one().is_guest


async def test_follow_welcomes_and_unfollow_is_only_noted(bot, zalo_api, caplog):
    _, channel, _ = bot
    [welcome] = await act(zalo_api, channel, zalo_api.follow_event(CITIZEN))
    assert "mã hộ gia đình" in welcome.text
    with caplog.at_level(logging.INFO, logger="bot.channels.zalo"):
        assert await act(zalo_api, channel, zalo_api.follow_event(CITIZEN, "unfollow")) == []
    assert f"{CITIZEN} unfollowed" in caplog.text


async def test_the_webhook_answers_before_the_turn_is_done(bot, zalo_api):
    """Zalo wants an answer within 2 seconds; a slow turn (NLU, database) must not hold it up."""
    services, channel, _ = bot
    handle = services.dialogue.handle

    async def slow_handle(incoming):
        await asyncio.sleep(3)
        return await handle(incoming)

    services.dialogue.handle = slow_handle
    started = time.monotonic()
    response = await zalo_api.deliver(zalo_api.text_event(CITIZEN, "/start"))
    assert response.status_code == 200 and time.monotonic() - started < 1
    assert zalo_api.sent == []
    await zalo_api.wait_sent(CITIZEN, count=1, since=0, timeout=10)


async def test_one_users_events_are_handled_in_order(bot, zalo_api):
    services, channel, _ = bot
    handle = services.dialogue.handle
    delays = iter([0.3, 0.0])

    async def uneven_handle(incoming):
        await asyncio.sleep(next(delays))  # the first turn is the slow one
        return await handle(incoming)

    services.dialogue.handle = uneven_handle
    await zalo_api.deliver(zalo_api.text_event(CITIZEN, "/start"))
    await zalo_api.deliver(zalo_api.follow_event(CITIZEN, "unfollow"))  # nothing to do
    await zalo_api.deliver(zalo_api.text_event(CITIZEN, "#camtay:household:guest"))
    await channel.drained()
    texts = [m.text for m in zalo_api.messages(CITIZEN)]
    assert texts[0].startswith("Xin chào") and texts[1].startswith("Dạ được ạ")  # welcome, then guest


async def test_an_error_in_the_turn_gets_the_kind_error_reply(bot, zalo_api, caplog):
    services, channel, _ = bot

    async def broken_handle(incoming):
        raise RuntimeError("database on fire")

    services.dialogue.handle = broken_handle
    with caplog.at_level(logging.ERROR, logger="bot.channels.zalo"):
        [reply] = await act(zalo_api, channel, zalo_api.text_event(CITIZEN, "/start"))
    assert "database on fire" in caplog.text
    assert reply.text and not reply.buttons


async def test_a_body_too_large_gets_413(bot, zalo_api):
    response = await zalo_api.deliver({"timestamp": "1"}, raw=b"{" + b" " * (1024 * 1024) + b"}")
    assert response.status_code == 413


async def test_without_zalo_settings_the_webhook_is_404(services):
    async with serving(create_app(services)) as url, httpx.AsyncClient() as client:
        response = await client.post(url + "/zalo/webhook", content=b"{}")
    assert response.status_code == 404
