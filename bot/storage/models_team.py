"""Tables of the team feature (kept apart so features do not edit one file).

Community tech team members and their villages, the help-request event log, pushes, the durable
outbox every unsolicited message goes through, its per-channel throttle, and reminders.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.storage.models import Base, Commune, Village, utcnow

ROLE_MEMBER = "member"      # looks after some villages
ROLE_COMMUNE = "commune"    # a commune's admin: escalations, pushes to the whole commune
ROLE_PROVINCE = "province"  # pushes to the whole province
TEAM_ROLES = (ROLE_MEMBER, ROLE_COMMUNE, ROLE_PROVINCE)


class TeamMember(Base):
    """A person of a community tech team; their chat identity is linked with a one-time code."""

    __tablename__ = "team_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(20))
    role: Mapped[str] = mapped_column(String(16), default=ROLE_MEMBER)
    commune_id: Mapped[int | None] = mapped_column(ForeignKey("communes.id"))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"), unique=True)
    # sha256 of the one-time link code; the code itself is shown once and never stored.
    link_code_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    link_code_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    commune: Mapped[Commune | None] = relationship()
    villages: Mapped[list[Village]] = relationship(secondary="team_member_villages", order_by=Village.id)

    def __repr__(self) -> str:
        return f"TeamMember(id={self.id!r}, name={self.name!r}, role={self.role!r})"


class TeamMemberVillage(Base):
    __tablename__ = "team_member_villages"

    team_member_id: Mapped[int] = mapped_column(ForeignKey("team_members.id", ondelete="CASCADE"),
                                                primary_key=True)
    village_id: Mapped[int] = mapped_column(ForeignKey("villages.id"), primary_key=True)

    def __repr__(self) -> str:
        return f"TeamMemberVillage(team_member_id={self.team_member_id!r}, village_id={self.village_id!r})"


class HelpEvent(Base):
    """One state change of a help request: opened, notified, taken, passed, escalated, closed."""

    __tablename__ = "help_request_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    help_request_id: Mapped[int] = mapped_column(ForeignKey("help_requests.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    kind: Mapped[str] = mapped_column(String(16))
    team_member_id: Mapped[int | None] = mapped_column(ForeignKey("team_members.id"))
    detail: Mapped[str | None] = mapped_column(String(300))

    def __repr__(self) -> str:
        return f"HelpEvent(help_request_id={self.help_request_id!r}, kind={self.kind!r})"


class Push(Base):
    """A tutorial pushed to the households of a village, a commune or the province."""

    __tablename__ = "pushes"

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[str] = mapped_column(String(64))
    audience: Mapped[str] = mapped_column(String(16))  # all, not_started, unfinished
    scope: Mapped[str] = mapped_column(String(16))  # village, commune, province
    scope_id: Mapped[int | None] = mapped_column(Integer)
    team_member_id: Mapped[int | None] = mapped_column(ForeignKey("team_members.id"))
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    households: Mapped[int] = mapped_column(Integer, default=0)  # in scope and audience
    not_joined: Mapped[int] = mapped_column(Integer, default=0)  # of those, no chat to push to

    def __repr__(self) -> str:
        return f"Push(id={self.id!r}, topic={self.topic_id!r}, scope={self.scope!r}:{self.scope_id!r})"


# Outbox states: queued -> claimed -> sending -> sent | failed | unknown; queued -> skipped | expired.
# `unknown`: the sender died while the request was in flight; never sent again (no duplicates).
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
    status: Mapped[str] = mapped_column(String(16), default="queued")
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


__all__ = ["HelpEvent", "OutboxItem", "OutboxThrottle", "Push", "Reminder", "TEAM_ROLES", "TeamMember",
           "TeamMemberVillage", "ROLE_COMMUNE", "ROLE_MEMBER", "ROLE_PROVINCE"]
