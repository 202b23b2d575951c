"""The conversation log: filtered, paginated, exported; every filter a bound parameter."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Iterator

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.admin.period import start_of_local_day
from bot.admin.scope import Scope
from bot.storage.models import ConversationLog, Household

PAGE_SIZE = 50
CSV_BATCH = 2000


@dataclass(frozen=True)
class LogFilter:
    start: date | None = None
    end: date | None = None  # inclusive
    channel: str | None = None
    topic: str | None = None
    intent: str | None = None
    min_confidence: float | None = None
    max_confidence: float | None = None
    not_understood: bool = False
    household: str | None = None  # a household code
    page: int = 1


@dataclass(frozen=True)
class LogRow:
    id: int
    at: object
    channel: str
    household_code: str | None
    text: str | None
    payload: str | None
    intent: str | None
    confidence: float | None
    topic_id: str | None
    understood: bool
    replies: str | None
    latency_ms: float | None


@dataclass(frozen=True)
class LogPage:
    rows: list[LogRow]
    total: int
    page: int
    pages: int


def conditions(f: LogFilter, scope: Scope) -> list:
    log = ConversationLog
    where = [scope.household_filter(log.household_id)]
    if f.start is not None:
        where.append(log.at >= start_of_local_day(f.start))
    if f.end is not None:
        where.append(log.at < start_of_local_day(f.end + timedelta(days=1)))
    if f.channel:
        where.append(log.channel == f.channel)
    if f.topic:
        where.append(log.topic_id == f.topic)
    if f.intent:
        where.append(log.intent == f.intent)
    if f.min_confidence is not None:
        where.append(log.confidence >= f.min_confidence)
    if f.max_confidence is not None:
        where.append(log.confidence <= f.max_confidence)
    if f.not_understood:
        # Text the assistant did not understand (a stale button is not a question).
        where += [log.understood.is_(False), log.payload.is_(None)]
    if f.household:
        where.append(log.household_id == select(Household.id).where(Household.code == f.household)
                     .scalar_subquery())
    return where


def _columns():
    log = ConversationLog
    return (log.id, log.at, log.channel, Household.code, log.text, log.payload, log.intent, log.confidence,
            log.topic_id, log.understood, log.replies, log.latency_ms)


def _rows_query(f: LogFilter, scope: Scope):
    log = ConversationLog
    return (select(*_columns()).outerjoin(Household, Household.id == log.household_id)
            .where(*conditions(f, scope)).order_by(log.at.desc(), log.id.desc()))


def log_page(session: Session, scope: Scope, f: LogFilter) -> LogPage:
    log = ConversationLog
    where = conditions(f, scope)
    total = session.scalar(select(func.count()).select_from(log).where(*where)) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(f.page, pages)
    # Page through ids only (an index holds them), then read the page's rows: a deep page stays cheap.
    ids = (select(log.id).where(*where).order_by(log.at.desc(), log.id.desc())
           .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).scalar_subquery()
    rows = session.execute(
        select(*_columns()).outerjoin(Household, Household.id == log.household_id)
        .where(log.id.in_(ids)).order_by(log.at.desc(), log.id.desc())).all()
    return LogPage([LogRow(*r) for r in rows], total, page, pages)


def log_rows(session: Session, scope: Scope, f: LogFilter) -> Iterator[LogRow]:
    """Every matching row, newest first, streamed in batches (CSV export)."""
    result = session.execute(_rows_query(f, scope).execution_options(yield_per=CSV_BATCH))
    for row in result:
        yield LogRow(*row)
