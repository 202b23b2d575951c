"""Help requests: open and in-progress counts, answered ones, time to answer.

The help desk (actions/team/helpdesk.py) sets `help_requests.taken_at` when a team member takes a request, in the
same transaction as its "taken" event in help_request_events: that is when a person answered.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.admin.period import as_utc
from bot.admin.queries.common import median_or_none
from bot.admin.scope import Scope
from bot.storage.help import HELP_OPEN, HELP_TAKEN, HelpRequest


def answered_condition():
    """SQL: a team member took the request (withdrawn before anyone took it is not answered)."""
    return HelpRequest.taken_at.is_not(None)


def open_count(session: Session, scope: Scope) -> int:
    """Requests waiting for a person."""
    return session.scalar(select(func.count()).select_from(HelpRequest).where(
        HelpRequest.status == HELP_OPEN, scope.household_filter(HelpRequest.household_id))) or 0


def taken_count(session: Session, scope: Scope) -> int:
    """Requests a team member is answering now."""
    return session.scalar(select(func.count()).select_from(HelpRequest).where(
        HelpRequest.status == HELP_TAKEN, scope.household_filter(HelpRequest.household_id))) or 0


def answer_times(session: Session, scope: Scope, start: datetime, end: datetime) -> list[float]:
    """Seconds from request to a team member taking it, for requests taken in [start, end)."""
    rows = session.execute(select(HelpRequest.created_at, HelpRequest.taken_at).where(
        HelpRequest.taken_at >= start, HelpRequest.taken_at < end,
        scope.household_filter(HelpRequest.household_id))).all()
    return [answer_seconds(created, taken) for created, taken in rows if taken is not None]  # all: the WHERE


def answer_seconds(created: datetime, taken: datetime) -> float:
    return max(0.0, (as_utc(taken) - as_utc(created)).total_seconds())


def median_answer_seconds(session: Session, scope: Scope, start: datetime, end: datetime) -> float | None:
    return median_or_none(answer_times(session, scope, start, end))
