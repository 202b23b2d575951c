"""Zalo's wire format: the signature, events, message bodies, token answers (pure functions)."""
from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest

from bot.channels.zalo import wire

BODY = b'{"app_id":"42","event_name":"user_send_text","timestamp":"1700000000000"}'


def test_signature_is_sha256_of_app_id_body_timestamp_and_oa_secret():
    expected = hashlib.sha256(b"42" + BODY + b"1700000000000" + b"oa-secret").hexdigest()
    assert wire.signature("42", BODY, "1700000000000", "oa-secret") == expected
    assert wire.signature_header("42", BODY, "1700000000000", "oa-secret") == "mac=" + expected


@pytest.mark.parametrize("given, ok", [
    ("mac={sig}", True), ("{sig}", True), ("MAC={SIG}", True), (" mac={sig} ", True),
    ("mac={other}", False), ("", False), (None, False), ("mac=", False), ("sha256={sig}", False),
])
def test_signature_matches(given, ok):
    sig = wire.signature("42", BODY, "1700000000000", "oa-secret")
    other = wire.signature("42", BODY, "1700000000000", "app-secret")  # the wrong secret key
    value = given.format(sig=sig, SIG=sig.upper(), other=other) if given is not None else None
    assert wire.signature_matches(value, "42", BODY, "1700000000000", "oa-secret") is ok


def _event(name: str, **fields) -> dict:
    return {"app_id": "42", "event_name": name, "timestamp": "1700000000000", "sender": {"id": "7"},
            "recipient": {"id": "9"}, **fields}


@pytest.mark.parametrize("event, expected", [
    (_event("user_send_text", message={"msg_id": "m1", "text": "xin chào"}),
     wire.Event("user_send_text", "text", "7", text="xin chào", delivery_id="m1")),
    (_event("user_send_text", message={"msg_id": "m2", "text": "#camtay:tutorial:next:3:1"}),
     wire.Event("user_send_text", "payload", "7", payload="tutorial:next:3:1", delivery_id="m2")),
    (_event("user_send_sticker", message={"msg_id": "m3", "attachments": [{"type": "sticker"}]}),
     wire.Event("user_send_sticker", "media", "7", media="sticker", delivery_id="m3")),
    (_event("user_send_audio", message={"msg_id": "m4", "attachments": []}),
     wire.Event("user_send_audio", "media", "7", media="voice", delivery_id="m4")),
    ({"event_name": "follow", "timestamp": 1700000000000, "oa_id": "9", "follower": {"id": 7}},
     wire.Event("follow", "follow", "7", delivery_id="follow:7:1700000000000")),
    ({"event_name": "unfollow", "timestamp": "1", "oa_id": "9", "follower": {"id": "7"}},
     wire.Event("unfollow", "unfollow", "7", delivery_id="unfollow:7:1")),
    (_event("user_seen_message", message={"msg_ids": ["a"]}), wire.Event("user_seen_message", "quiet")),
    (_event("user_reacted_message"), wire.Event("user_reacted_message", "unknown")),
])
def test_parse_event(event, expected):
    assert wire.parse_event(event) == expected


@pytest.mark.parametrize("event", [
    [], "x", {}, {"event_name": "user_send_text"}, {"event_name": "", "timestamp": "1"},
    _event("user_send_text", message={"text": "no id"}),
    _event("user_send_text", message={"msg_id": "", "text": "an empty id would defeat replay detection"}),
    _event("user_send_text", message={"msg_id": "m", "text": 5}),
    _event("user_send_text", message={"msg_id": "m", "text": "x"}, sender={"id": "x" * 65}),
    _event("user_send_image", message="m"),
    {"event_name": "follow", "timestamp": "1", "follower": {}},
])
def test_malformed_events_are_refused(event):
    with pytest.raises(wire.WireError):
        wire.parse_event(event)


def test_text_message_with_buttons():
    body = wire.text_message("7", "Chọn", [("Tiếp ▶", "tutorial:next:1:0"), ("x" * 150, "menu")])
    assert body == {"recipient": {"user_id": "7"}, "message": {"text": "Chọn", "attachment": {
        "type": "template", "payload": {"buttons": [
            {"title": "Tiếp ▶", "type": "oa.query.hide", "payload": "#camtay:tutorial:next:1:0"},
            {"title": "x" * 100, "type": "oa.query.hide", "payload": "#camtay:menu"}]}}}}
    with pytest.raises(wire.WireError):
        wire.text_message("7", "Chọn", [("a", "b")] * 6)


def test_image_message_by_url_or_upload():
    by_url = wire.image_message("7", url="https://camtay.example/images/a.png")
    element = by_url["message"]["attachment"]["payload"]["elements"][0]
    assert element == {"media_type": "image", "url": "https://camtay.example/images/a.png"}
    assert by_url["message"]["attachment"]["payload"]["template_type"] == "media"
    by_upload = wire.image_message("7", attachment_id="att1")
    assert by_upload["message"]["attachment"]["payload"]["elements"][0]["attachment_id"] == "att1"
    with pytest.raises(wire.WireError):
        wire.image_message("7")
    captioned = wire.image_message("7", url="https://camtay.example/images/a.png", caption=" Màn hình VNeID ")
    assert captioned["message"]["text"] == "Màn hình VNeID"
    assert "text" not in wire.image_message("7", url="https://camtay.example/images/a.png", caption=" ")["message"]


@pytest.mark.parametrize("text", ["ngắn", "a" * 2000, "a" * 4500, ("dòng\n" * 900).strip(), "x\n\n" + "y" * 2500])
def test_split_text_keeps_every_character_within_the_limit(text):
    pieces = wire.split_text(text)
    assert all(0 < len(p) <= wire.MAX_TEXT for p in pieces)
    assert "".join(pieces).replace("\n", "") == text.replace("\n", "")


def test_results_and_errors():
    assert wire.message_id({"error": 0, "message": "Success", "data": {"message_id": "abc"}}) == "abc"
    assert wire.attachment_id({"error": 0, "data": {"attachment_id": "att"}}) == "att"
    with pytest.raises(wire.ApiError) as refused:
        wire.message_id({"error": -216, "message": "Access token is invalid"})
    assert refused.value.code == -216 and -216 in wire.TOKEN_ERRORS
    with pytest.raises(wire.ApiError):
        wire.message_id("<html>bad gateway</html>")


def test_grants():
    grant = wire.parse_grant({"access_token": "a", "refresh_token": "r", "expires_in": "90000"})
    assert grant == wire.Grant("a", "r", timedelta(hours=25))
    assert wire.parse_grant({"access_token": "a", "refresh_token": "r"}).expires_in == timedelta(hours=1)
    assert wire.refresh_form("42", "r") == {"refresh_token": "r", "app_id": "42", "grant_type": "refresh_token"}
    with pytest.raises(wire.ApiError, match="Invalid refresh token"):
        wire.parse_grant({"error": -14014, "error_description": "Invalid refresh token"})
