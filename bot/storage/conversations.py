"""The conversation: the redacted log of turns, topic choices drawn from it, updates already handled."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Float, ForeignKey, Index, Insert, String, Text, UniqueConstraint
from sqlalchemy import insert as sql_insert
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, Session, mapped_column

from bot.storage.base import Base, utcnow


class ConversationLog(Base):
    """One turn, redacted: what was said or pressed, what was understood, what was answered."""

    __tablename__ = "conversation_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    channel: Mapped[str] = mapped_column(String(16))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"), index=True)
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"))
    text: Mapped[str | None] = mapped_column(Text)
    payload: Mapped[str | None] = mapped_column(String(64))
    intent: Mapped[str | None] = mapped_column(String(64))
    confidence: Mapped[float | None] = mapped_column(Float)
    topic_id: Mapped[str | None] = mapped_column(String(64))
    understood: Mapped[bool] = mapped_column(Boolean, default=True)
    replies: Mapped[str | None] = mapped_column(String(300))
    latency_ms: Mapped[float | None] = mapped_column(Float)

    def __repr__(self) -> str:
        return f"ConversationLog(id={self.id!r}, intent={self.intent!r})"


class TopicChoice(Base):
    """A citizen asked back between two topics picked one: a candidate training example for an admin to review.

    It keeps no text of its own: the question is the log row's (redacted), and goes when that row goes.
    """

    __tablename__ = "topic_choices"
    __table_args__ = (UniqueConstraint("log_id", name="uq_topic_choices_log_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    log_id: Mapped[int] = mapped_column(ForeignKey("conversation_log.id", ondelete="CASCADE"))
    topic_id: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)

    def __repr__(self) -> str:
        return f"TopicChoice(id={self.id!r}, log={self.log_id!r}, topic={self.topic_id!r})"


class ProcessedUpdate(Base):
    """Updates already handled, so a retried delivery is ignored."""

    __tablename__ = "processed_updates"

    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


# Per household (detail, and every page of a commune or team scope): covering the per-day counts, so a
# scoped overview reads no table rows.
Index("ix_conversation_log_household_at_understood", ConversationLog.household_id, ConversationLog.at,
      ConversationLog.understood, ConversationLog.payload)
# Text messages understood or not, by time: the overview's daily counts are index range counts, the
# not-understood page and filter read only matching rows.
Index("ix_conversation_log_understood_payload_at", ConversationLog.understood, ConversationLog.payload,
      ConversationLog.at)
Index("ix_conversation_log_topic_id_at", ConversationLog.topic_id, ConversationLog.at)
# Procedures answered "not covered yet", by intent and time: the admin's content gaps (migration 0016).
Index("ix_conversation_log_intent_at", ConversationLog.intent, ConversationLog.at)
# The log's order (newest first, id breaks ties): pages are sought from a cursor on it (migration 0005).
Index("ix_conversation_log_at_id", ConversationLog.at, ConversationLog.id)


def record_delivery(session: Session, channel: str, key: str, at: datetime) -> bool:
    """Marks one delivery handled (in the session's transaction); False when it was marked before.

    One INSERT … ON CONFLICT DO NOTHING: no read first and no ORM flush, on the path of every update.
    A racing delivery of the same update waits for the first one's transaction and then inserts nothing."""
    dialect = session.get_bind().dialect.name
    statement = _RECORD_DELIVERY.get(dialect)
    if statement is None:
        insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
        # RETURNING, not rowcount: through SQLAlchemy, psycopg reports a rowcount of -1 for this statement.
        statement = _RECORD_DELIVERY[dialect] = insert(ProcessedUpdate.__table__).on_conflict_do_nothing() \
            .returning(ProcessedUpdate.__table__.c.key)
    inserted = session.execute(statement, {"channel": channel, "key": key[:64], "at": at}).first()
    return inserted is not None


_RECORD_DELIVERY: dict[str, Insert] = {}  # by dialect: built once, compiled once


def log_turn(session: Session, **row) -> None:
    """One turn into the log: a Core insert of a statement compiled once, no ORM object (on every update)."""
    session.execute(_LOG_TURN, row)


_LOG_TURN = sql_insert(ConversationLog.__table__)
