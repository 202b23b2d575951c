"""Sending on Zalo: splitting for Zalo's limits, images, an expired token mid-conversation, pushes."""
from __future__ import annotations

import pytest

from bot.channels.zalo.send import outgoing
from bot.channels.zalo.wire import MAX_TEXT, MORE_BUTTONS_TEXT, ApiError
from bot.render import RenderedButton, RenderedMessage
from bot.settings import ROOT
from bot.shared.types import Button, Reply
from tests.channels.zalo.support import CITIZEN, act, running_zalo

STEP = {"text": "Mở ứng dụng VNeID.", "tip": None, "warning": None}


def rendered(text: str, buttons: int = 0) -> RenderedMessage:
    row = tuple(RenderedButton(f"Nút {i}", f"test:{i}") for i in range(buttons))
    return RenderedMessage(text=text, buttons=(row,) if row else (), image=None)


def test_buttons_beyond_five_go_in_a_following_message():
    bodies = outgoing("u", rendered("Chọn một việc", buttons=7))
    assert [b["message"]["text"] for b in bodies] == ["Chọn một việc", MORE_BUTTONS_TEXT]
    counts = [len(b["message"]["attachment"]["payload"]["buttons"]) for b in bodies]
    assert counts == [5, 2]


def test_a_long_text_is_split_and_the_buttons_follow_the_last_piece():
    text = "\n".join(f"Dòng {i}: " + "chữ " * 40 for i in range(30))
    bodies = outgoing("u", rendered(text, buttons=2))
    assert len(bodies) > 1 and all(len(b["message"]["text"]) <= MAX_TEXT for b in bodies)
    assert "\n".join(b["message"]["text"] for b in bodies) == text
    assert ["attachment" in b["message"] for b in bodies] == [False] * (len(bodies) - 1) + [True]


def test_the_image_comes_before_its_text():
    image = {"recipient": {"user_id": "u"}, "message": {"attachment": {}}}
    assert outgoing("u", rendered("Bước 1", buttons=1), image)[0] is image


async def test_an_expired_token_mid_conversation_is_refreshed_and_the_message_sent(settings, catalog, zalo_api):
    async with running_zalo(settings, catalog, zalo_api) as (_, channel, _):
        await act(zalo_api, channel, zalo_api.text_event(CITIZEN, "/start"))
        zalo_api.expire_access_tokens()  # 25 hours later, or revoked
        [reply] = await act(zalo_api, channel, zalo_api.text_event(CITIZEN, "/start"))
    assert "mã hộ gia đình" in reply.text
    assert [r.ok for r in zalo_api.refreshes] == [True, True]
    assert [r["error"] for r in zalo_api.refused] == [-216]


async def test_without_a_public_url_step_images_are_uploaded_once(settings, catalog, zalo_api):
    image = "vneid/otp.png"
    reply = Reply("tutorial_step", {"topic_id": "vneid-register", "number": 1, "total": 1, "step": STEP},
                  buttons=((Button("next", "tutorial:next:1:0"),),), image=image)
    async with running_zalo(settings, catalog, zalo_api) as (services, channel, _):
        zalo_api.interacted.add(CITIZEN)
        await channel.send_to(CITIZEN, reply)
        await channel.send_to(CITIZEN, reply)
    size = (ROOT / "content" / "images" / image).stat().st_size
    assert zalo_api.uploads == [{"attachment_id": zalo_api.uploads[0]["attachment_id"], "filename": "otp.png",
                                 "size": size}]
    sent = zalo_api.messages(CITIZEN)
    assert [m.image for m in sent if m.image] == [{"media_type": "image",
                                                   "attachment_id": zalo_api.uploads[0]["attachment_id"]}] * 2
    assert sent[1].text.startswith("Bước 1/1") and sent[1].buttons
    # The image carries what it shows as its caption (screens.yml's alt), for a phone that does not load it.
    assert sent[0].text == services.renderer.screens.alt_text(image) and "Mã OTP" in sent[0].text


async def test_pushes_use_the_registered_sender(settings, catalog, zalo_api):
    async with running_zalo(settings, catalog, zalo_api) as (services, channel, _):
        sender = services.senders["zalo"]
        assert sender is channel
        with pytest.raises(ApiError):  # never wrote to the OA: Zalo refuses
            await sender.send_to("999", Reply("menu"), "bác")
        await act(zalo_api, channel, zalo_api.text_event(CITIZEN, "/start"))
        since = zalo_api.mark()
        await sender.send_to(CITIZEN, Reply("menu", buttons=((Button("human", "human"),),)), "bác")
    [pushed] = zalo_api.messages(CITIZEN, since)
    assert pushed.text.startswith("Đây là những việc") and "Bác" in pushed.text
