"""Tables of the admin feature (kept apart so features do not edit one file).

Admin users and their scope, server-side sessions, login attempts (lockout), the audit log,
and the indexes the admin pages' queries need on the core tables.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.storage.models import (
    Base,
    Commune,
    ConversationLog,
    HelpRequest,
    Household,
    Member,
    StepEvent,
    TutorialRun,
    Village,
    utcnow,
)

ROLE_PROVINCE = "province"
ROLE_COMMUNE = "commune"
ROLE_TEAM = "team"
ROLES = (ROLE_PROVINCE, ROLE_COMMUNE, ROLE_TEAM)


class AdminUser(Base):
    """A person who logs into the admin web: a province admin, a commune admin or a tech team member."""

    __tablename__ = "admin_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    # A commune admin's commune; a team member's villages are in admin_user_villages.
    commune_id: Mapped[int | None] = mapped_column(ForeignKey("communes.id"))
    display_name: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    commune: Mapped[Commune | None] = relationship()
    villages: Mapped[list[Village]] = relationship(secondary="admin_user_villages", order_by=Village.id)

    def __repr__(self) -> str:
        return f"AdminUser(id={self.id!r}, username={self.username!r}, role={self.role!r})"


class AdminUserVillage(Base):
    """The villages a tech team member looks after."""

    __tablename__ = "admin_user_villages"

    user_id: Mapped[int] = mapped_column(ForeignKey("admin_users.id", ondelete="CASCADE"), primary_key=True)
    village_id: Mapped[int] = mapped_column(ForeignKey("villages.id"), primary_key=True)

    def __repr__(self) -> str:
        return f"AdminUserVillage(user_id={self.user_id!r}, village_id={self.village_id!r})"


class AdminSession(Base):
    """A logged-in browser; the cookie holds a random token, the table only its keyed hash."""

    __tablename__ = "admin_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("admin_users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    ip: Mapped[str | None] = mapped_column(String(64))
    user: Mapped[AdminUser] = relationship()

    def __repr__(self) -> str:
        return f"AdminSession(user_id={self.user_id!r}, expires_at={self.expires_at!r})"


class AdminLoginAttempt(Base):
    """Every login attempt, known user or not; the lockout counts recent failures per username and IP."""

    __tablename__ = "admin_login_attempts"
    __table_args__ = (
        Index("ix_admin_login_attempts_username_at", "username", "at"),
        Index("ix_admin_login_attempts_ip_at", "ip", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    ip: Mapped[str] = mapped_column(String(64))
    success: Mapped[bool] = mapped_column(Boolean)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    def __repr__(self) -> str:
        return f"AdminLoginAttempt(username={self.username!r}, success={self.success!r})"


class AdminAuditLog(Base):
    """One admin action: who, what, on what; never a citizen's personal data."""

    __tablename__ = "admin_audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    # Kept when the user is deleted: the username says who it was.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("admin_users.id", ondelete="SET NULL"))
    username: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[str | None] = mapped_column(String(200))
    detail: Mapped[str | None] = mapped_column(Text)
    ip: Mapped[str | None] = mapped_column(String(64))

    def __repr__(self) -> str:
        return f"AdminAuditLog(id={self.id!r}, username={self.username!r}, action={self.action!r})"


# Indexes on the core tables for the admin pages' queries (see bot/admin/queries/ and bench/admin.py).
# Scoping by place: households of some villages, members of some households; active members by last turn.
Index("ix_households_village_id", Household.village_id)
Index("ix_members_household_id", Member.household_id)
Index("ix_members_last_seen_at_household_id", Member.last_seen_at, Member.household_id)
# Conversation log. Per household (detail, and every page of a commune or team scope): covering the
# per-day counts, so a scoped overview reads no table rows.
Index("ix_conversation_log_household_at_understood", ConversationLog.household_id, ConversationLog.at,
      ConversationLog.understood, ConversationLog.payload)
# Text messages understood or not, by time: the overview's daily counts are index range counts, the
# not-understood page and filter read only matching rows.
Index("ix_conversation_log_understood_payload_at", ConversationLog.understood, ConversationLog.payload,
      ConversationLog.at)
Index("ix_conversation_log_topic_id_at", ConversationLog.topic_id, ConversationLog.at)
# The log's order (newest first, id breaks ties): pages are sought from a cursor on it (migration 0005).
Index("ix_conversation_log_at_id", ConversationLog.at, ConversationLog.id)
# Tutorial runs: completions and starts in a period, stuck runs; the funnel's furthest step per run.
Index("ix_tutorial_runs_completed_at", TutorialRun.completed_at)
Index("ix_tutorial_runs_started_at", TutorialRun.started_at)
Index("ix_tutorial_runs_status_updated_at", TutorialRun.status, TutorialRun.updated_at)
# Per household: "has completed one", "is stuck" (unfinished, untouched, that topic never completed).
Index("ix_tutorial_runs_household_status_topic", TutorialRun.household_id, TutorialRun.status,
      TutorialRun.topic_id, TutorialRun.updated_at)
Index("ix_step_events_run_id_step_index", StepEvent.run_id, StepEvent.step_index)
# Help requests per household and open ones.
Index("ix_help_requests_household_id", HelpRequest.household_id)
Index("ix_help_requests_status_created_at", HelpRequest.status, HelpRequest.created_at)

__all__ = ["AdminAuditLog", "AdminLoginAttempt", "AdminSession", "AdminUser", "AdminUserVillage",
           "ROLES", "ROLE_COMMUNE", "ROLE_PROVINCE", "ROLE_TEAM"]
