"""Hostile Zalo webhook events: any JSON gives an Event or a WireError, never another exception."""
from __future__ import annotations

import copy

from bot.channels.zalo.wire import Event, WireError, parse_event
from tests.hostile.strategies import parser_fuzz_tests

TEXT = {"app_id": "1", "event_name": "user_send_text", "timestamp": "1700000000000",
        "sender": {"id": "8234"}, "recipient": {"id": "99"}, "message": {"msg_id": "m1", "text": "xin chào"}}
FOLLOW = {"app_id": "1", "event_name": "follow", "timestamp": 1700000000000, "follower": {"id": "8234"}}
IMAGE = {"app_id": "1", "event_name": "user_send_image", "timestamp": "1700000000000", "sender": {"id": "8234"},
         "message": {"msg_id": "m2", "attachments": [{"type": "image", "payload": {"url": "https://x/y.png"}}]}}

def check(event) -> None:
    try:
        parsed = parse_event(event)
    except WireError as exc:
        assert str(exc)
        return
    assert isinstance(parsed, Event) and isinstance(parsed.kind, str)
    if parsed.kind in ("text", "payload", "media", "follow", "unfollow"):
        assert isinstance(parsed.user_id, str) and parsed.user_id
        assert isinstance(parsed.delivery_id, str) and 0 < len(parsed.delivery_id) <= 64
    assert parsed.text is None or isinstance(parsed.text, str)
    assert parsed.payload is None or isinstance(parsed.payload, str)


def test_the_valid_events_parse():
    assert parse_event(TEXT).text == "xin chào"
    assert parse_event(FOLLOW).kind == "follow"
    assert parse_event(IMAGE).kind == "media"


test_mutated_events, test_arbitrary_json = parser_fuzz_tests([TEXT, FOLLOW, IMAGE], 3, check)


def test_long_delivery_ids_are_hashed_not_cut():
    """Two ids that share their first 64 characters stay two deliveries for the dedupe tables."""
    first, second = copy.deepcopy(TEXT), copy.deepcopy(TEXT)
    first["message"]["msg_id"] = "m" * 64 + "1"
    second["message"]["msg_id"] = "m" * 64 + "2"
    keys = {parse_event(first).delivery_id, parse_event(second).delivery_id}
    assert len(keys) == 2 and all(len(key) == 64 for key in keys)
    follow = {**FOLLOW, "timestamp": "9" * 1000}
    assert len(parse_event(follow).delivery_id) == 64
