"""In-person sessions ("buổi hỗ trợ cầm tay chỉ việc", issue 14 part 4): when and where a team meets a village's
households, which topics, who came and what worked; a team member's draft while scheduling one from chat.

Personal data: which households came to which session (and the platforms that worked for them there). Kept
while the household is listed; deleted with the household (bot/admin/privacy.py: every row pointing at it),
in its export and in a member's /dulieu and export (bot/people/member_data.py). What worked is also an outcome
row with source "team" (bot/storage/outcomes.py), erased with the member it names.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.base import Base, utcnow


class SupportSession(Base):
    """One session for a village: when (UTC, shown in the team's time zone), where, which topics."""

    __tablename__ = "support_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    village_id: Mapped[int] = mapped_column(ForeignKey("villages.id"))
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    place: Mapped[str] = mapped_column(String(200))  # free text: "Nhà văn hóa thôn Đông"
    topic_ids: Mapped[list[str]] = mapped_column(JSON, default=list)  # content topic ids
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # When the day-before reminders were queued (actions/team/session_reminders.py): once per session.
    reminded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Cancelled before it began (bot/people/support_sessions.py: cancel): no longer told to citizens nor
    # reminded; kept, so the admin page shows it was called off. Who cancelled it is in the audit log.
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    def __repr__(self) -> str:
        return f"SupportSession(id={self.id!r}, village_id={self.village_id!r}, starts_at={self.starts_at!r})"


class SessionAttendance(Base):
    """A household that came to a session, and the platforms that worked for it there (content/platforms.yml)."""

    __tablename__ = "support_session_attendance"
    __table_args__ = (UniqueConstraint("session_id", "household_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("support_sessions.id", ondelete="CASCADE"))
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    platforms: Mapped[list[str]] = mapped_column(JSON, default=list)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    def __repr__(self) -> str:
        return f"SessionAttendance(session_id={self.session_id!r}, household_id={self.household_id!r})"


class SessionDraft(Base):
    """A session being scheduled from chat (/buoihotro), one per team member; gone once confirmed or cancelled."""

    __tablename__ = "support_session_drafts"

    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), primary_key=True)
    village_id: Mapped[int] = mapped_column(ForeignKey("villages.id"))
    starts_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    place: Mapped[str | None] = mapped_column(String(200))
    topic_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    def __repr__(self) -> str:
        return f"SessionDraft(staff_id={self.staff_id!r}, village_id={self.village_id!r})"


# A village's next sessions (the citizen's question, the reminders' tick).
Index("ix_support_sessions_village_starts", SupportSession.village_id, SupportSession.starts_at)
Index("ix_support_sessions_starts_at", SupportSession.starts_at)
