"""Help requests as the core table has them: open count, answered count, median time to answer.

The help-request flow (team feature) records when a helper took a request (`help_requests.taken_at`);
`answered_at_column` finds it when present (or an `answered_at`), so this works with and without it.
TODO(team feature): if the answer time moves to help_request_events, return that (joined) here and
every page follows.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.admin.period import as_utc
from bot.admin.queries.common import median_or_none
from bot.admin.scope import Scope
from bot.storage.models import HelpRequest

OPEN = "open"


def answered_at_column():
    """When a person answered the request: `answered_at`, else `taken_at` (a helper took it), else None."""
    columns = HelpRequest.__table__.c
    return columns.get("answered_at", columns.get("taken_at"))


def answered_condition():
    """SQL: the request was answered by a person."""
    column = answered_at_column()
    return column.is_not(None) if column is not None else HelpRequest.status != OPEN


def open_count(session: Session, scope: Scope) -> int:
    return session.scalar(select(func.count()).select_from(HelpRequest).where(
        HelpRequest.status == OPEN, scope.household_filter(HelpRequest.household_id))) or 0


def answer_times(session: Session, scope: Scope, start: datetime, end: datetime) -> list[float] | None:
    """Seconds from request to answer, for requests answered in [start, end); None when not tracked."""
    answered_at = answered_at_column()
    if answered_at is None:
        return None
    query = select(HelpRequest.created_at, answered_at).where(
        answered_at.is_not(None), answered_at >= start, answered_at < end,
        scope.household_filter(HelpRequest.household_id))
    rows = session.execute(query).all()
    return [(as_utc(a) - as_utc(c)).total_seconds() for c, a in rows]


def median_answer_seconds(session: Session, scope: Scope, start: datetime, end: datetime) -> float | None:
    times = answer_times(session, scope, start, end)
    return median_or_none(times) if times is not None else None


def tracked() -> bool:
    return answered_at_column() is not None
