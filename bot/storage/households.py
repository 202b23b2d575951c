"""Households and their members (chat identities), and the indexes that scope them by place."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.storage.base import Base, utcnow
from bot.storage.places import Village

if TYPE_CHECKING:
    from bot.storage.progress import TutorialRun


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


# Scoping by place (bot/admin/queries/, bench/admin.py): households of some villages, members of some
# households; active members by last turn.
Index("ix_households_village_id", Household.village_id)
Index("ix_members_household_id", Member.household_id)
Index("ix_members_last_seen_at_household_id", Member.last_seen_at, Member.household_id)
