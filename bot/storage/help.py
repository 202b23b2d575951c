"""Help requests (a citizen asking for a person) and the log of their state changes."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.base import Base, utcnow

# HelpRequest.status: waiting for a team member, being helped (the relay), ended by either side.
HELP_OPEN, HELP_TAKEN, HELP_CLOSED = "open", "taken", "closed"


class HelpRequest(Base):
    """A citizen asking for a person, with the context a helper needs."""

    __tablename__ = "help_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"))
    # The village a citizen of no household chose, so its team gets the request (a household's is its own).
    # Personal data: cleared with the request's texts (retention, erasure).
    village_id: Mapped[int | None] = mapped_column(ForeignKey("villages.id"))
    topic_id: Mapped[str | None] = mapped_column(String(64))
    step_index: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default=HELP_OPEN)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # The person relay (actions/team/helpdesk.py); every change is also in help_request_events.
    last_messages: Mapped[str | None] = mapped_column(Text)  # JSON list of the citizen's last texts, redacted
    taken_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    taken_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    escalated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_by: Mapped[str | None] = mapped_column(String(16))  # citizen, helper

    def __repr__(self) -> str:
        return f"HelpRequest(id={self.id!r}, status={self.status!r})"


class HelpEvent(Base):
    """One state change of a help request: opened, notified, taken, passed, escalated, closed."""

    __tablename__ = "help_request_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    help_request_id: Mapped[int] = mapped_column(ForeignKey("help_requests.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    kind: Mapped[str] = mapped_column(String(16))
    team_member_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    detail: Mapped[str | None] = mapped_column(String(300))

    def __repr__(self) -> str:
        return f"HelpEvent(help_request_id={self.help_request_id!r}, kind={self.kind!r})"


# Per household and open ones (bot/admin/queries/help.py); a village's guests' (/hotro).
Index("ix_help_requests_household_id", HelpRequest.household_id)
Index("ix_help_requests_village_id", HelpRequest.village_id)
Index("ix_help_requests_status_created_at", HelpRequest.status, HelpRequest.created_at)
