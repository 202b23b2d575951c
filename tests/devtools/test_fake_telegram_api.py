"""The fake Bot API itself: wire format, parameters as form or JSON, getUpdates offset and timeout."""
from __future__ import annotations

import json
import time

import httpx
import pytest

from devtools.fakes.telegram_api import FakeTelegramApi

CHAT = 77


@pytest.fixture
def api():
    with FakeTelegramApi("123:TEST") as fake:
        yield fake


@pytest.fixture
def client(api):
    with httpx.Client(base_url=f"{api.url}/bot123:TEST", timeout=10) as http:
        yield http


def test_get_me_and_errors_in_the_wire_format(api, client):
    assert client.get("/getMe").json() == {"ok": True, "result": api.bot_user}
    wrong = httpx.get(f"{api.url}/bot999:WRONG/getMe")
    assert (wrong.status_code, wrong.json()) == (401, {"ok": False, "error_code": 401,
                                                       "description": "Unauthorized"})
    assert client.post("/noSuchMethod").json()["error_code"] == 404
    unknown_chat = client.post("/sendMessage", data={"chat_id": "5", "text": "hi"}).json()
    assert unknown_chat == {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"}


@pytest.mark.parametrize("as_json", [False, True])
def test_send_message_accepts_form_and_json(api, client, as_json):
    api.user(CHAT)
    markup = {"inline_keyboard": [[{"text": "Tiếp", "callback_data": "tutorial:next:1:0"}]]}
    if as_json:
        response = client.post("/sendMessage", json={"chat_id": CHAT, "text": "Xin chào", "reply_markup": markup})
    else:
        response = client.post("/sendMessage", data={"chat_id": str(CHAT), "text": "Xin chào",
                                                     "reply_markup": json.dumps(markup)})
    message = response.json()["result"]
    assert message["chat"] == {"id": CHAT, "type": "private", "first_name": "Lan"}
    assert message["from"] == api.bot_user and message["text"] == "Xin chào"
    assert message["reply_markup"] == markup
    assert api.calls_to("sendMessage")[0].params["chat_id"] == CHAT


def test_get_updates_honours_offset_and_timeout(api, client):
    first = api.push_message(CHAT, "một")
    second = api.push_message(CHAT, "hai")
    ids = [u["update_id"] for u in client.get("/getUpdates").json()["result"]]
    assert ids == [first["update_id"], second["update_id"]]
    # Asking from an offset confirms the earlier updates: they are not delivered again.
    rest = client.get("/getUpdates", params={"offset": second["update_id"]}).json()["result"]
    assert [u["update_id"] for u in rest] == [second["update_id"]]
    started = time.monotonic()
    empty = client.post("/getUpdates", data={"offset": str(second["update_id"] + 1), "timeout": "1"})
    assert empty.json() == {"ok": True, "result": []} and time.monotonic() - started >= 0.9


def test_callback_queries_are_answered_once(api, client):
    api.user(CHAT)
    sent = api.seed_bot_message(CHAT, "Bước 1", [[("Tiếp", "tutorial:next:1:0")]])
    with pytest.raises(ValueError):
        api.callback_update(CHAT, sent["message_id"], "not-on-the-keyboard")
    query = api.push_callback(CHAT, sent["message_id"], "tutorial:next:1:0")["callback_query"]
    assert query["message"]["reply_markup"] == sent["reply_markup"]
    assert client.post("/answerCallbackQuery", data={"callback_query_id": query["id"]}).json()["ok"]
    again = client.post("/answerCallbackQuery", data={"callback_query_id": query["id"]}).json()
    assert again["error_code"] == 400 and "query is too old" in again["description"]


def test_photo_upload_is_recorded_with_its_size(api, client):
    api.user(CHAT)
    response = client.post("/sendPhoto", data={"chat_id": str(CHAT), "caption": "Bước 2"},
                           files={"photo": ("step.png", b"\x89PNG" + bytes(96), "image/png")})
    message = response.json()["result"]
    assert message["caption"] == "Bước 2" and message["photo"][0]["file_size"] == 100
    assert api.photos == [{"chat_id": CHAT, "message_id": message["message_id"],
                           "filename": "step.png", "size": 100}]
