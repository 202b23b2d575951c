"""Telegram's side of the chats, in memory: messages, keyboards, callback queries, pending updates.

Bot API methods and the citizen's actions both work on it; objects are in Telegram's JSON wire format.
"""
from __future__ import annotations

import copy
import itertools
import threading
import time
from dataclasses import dataclass, field
from typing import Any

NOT_MODIFIED = ("Bad Request: message is not modified: specified new message content and reply markup "
                "are exactly the same as a current content and reply markup of the message")
QUERY_TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"


class ApiError(Exception):
    """An answer {"ok": false, "error_code": code, "description": description[, "parameters": ...]}."""

    def __init__(self, code: int, description: str, parameters: dict[str, Any] | None = None):
        super().__init__(description)
        self.code, self.description, self.parameters = code, description, parameters


@dataclass
class Call:
    """One request the bot made: method (as sent), parameters, what was answered, and when it arrived."""
    method: str
    params: dict[str, Any]
    result: Any = None
    error: str | None = None
    at: float = field(default_factory=time.monotonic)  # CLOCK_MONOTONIC: comparable across processes


class TelegramChats:
    def __init__(self, token: str, username: str):
        self.token = token
        self.bot_user = {"id": int(token.split(":")[0]), "is_bot": True, "first_name": "Cầm tay",
                         "username": username, "can_join_groups": False,
                         "can_read_all_group_messages": False, "supports_inline_queries": False}
        self.calls: list[Call] = []
        self.photos: list[dict[str, Any]] = []  # every photo upload: chat_id, message_id, filename, size
        self.webhook: dict[str, Any] | None = None
        self._updates: list[dict] = []
        self._messages: dict[tuple[int, int], dict] = {}  # (chat id, message id) -> current state
        self._buttons: dict[tuple[int, int], set[str]] = {}  # callback data ever shown on a message
        self._queries: dict[str, bool] = {}  # callback query id -> answered (or too old to answer)
        self._users: dict[int, dict] = {}
        self._ids = itertools.count(1)
        self._update_ids = itertools.count(100_000)
        self._lock = threading.RLock()  # the server thread writes, the test reads

    # --- Bot API methods (called with the lock held)
    def get_me(self, p: dict) -> dict:
        return self.bot_user

    def delete_webhook(self, p: dict) -> bool:
        self.webhook = None
        if p.get("drop_pending_updates") in (True, "true", "True"):
            self._updates.clear()
        return True

    def set_webhook(self, p: dict) -> bool:
        if not str(p.get("url", "")).startswith("https://"):
            raise ApiError(400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook")
        self.webhook = p
        return True

    def send_message(self, p: dict) -> dict:
        text = str(p.get("text") or "")
        if not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if len(text) > 4096:
            raise ApiError(400, "Bad Request: message is too long")
        return self._new_bot_message(p, text=text)

    def send_photo(self, p: dict) -> dict:
        photo = p.get("photo")  # an upload {filename, size, content_type}, a file_id or a URL
        if isinstance(photo, str) and photo.startswith("attach://"):
            photo = p.get(photo[len("attach://"):])
        if not photo:
            raise ApiError(400, "Bad Request: there is no photo in the request")
        if len(p.get("caption") or "") > 1024:
            raise ApiError(400, "Bad Request: message caption is too long")
        size = photo["size"] if isinstance(photo, dict) else None
        n = next(self._ids)
        fields: dict[str, Any] = {"photo": [{"file_id": f"photo-{n}", "file_unique_id": f"p{n}",
                                             "width": 800, "height": 600, "file_size": size or 1}]}
        if p.get("caption"):
            fields["caption"] = p["caption"]
        message = self._new_bot_message(p, **fields)
        self.photos.append({"chat_id": message["chat"]["id"], "message_id": message["message_id"],
                            "filename": photo.get("filename") if isinstance(photo, dict) else photo,
                            "size": size})
        return message

    def answer_callback_query(self, p: dict) -> bool:
        query_id = str(p.get("callback_query_id", ""))
        if self._queries.get(query_id, True):  # unknown, already answered or too old
            raise ApiError(400, QUERY_TOO_OLD)
        self._queries[query_id] = True
        return True

    def edit_message_text(self, p: dict) -> dict:
        message = self._editable(p)
        if "text" not in message:
            raise ApiError(400, "Bad Request: there is no text in the message to edit")
        if not str(p.get("text") or "").strip():
            raise ApiError(400, "Bad Request: message text is empty")
        return self._edit(message, text=str(p["text"]), reply_markup=p.get("reply_markup"))

    def edit_message_reply_markup(self, p: dict) -> dict:
        message = self._editable(p)
        return self._edit(message, text=message.get("text"), reply_markup=p.get("reply_markup"))

    def pending_updates(self, offset: int, limit: int, allowed: list[str] | None) -> list[dict]:
        """getUpdates: asking from `offset` confirms every earlier update, which is gone for good."""
        with self._lock:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
            kinds = lambda u: next(k for k in u if k != "update_id")  # noqa: E731
            return copy.deepcopy([u for u in self._updates if not allowed or kinds(u) in allowed][:limit])

    # --- messages
    def _chat(self, chat_id: Any) -> dict:
        user = self._users.get(chat_id) if isinstance(chat_id, int) else None
        if user is None:  # a bot cannot write first to someone who never wrote to it
            raise ApiError(400, "Bad Request: chat not found")
        return {"id": user["id"], "type": "private", "first_name": user["first_name"]}

    @staticmethod
    def _markup(markup: Any) -> dict | None:
        if not isinstance(markup, dict) or "inline_keyboard" not in markup:
            return None  # only inline keyboards are echoed back on the message
        for button in itertools.chain.from_iterable(markup["inline_keyboard"]):
            if not button.get("text"):
                raise ApiError(400, "Bad Request: BUTTON_TEXT_INVALID")
            if "callback_data" in button and not 1 <= len(button["callback_data"].encode()) <= 64:
                raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
        return markup

    def _store(self, message: dict) -> dict:
        key = (message["chat"]["id"], message["message_id"])
        self._messages[key] = message
        rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
        self._buttons.setdefault(key, set()).update(
            b["callback_data"] for b in itertools.chain.from_iterable(rows) if "callback_data" in b)
        return copy.deepcopy(message)

    def _new_bot_message(self, p: dict, **fields) -> dict:
        chat = self._chat(p.get("chat_id"))
        markup = self._markup(p.get("reply_markup"))
        message = {"message_id": next(self._ids), "from": self.bot_user, "chat": chat,
                   "date": int(time.time()), **fields}
        if markup is not None:
            message["reply_markup"] = markup
        return self._store(message)

    def _editable(self, p: dict) -> dict:
        message = self._messages.get((p.get("chat_id"), p.get("message_id")))
        if message is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        if message["from"]["id"] != self.bot_user["id"]:
            raise ApiError(400, "Bad Request: message can't be edited")
        return message

    def _edit(self, message: dict, text: str | None, reply_markup: Any) -> dict:
        markup = self._markup(reply_markup)  # no inline keyboard in the request removes it
        if message.get("text") == text and message.get("reply_markup") == markup:
            raise ApiError(400, NOT_MODIFIED)
        edited = {k: v for k, v in message.items() if k != "reply_markup"}
        edited["edit_date"] = int(time.time())
        if text is not None:
            edited["text"] = text
        if markup is not None:
            edited["reply_markup"] = markup
        return self._store(edited)

    # --- the citizen's side: updates as Telegram would deliver them
    def user(self, user_id: int, first_name: str = "Lan") -> dict:
        with self._lock:
            return self._users.setdefault(user_id, {"id": user_id, "is_bot": False,
                                                    "first_name": first_name, "language_code": "vi"})

    def message_update(self, user_id: int, text: str | None = None, **fields) -> dict:
        """An update with a citizen's message (text, or fields such as `sticker`), not queued."""
        user = self.user(user_id)
        with self._lock:
            message = {"message_id": next(self._ids), "from": user, "chat": self._chat(user_id),
                       "date": int(time.time()), **fields}
            if text is not None:
                message["text"] = text
                if text.startswith("/"):
                    message["entities"] = [{"type": "bot_command", "offset": 0,
                                            "length": len(text.split(" ", 1)[0])}]
            self._store(message)
            return {"update_id": next(self._update_ids), "message": message}

    def callback_update(self, user_id: int, message_id: int, data: str, expired: bool = False) -> dict:
        """A press on a button the bot showed on one of its messages (maybe edited away since).

        `expired`: too late to answer, as for a press made while the bot was down."""
        user = self.user(user_id)
        with self._lock:
            message = self._messages.get((user_id, message_id))
            if message is None or message["from"]["id"] != self.bot_user["id"]:
                raise ValueError(f"the bot sent no message {message_id} to chat {user_id}")
            if data not in self._buttons.get((user_id, message_id), ()):
                raise ValueError(f"message {message_id} never had a button with data {data!r}")
            query_id = str(next(self._ids) * 7919)
            self._queries[query_id] = expired
            return {"update_id": next(self._update_ids), "callback_query": {
                "id": query_id, "from": user, "message": copy.deepcopy(message),
                "chat_instance": f"ci{user_id}", "data": data}}

    def push(self, update: dict) -> dict:
        with self._lock:
            self._updates.append(update)
        return update

    def push_message(self, user_id: int, text: str | None = None, **fields) -> dict:
        return self.push(self.message_update(user_id, text, **fields))

    def push_sticker(self, user_id: int) -> dict:
        sticker = {"file_id": "sticker-1", "file_unique_id": "s1", "type": "regular", "width": 512,
                   "height": 512, "is_animated": False, "is_video": False, "emoji": "👍"}
        return self.push_message(user_id, sticker=sticker)

    def push_callback(self, user_id: int, message_id: int, data: str, expired: bool = False) -> dict:
        return self.push(self.callback_update(user_id, message_id, data, expired))

    def seed_bot_message(self, chat_id: int, text: str, buttons: list[list[tuple[str, str]]]) -> dict:
        """A message with a keyboard already in the chat, e.g. left by an older release of the bot."""
        markup = {"inline_keyboard": [[{"text": t, "callback_data": d} for t, d in row] for row in buttons]}
        self.user(chat_id)
        with self._lock:
            return self._new_bot_message({"chat_id": chat_id, "reply_markup": markup}, text=text)

    # --- what happened
    def mark(self) -> int:
        """A point in the call log; pass it as `since`."""
        return len(self.calls)

    def message(self, chat_id: int, message_id: int) -> dict:
        """A message as it is now in the chat (after any edits)."""
        with self._lock:
            return copy.deepcopy(self._messages[(chat_id, message_id)])

    def calls_to(self, method: str, since: int = 0) -> list[Call]:
        with self._lock:
            return [c for c in self.calls[since:] if c.method.lower() == method.lower()]

    def sent(self, chat_id: int, since: int = 0) -> list[dict]:
        """Messages the bot sent to a chat since a mark, as they were when sent."""
        with self._lock:
            return [c.result for c in self.calls[since:] if c.method.lower() in ("sendmessage", "sendphoto")
                    and c.result is not None and c.result["chat"]["id"] == chat_id]
