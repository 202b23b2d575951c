"""Ratings: one tap after an answer or at a tutorial's end, helpful or not, and why not (issue 14).

Personal data: which member (and the household they belonged to then, for the admin's scope) found which
topic helpful or not, the reason code they tapped, and when; never a word they typed. Deleted with the
member's erasure (bot/people/erasure.py) and with their household (bot/admin/privacy.py); /dulieu counts
them (bot/people/member_data.py).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.base import Base, utcnow

# Rating.reason, tapped after "not helpful" (the words of each are button labels in content/templates/buttons.yml).
REASONS = ("unclear", "wrong", "not-asked", "too-long", "other")


class Rating(Base):
    """One citizen's tap: was this topic's answer or tutorial helpful."""

    __tablename__ = "ratings"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"))  # the member's, at the time
    topic_id: Mapped[str] = mapped_column(String(64))
    helpful: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str | None] = mapped_column(String(16))  # one of REASONS, only when not helpful
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    def __repr__(self) -> str:
        return f"Rating(id={self.id!r}, topic={self.topic_id!r}, helpful={self.helpful!r})"


# The share by topic in a period, scoped by household (bot/admin/queries/ratings.py).
Index("ix_ratings_at_topic", Rating.at, Rating.topic_id)
Index("ix_ratings_household_id", Rating.household_id)
