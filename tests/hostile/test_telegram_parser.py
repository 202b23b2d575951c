"""Hostile Telegram updates: any JSON shape is parsed into an Update and a defined Incoming, or refused."""
from __future__ import annotations

from hypothesis import strategies as st
from telegram import Update
from telegram.ext import filters

from bot.channels.telegram import incoming_from_callback, incoming_from_message, parse_update
from bot.shared.types import Incoming
from tests.hostile.strategies import JSON, parser_fuzz_tests

USER = {"id": 42, "is_bot": False, "first_name": "Lan", "language_code": "vi"}
CHAT = {"id": 42, "type": "private", "first_name": "Lan"}
BOT = {"id": 123, "is_bot": True, "first_name": "Cầm tay", "username": "camtay_bot"}
MESSAGE = {"update_id": 7, "message": {"message_id": 1, "from": USER, "chat": CHAT, "date": 1700000000,
                                       "text": "/start ABC123",
                                       "entities": [{"type": "bot_command", "offset": 0, "length": 6}]}}
CALLBACK = {"update_id": 8, "callback_query": {
    "id": "99", "from": USER, "chat_instance": "ci", "data": "tutorial:next:1:0",
    "message": {"message_id": 2, "from": BOT, "chat": CHAT, "date": 1700000000, "text": "Bước 1",
                "reply_markup": {"inline_keyboard": [[{"text": "Tiếp", "callback_data": "tutorial:next:1:0"}]]}}}}
STICKER = {"update_id": 9, "message": {"message_id": 3, "from": USER, "chat": CHAT, "date": 1700000000,
                                       "sticker": {"file_id": "s", "file_unique_id": "s1", "type": "regular",
                                                   "width": 1, "height": 1, "is_animated": False,
                                                   "is_video": False}}}

def handle(data) -> Incoming | None | str:
    """What the webhook does with a body: refuse it, or route it to a handler and take plain data out."""
    try:
        update = parse_update(data)
    except ValueError:
        return "refused"
    assert isinstance(update, Update)
    if update.callback_query is not None:
        incoming = incoming_from_callback(update)
    elif update.effective_message is not None and filters.ALL.check_update(update) \
            and not update.edited_message:
        incoming = incoming_from_message(update)
    else:
        return None
    if incoming is not None:
        assert isinstance(incoming, Incoming) and incoming.channel == "telegram"
        assert isinstance(incoming.user_id, str) and incoming.user_id
        assert incoming.text is None or isinstance(incoming.text, str)
        assert incoming.payload is None or isinstance(incoming.payload, str)
        assert isinstance(incoming.update_key, str)
    return incoming


def test_the_valid_updates_parse():
    assert handle(MESSAGE).text == "/start ABC123"
    assert handle(CALLBACK).payload == "tutorial:next:1:0"
    assert handle(STICKER).media == "sticker"


test_mutated_updates_give_an_incoming_or_are_refused, test_arbitrary_json_gives_an_incoming_or_is_refused = \
    parser_fuzz_tests([MESSAGE, CALLBACK, STICKER], 4, handle,
                      JSON | st.dictionaries(st.sampled_from(["update_id", "message", "callback_query",
                                                              "edited_message", "channel_post"]), JSON))
