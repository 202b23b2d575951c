"""A delivery is marked handled once: the second mark of the same (channel, key) says so, on both databases."""
from __future__ import annotations

from sqlalchemy import func, select

from bot.storage.base import utcnow
from bot.storage.conversations import ConversationLog, ProcessedUpdate, log_turn, record_delivery
from bot.storage.db import make_engine, migrate, session_factory


def test_the_same_delivery_is_new_once_and_a_rolled_back_one_is_new_again(database_url):
    engine = make_engine(database_url)
    migrate(engine)
    sessions = session_factory(engine)
    try:
        with sessions() as session:
            assert record_delivery(session, "telegram", "1001", utcnow()) is True
            session.commit()
        with sessions() as session:
            assert record_delivery(session, "telegram", "1001", utcnow()) is False
            assert record_delivery(session, "web", "1001", utcnow()) is True  # another channel's key
            assert record_delivery(session, "telegram", "1002", utcnow()) is True
            session.rollback()  # the turn failed: nothing of it is kept
        with sessions() as session:
            assert record_delivery(session, "telegram", "1002", utcnow()) is True
            log_turn(session, at=utcnow(), channel="telegram", understood=True, payload="tutorial:next:1:0")
            session.commit()
            keys = session.scalars(select(ProcessedUpdate.key).order_by(ProcessedUpdate.key)).all()
            assert keys == ["1001", "1002"]
            assert session.scalar(select(func.count()).select_from(ConversationLog)) == 1
    finally:
        engine.dispose()
