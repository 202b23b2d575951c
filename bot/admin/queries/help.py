"""Help requests: open and in-progress counts, answered ones, time to answer.

A request is a village's when its household is, or, from a citizen of no household, when they chose that village
(help_requests.village_id, actions/team/guest_help.py): `in_scope` and `village_of` count both.

The help desk (actions/team/helpdesk.py) sets `help_requests.taken_at` when a team member takes a request, in the
same transaction as its "taken" event in help_request_events: that is when a person answered.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, func, or_, select, true
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from bot.admin.period import as_utc
from bot.admin.queries.common import median_or_none
from bot.admin.scope import Scope
from bot.storage.help import HELP_OPEN, HELP_TAKEN, HelpRequest
from bot.storage.households import Household


def answered_condition():
    """SQL: a team member took the request (withdrawn before anyone took it is not answered)."""
    return HelpRequest.taken_at.is_not(None)


def in_scope(scope: Scope) -> ColumnElement[bool]:
    """SQL: the request's household is in scope, or a guest's chosen village is (everything: every request)."""
    if scope.everything:
        return true()
    return or_(scope.household_filter(HelpRequest.household_id),
               and_(HelpRequest.household_id.is_(None), scope.village_filter(HelpRequest.village_id)))


def village_of() -> ColumnElement[int]:
    """SQL: the request's village, its household's or a guest's chosen one (None: a guest who chose none);
    with households joined outer on the request's household."""
    return func.coalesce(Household.village_id, HelpRequest.village_id)


def open_count(session: Session, scope: Scope) -> int:
    """Requests waiting for a person."""
    return session.scalar(select(func.count()).select_from(HelpRequest).where(
        HelpRequest.status == HELP_OPEN, in_scope(scope))) or 0


def taken_count(session: Session, scope: Scope) -> int:
    """Requests a team member is answering now."""
    return session.scalar(select(func.count()).select_from(HelpRequest).where(
        HelpRequest.status == HELP_TAKEN, in_scope(scope))) or 0


def answer_times(session: Session, scope: Scope, start: datetime, end: datetime) -> list[float]:
    """Seconds from request to a team member taking it, for requests taken in [start, end)."""
    rows = session.execute(select(HelpRequest.created_at, HelpRequest.taken_at).where(
        HelpRequest.taken_at >= start, HelpRequest.taken_at < end, in_scope(scope))).all()
    return [answer_seconds(created, taken) for created, taken in rows if taken is not None]  # all: the WHERE


def answer_seconds(created: datetime, taken: datetime) -> float:
    return max(0.0, (as_utc(taken) - as_utc(created)).total_seconds())


def median_answer_seconds(session: Session, scope: Scope, start: datetime, end: datetime) -> float | None:
    return median_or_none(answer_times(session, scope, start, end))
