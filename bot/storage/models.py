"""SQLAlchemy 2 models: places, households, members, tutorial progress, logs."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.storage.base import Base, utcnow

__all__ = ["Base", "utcnow"]  # re-exported while the model modules move to bot.storage.base


class Commune(Base):
    __tablename__ = "communes"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    villages: Mapped[list["Village"]] = relationship(back_populates="commune")

    def __repr__(self) -> str:
        return f"Commune(id={self.id!r}, name={self.name!r})"


class Village(Base):
    __tablename__ = "villages"
    __table_args__ = (UniqueConstraint("commune_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("communes.id"))
    name: Mapped[str] = mapped_column(String(120))
    commune: Mapped[Commune] = relationship(back_populates="villages")
    households: Mapped[list["Household"]] = relationship(back_populates="village")

    def __repr__(self) -> str:
        return f"Village(id={self.id!r}, name={self.name!r})"


class Household(Base):
    __tablename__ = "households"

    id: Mapped[int] = mapped_column(primary_key=True)
    village_id: Mapped[int] = mapped_column(ForeignKey("villages.id"))
    code: Mapped[str] = mapped_column(String(32), unique=True)
    join_code: Mapped[str] = mapped_column(String(16), unique=True)
    head_name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(String(300))
    phone: Mapped[str | None] = mapped_column(String(20))  # normalized 0xxxxxxxxx; never printed on sheets
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    village: Mapped[Village] = relationship(back_populates="households")
    members: Mapped[list["Member"]] = relationship(back_populates="household")

    def __repr__(self) -> str:
        return f"Household(id={self.id!r}, code={self.code!r})"


class Member(Base):
    """A chat identity (one channel, one user id), linked to a household or a guest."""

    __tablename__ = "members"
    __table_args__ = (UniqueConstraint("channel", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(64))
    display_name: Mapped[str | None] = mapped_column(String(200))
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"))
    is_guest: Mapped[bool] = mapped_column(Boolean, default=False)
    address_form: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    reminders_off: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    household: Mapped[Household | None] = relationship(back_populates="members")
    runs: Mapped[list["TutorialRun"]] = relationship(back_populates="member")

    @property
    def onboarded(self) -> bool:
        return self.household_id is not None or self.is_guest

    def __repr__(self) -> str:
        return f"Member(id={self.id!r}, channel={self.channel!r}, household_id={self.household_id!r})"


class TutorialRun(Base):
    """One walk of one member through one tutorial; progress counts for the household."""

    __tablename__ = "tutorial_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"), index=True)
    topic_id: Mapped[str] = mapped_column(String(64), index=True)
    step_index: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(16), default="active")
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    member: Mapped[Member] = relationship(back_populates="runs")
    events: Mapped[list["StepEvent"]] = relationship(back_populates="run", order_by="StepEvent.id")

    def __repr__(self) -> str:
        return f"TutorialRun(id={self.id!r}, topic={self.topic_id!r}, step={self.step_index}, status={self.status!r})"


class StepEvent(Base):
    """started, step_shown, step_done, paused, resumed, completed, abandoned."""

    __tablename__ = "step_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("tutorial_runs.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    step_index: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    run: Mapped[TutorialRun] = relationship(back_populates="events")

    def __repr__(self) -> str:
        return f"StepEvent(run_id={self.run_id!r}, kind={self.kind!r}, step={self.step_index})"


# HelpRequest.status: waiting for a team member, being helped (the relay), ended by either side.
HELP_OPEN, HELP_TAKEN, HELP_CLOSED = "open", "taken", "closed"


class HelpRequest(Base):
    """A citizen asking for a person, with the context a helper needs."""

    __tablename__ = "help_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"))
    topic_id: Mapped[str | None] = mapped_column(String(64))
    step_index: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default=HELP_OPEN)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # The person relay (actions/team/helpdesk.py); every change is also in help_request_events.
    last_messages: Mapped[str | None] = mapped_column(Text)  # JSON list of the citizen's last texts, redacted
    taken_by_id: Mapped[int | None] = mapped_column(ForeignKey("team_members.id"))
    taken_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    escalated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_by: Mapped[str | None] = mapped_column(String(16))  # citizen, helper

    def __repr__(self) -> str:
        return f"HelpRequest(id={self.id!r}, status={self.status!r})"


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
