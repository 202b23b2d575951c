"""Definitions shared by several pages: what "stuck" means, the dialect, medians, page counts."""
from __future__ import annotations

from datetime import datetime, timedelta
from statistics import median

from sqlalchemy import and_, exists, select
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql import ColumnElement

from bot.storage.progress import RUN_COMPLETED, RUN_UNFINISHED, TutorialRun

# A household is stuck when one of its tutorials was left unfinished this long ago and not finished since.
STUCK_AFTER = timedelta(days=7)
UNFINISHED = RUN_UNFINISHED


def dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def stuck_condition(household_id, now: datetime) -> ColumnElement[bool]:
    """EXISTS an unfinished run of the household untouched for STUCK_AFTER, its topic never completed."""
    run, done = aliased(TutorialRun), aliased(TutorialRun)
    completed_later = exists(select(done.id).where(
        done.household_id == run.household_id, done.topic_id == run.topic_id, done.status == RUN_COMPLETED))
    return exists(select(run.id).where(
        run.household_id == household_id, run.status.in_(UNFINISHED), run.updated_at < now - STUCK_AFTER,
        ~completed_later))


def completed_condition(household_id) -> ColumnElement[bool]:
    run = aliased(TutorialRun)
    return exists(select(run.id).where(and_(run.household_id == household_id, run.status == RUN_COMPLETED)))


def median_or_none(values: list[float]) -> float | None:
    return median(values) if values else None


def page_count(total: int, page_size: int) -> int:
    """Pages needed for `total` rows; at least one (an empty list is one empty page)."""
    return max(1, -(-total // page_size))
