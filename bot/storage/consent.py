"""Consent to the privacy notice (Law 91/2025/QH15): per chat identity and notice version, with its times.

Personal data: which chat identity (member) decided what about which notice, and when; nothing typed.
Kept while the member exists; deleted with the member (ON DELETE CASCADE, and by the household deletion
in bot/admin/privacy.py, which follows the foreign keys) and by the member's own erasure (/xoa).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from bot.storage.base import Base, utcnow

GIVEN, REFUSED, WITHDRAWN, ASKED = "given", "refused", "withdrawn", "asked"


class Consent(Base):
    """One member's answer to one version of the notice: asked, then given, refused ("not now") or withdrawn."""

    __tablename__ = "consents"
    __table_args__ = (UniqueConstraint("member_id", "notice_version", name="uq_consents_member_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    notice_version: Mapped[str] = mapped_column(String(32))
    asked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    given_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    refused_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    @property
    def state(self) -> str:
        """The latest decision; a withdrawal or refusal after a consent wins (silence is not consent)."""
        times = {GIVEN: self.given_at, REFUSED: self.refused_at, WITHDRAWN: self.withdrawn_at}
        decided = {k: v for k, v in times.items() if v is not None}
        return max(decided, key=lambda k: decided[k]) if decided else ASKED

    def __repr__(self) -> str:
        return f"Consent(member_id={self.member_id!r}, version={self.notice_version!r}, state={self.state!r})"


def current(session: Session, member_id: int, version: str) -> Consent | None:
    """The member's row for this notice version, if they were asked."""
    return session.scalars(select(Consent).where(
        Consent.member_id == member_id, Consent.notice_version == version)).first()


def given(session: Session, member_id: int, version: str) -> bool:
    row = current(session, member_id, version)
    return row is not None and row.state == GIVEN


def record(session: Session, member_id: int, version: str, state: str, now: datetime) -> Consent:
    """Note that the member was asked (ASKED) or decided (GIVEN, REFUSED, WITHDRAWN) now."""
    row = current(session, member_id, version)
    if row is None:
        row = Consent(member_id=member_id, notice_version=version, asked_at=now)
        session.add(row)
    if state == GIVEN:
        row.given_at = now
    elif state == REFUSED:
        row.refused_at = now
    elif state == WITHDRAWN:
        row.withdrawn_at = now
    session.flush()
    return row
