"""Tutorial progress: one run per member and tutorial, and its step events."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.storage.base import Base, utcnow
from bot.storage.households import Member

# TutorialRun.status: walking, stopped by the citizen (resumable), done, given up for another topic.
RUN_ACTIVE, RUN_PAUSED, RUN_COMPLETED, RUN_ABANDONED = "active", "paused", "completed", "abandoned"
RUN_UNFINISHED = (RUN_ACTIVE, RUN_PAUSED)


class TutorialRun(Base):
    """One walk of one member through one tutorial; progress counts for the household."""

    __tablename__ = "tutorial_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"), index=True)
    topic_id: Mapped[str] = mapped_column(String(64), index=True)
    step_index: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(16), default=RUN_ACTIVE)
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


# Completions and starts in a period, stuck runs; the funnel's furthest step per run (bot/admin/queries/).
Index("ix_tutorial_runs_completed_at", TutorialRun.completed_at)
Index("ix_tutorial_runs_started_at", TutorialRun.started_at)
Index("ix_tutorial_runs_status_updated_at", TutorialRun.status, TutorialRun.updated_at)
# Per household: "has completed one", "is stuck" (unfinished, untouched, that topic never completed).
Index("ix_tutorial_runs_household_status_topic", TutorialRun.household_id, TutorialRun.status,
      TutorialRun.topic_id, TutorialRun.updated_at)
Index("ix_step_events_run_id_step_index", StepEvent.run_id, StepEvent.step_index)
