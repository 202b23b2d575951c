"""Outcomes: whether a tutorial worked for the citizen, and so which platforms a household now has (issue 14).

Personal data: which member (and the household they belonged to then) says they now have which platform (or
that it did not work, at which step, or that they will try later), and when. Deleted with the member's
erasure (bot/people/erasure.py: every outcome of theirs goes) and with their household
(bot/admin/privacy.py: outcomes are among the rows the household owns). /dulieu lists them
(bot/people/member_data.py).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.base import Base, utcnow

# Outcome.result: it worked (the household now has the platform), it did not (at `step_index`), try later.
OUTCOME_DONE, OUTCOME_FAILED, OUTCOME_LATER = "done", "failed", "later"
OUTCOME_RESULTS = (OUTCOME_DONE, OUTCOME_FAILED, OUTCOME_LATER)
# Outcome.source: said by the citizen at the end of a tutorial, or recorded by a team member (in person).
SOURCE_CITIZEN, SOURCE_TEAM = "citizen", "team"


class Outcome(Base):
    """One answer to "did it work?" after a tutorial; one per run (a second answer changes it)."""

    __tablename__ = "outcomes"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"))  # the member's, at the time
    run_id: Mapped[int | None] = mapped_column(ForeignKey("tutorial_runs.id"), index=True)
    topic_id: Mapped[str] = mapped_column(String(64))
    platform: Mapped[str | None] = mapped_column(String(64))  # content/platforms.yml; None: the topic brings none
    result: Mapped[str] = mapped_column(String(16))
    step_index: Mapped[int | None] = mapped_column(Integer)  # where it did not work (result "failed")
    source: Mapped[str] = mapped_column(String(16), default=SOURCE_CITIZEN)
    # The team member who recorded it (source "team"); None for a citizen's own answer.
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    def __repr__(self) -> str:
        return f"Outcome(id={self.id!r}, topic={self.topic_id!r}, result={self.result!r})"


# The platforms a household has (the household page), and households per platform.
Index("ix_outcomes_household_result_platform", Outcome.household_id, Outcome.result, Outcome.platform)
