"""Messages nobody asked for: pushes, the durable outbox and its per-channel throttle, reminders."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.base import Base, utcnow


class Push(Base):
    """A tutorial pushed to the households of a village, a commune or the province."""

    __tablename__ = "pushes"

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[str] = mapped_column(String(64))
    audience: Mapped[str] = mapped_column(String(16))  # all, not_started, unfinished
    scope: Mapped[str] = mapped_column(String(16))  # village, commune, province
    scope_id: Mapped[int | None] = mapped_column(Integer)
    team_member_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    households: Mapped[int] = mapped_column(Integer, default=0)  # in scope and audience
    not_joined: Mapped[int] = mapped_column(Integer, default=0)  # of those, no chat to push to

    def __repr__(self) -> str:
        return f"Push(id={self.id!r}, topic={self.topic_id!r}, scope={self.scope!r}:{self.scope_id!r})"


# OutboxItem.status: queued -> claimed -> sending -> sent | failed | unknown; queued -> skipped | expired.
# `unknown`: the sender died while the request was in flight; never sent again (no duplicates).
QUEUED, CLAIMED, SENDING, SENT = "queued", "claimed", "sending", "sent"
FAILED, UNKNOWN, SKIPPED, EXPIRED = "failed", "unknown", "skipped", "expired"
PENDING = (QUEUED, CLAIMED, SENDING)
FINAL = (SENT, FAILED, UNKNOWN, SKIPPED, EXPIRED)


class OutboxItem(Base):
    """One message to one chat, sent by whichever sender claims it; times are epoch seconds."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_claim", "channel", "status", "priority", "id"),
        Index("ix_outbox_chat_status", "chat_key", "status", "id"),
        Index("ix_outbox_chat_sent", "chat_key", "sent_ts"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # push, help, relay, reminder
    channel: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(64))
    chat_key: Mapped[str] = mapped_column(String(90))  # channel:external_id, for the per-chat limit
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"))
    push_id: Mapped[int | None] = mapped_column(ForeignKey("pushes.id"), index=True)
    reply: Mapped[str] = mapped_column(Text)  # the Reply as JSON: template, context, buttons, image
    address_form: Mapped[str | None] = mapped_column(String(16))
    priority: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(16), default=QUEUED)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    not_before: Mapped[float] = mapped_column(Float, default=0.0)
    not_after: Mapped[float | None] = mapped_column(Float)
    lease_until: Mapped[float | None] = mapped_column(Float)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    dedupe_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    error: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sent_ts: Mapped[float | None] = mapped_column(Float)

    def __repr__(self) -> str:
        return f"OutboxItem(id={self.id!r}, kind={self.kind!r}, chat={self.chat_key!r}, status={self.status!r})"


class OutboxThrottle(Base):
    """Per channel: the next free send slot and a pause (429), shared by every sender process."""

    __tablename__ = "outbox_throttle"

    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    next_at: Mapped[float] = mapped_column(Float, default=0.0)
    paused_until: Mapped[float] = mapped_column(Float, default=0.0)

    def __repr__(self) -> str:
        return f"OutboxThrottle(channel={self.channel!r}, next_at={self.next_at!r})"


class Reminder(Base):
    """A gentle reminder about an unfinished tutorial run; at most two per run (number 1, 2)."""

    __tablename__ = "reminders"
    __table_args__ = (UniqueConstraint("run_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("tutorial_runs.id"))
    number: Mapped[int] = mapped_column(Integer)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    def __repr__(self) -> str:
        return f"Reminder(run_id={self.run_id!r}, number={self.number!r})"
