"""OutboxStore.claim on SQLite and PostgreSQL: at most `limit` rows, one per chat, each chat's rows in order."""
from __future__ import annotations

import time

import pytest

from bot.delivery.outbox import OutboxStore
from bot.storage.db import make_engine, migrate, session_factory
from bot.storage.delivery import OutboxItem

CHATS = ("1", "2", "3")


@pytest.fixture
def sessions(both_databases_url):
    engine = make_engine(both_databases_url)
    migrate(engine)
    yield session_factory(engine)
    engine.dispose()


def queue(sessions, rows_per_chat: int = 2) -> dict[str, list[int]]:
    """`rows_per_chat` queued reminders for each chat, chat by chat; their ids by chat, oldest first."""
    with sessions() as session:
        items = {chat: [OutboxItem(kind="reminder", channel="telegram", external_id=chat,
                                   chat_key=f"telegram:{chat}", reply="{}", status="queued", priority=1,
                                   not_before=0.0, attempts=0) for _ in range(rows_per_chat)]
                 for chat in CHATS}
        session.add_all([item for chat in CHATS for item in items[chat]])
        session.commit()
        return {chat: [item.id for item in chat_items] for chat, chat_items in items.items()}


@pytest.mark.parametrize("limit", [1, 2])
def test_a_claim_takes_at_most_its_limit_of_rows_oldest_chat_first(sessions, limit):
    ids = queue(sessions)
    store = OutboxStore(sessions, "one", lease=60, chat_interval=0.0)
    claimed = store.claim("telegram", limit, time.time())
    assert [item.id for item in claimed] == [ids[chat][0] for chat in CHATS[:limit]]


def test_claims_in_turn_take_each_chat_once_then_its_next_row_only_after_the_first(sessions):
    ids = queue(sessions)
    first, second = (OutboxStore(sessions, name, lease=60, chat_interval=0.0) for name in ("first", "second"))
    now = time.time()
    a = first.claim("telegram", 1, now)
    b = second.claim("telegram", 5, now)
    assert [item.id for item in a] == [ids["1"][0]]
    assert [item.id for item in b] == [ids["2"][0], ids["3"][0]]  # chat 1 has a row in progress
    assert second.claim("telegram", 5, now) == []
    assert first.start_sending(a[0].id, "telegram", now) and first.sent(a[0].id, now)
    assert [item.id for item in second.claim("telegram", 5, now)] == [ids["1"][1]]
