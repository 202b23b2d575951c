"""The overview: active members and households, messages per day, tutorials, not understood, help."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import case, distinct, func, select
from sqlalchemy.orm import Session

from bot.admin.messages import message
from bot.admin.period import day_key, local_day, start_of_local_day, today
from bot.admin.queries import help as help_requests
from bot.admin.queries.common import dialect
from bot.admin.scope import Scope
from bot.storage.conversations import ConversationLog
from bot.storage.households import Household, Member
from bot.storage.progress import TutorialRun

WINDOWS = ((message("overview.today"), 1), (message("overview.days_7"), 7), (message("overview.days_30"), 30))
CHART_DAYS = 30


@dataclass(frozen=True)
class Active:
    label: str
    days: int
    members: int
    households: int


@dataclass(frozen=True)
class Day:
    day: date
    messages: int
    text_messages: int
    not_understood: int


@dataclass(frozen=True)
class Overview:
    active: list[Active]
    days: list[Day]
    starts: dict[int, int]
    completions: dict[int, int]
    households: int
    households_linked: int
    help_open: int
    help_taken: int
    help_median_seconds: float | None

    @property
    def text_messages(self) -> int:
        return sum(d.text_messages for d in self.days)

    @property
    def not_understood(self) -> int:
        return sum(d.not_understood for d in self.days)

    @property
    def not_understood_share(self) -> float | None:
        return self.not_understood / self.text_messages if self.text_messages else None

    @property
    def messages(self) -> int:
        return sum(d.messages for d in self.days)


def _since(now: datetime, days: int) -> datetime:
    return start_of_local_day(today(now) - timedelta(days=days - 1))


def active(session: Session, scope: Scope, now: datetime) -> list[Active]:
    """Members and households active in each window, from each member's last turn (members.last_seen_at).

    Every turn moves last_seen_at, so "wrote in the window" is "last seen in the window": a count over
    the members table instead of distinct values over a month of log rows.
    """
    columns = []
    for _, days in WINDOWS:
        recent = Member.last_seen_at >= _since(now, days)
        columns.append(func.count(case((recent, Member.id))))
        columns.append(func.count(distinct(case((recent, Member.household_id)))))
    row = session.execute(select(*columns).where(
        Member.last_seen_at >= _since(now, max(d for _, d in WINDOWS)),
        scope.household_filter(Member.household_id))).one()
    return [Active(label, days, row[2 * i], row[2 * i + 1]) for i, (label, days) in enumerate(WINDOWS)]


def _range_counts(session: Session, first: date, days: int) -> list[tuple[int, int, int]]:
    """(messages, text messages, not understood) per day, each an index range count (no row is read)."""
    log = ConversationLog
    columns = []
    for offset in range(days):
        start = start_of_local_day(first + timedelta(days=offset))
        end = start_of_local_day(first + timedelta(days=offset + 1))
        during = (log.at >= start, log.at < end)
        text = (log.payload.is_(None), *during)
        columns += [select(func.count()).where(*during).scalar_subquery(),
                    select(func.count()).where(log.understood.is_(True), *text).scalar_subquery(),
                    select(func.count()).where(log.understood.is_(False), *text).scalar_subquery()]
    row = session.execute(select(*columns)).one()
    return [(row[3 * i], row[3 * i + 1] + row[3 * i + 2], row[3 * i + 2]) for i in range(days)]


def _grouped_counts(session: Session, scope: Scope, first: date, days: int) -> dict[str, tuple[int, int, int]]:
    """The same per day for a commune or team scope: one pass over its households' rows (covering index)."""
    log = ConversationLog
    day = local_day(log.at, dialect(session)).label("day")
    is_text = log.payload.is_(None)
    rows = session.execute(
        select(day, func.count(), func.sum(case((is_text, 1), else_=0)),
               func.sum(case((is_text & log.understood.is_(False), 1), else_=0)))
        .where(log.at >= start_of_local_day(first), scope.household_filter(log.household_id))
        .group_by(day)).all()
    return {day_key(r[0]): (int(r[1]), int(r[2] or 0), int(r[3] or 0)) for r in rows}


def per_day(session: Session, scope: Scope, now: datetime, days: int = CHART_DAYS) -> list[Day]:
    """Messages per Vietnamese day, with text messages and those not understood; every day listed."""
    first = today(now) - timedelta(days=days - 1)
    dates = [first + timedelta(days=offset) for offset in range(days)]
    if scope.everything:
        counts = _range_counts(session, first, days)
    else:
        grouped = _grouped_counts(session, scope, first, days)
        counts = [grouped.get(d.isoformat(), (0, 0, 0)) for d in dates]
    return [Day(d, *c) for d, c in zip(dates, counts)]


def tutorials(session: Session, scope: Scope, now: datetime) -> tuple[dict[int, int], dict[int, int]]:
    """Tutorial starts and completions for 7 and 30 days."""
    starts, completions = {}, {}
    for days in (7, 30):
        since = _since(now, days)
        starts[days] = session.scalar(select(func.count()).select_from(TutorialRun).where(
            TutorialRun.started_at >= since, scope.household_filter(TutorialRun.household_id))) or 0
        completions[days] = session.scalar(select(func.count()).select_from(TutorialRun).where(
            TutorialRun.completed_at >= since, scope.household_filter(TutorialRun.household_id))) or 0
    return starts, completions


def households(session: Session, scope: Scope) -> tuple[int, int]:
    """Households in scope, and those with at least one chat member linked."""
    total = session.scalar(select(func.count()).select_from(Household).where(
        scope.village_filter(Household.village_id))) or 0
    linked = session.scalar(select(func.count(distinct(Member.household_id))).where(
        Member.household_id.is_not(None), scope.household_filter(Member.household_id))) or 0
    return total, linked


def overview(session: Session, scope: Scope, now: datetime) -> Overview:
    starts, completions = tutorials(session, scope, now)
    total, linked = households(session, scope)
    return Overview(
        active=active(session, scope, now), days=per_day(session, scope, now),
        starts=starts, completions=completions, households=total, households_linked=linked,
        help_open=help_requests.open_count(session, scope), help_taken=help_requests.taken_count(session, scope),
        help_median_seconds=help_requests.median_answer_seconds(session, scope, _since(now, 30), now),
    )
