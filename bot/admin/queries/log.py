"""The conversation log: filtered, paginated, exported; every filter a bound parameter.

Pages are sought, not skipped: "next" and "previous" carry a cursor (the last row's time and id) and read
50 rows from there on the (at, id) index, so page 3,000 costs what page 1 costs. A page number typed
by hand still works: it is counted from the nearer end, on the same index.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Iterator

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from bot.admin.period import as_utc, start_of_local_day
from bot.admin.queries.common import page_count
from bot.admin.scope import Scope
from bot.storage.conversations import ConversationLog
from bot.storage.households import Household

PAGE_SIZE = 50
CSV_BATCH = 2000
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


@dataclass(frozen=True)
class Cursor:
    """A row's place in the log's order (newest first): its time and id."""

    at: datetime
    id: int

    @classmethod
    def of(cls, at: datetime, id: int) -> "Cursor":
        return cls(as_utc(at), id)

    @classmethod
    def parse(cls, raw: str) -> "Cursor":
        """From `<microseconds since 1970>.<id>`; ValueError when malformed."""
        micros, _, id_ = raw.partition(".")
        if not (micros.isdigit() and id_.isdigit() and len(micros) <= 17 and len(id_) <= 18):
            raise ValueError(raw)
        return cls(EPOCH + timedelta(microseconds=int(micros)), int(id_))

    def __str__(self) -> str:
        delta = self.at - EPOCH
        return f"{(delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds}.{self.id}"


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
    after: Cursor | None = None  # the rows older than this one (the next page)
    before: Cursor | None = None  # the rows newer than this one (the previous page)


@dataclass(frozen=True)
class LogRow:
    id: int
    at: datetime  # the log row's time (ConversationLog.at)
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

    @property
    def first(self) -> Cursor | None:
        return Cursor.of(self.rows[0].at, self.rows[0].id) if self.rows else None

    @property
    def last(self) -> Cursor | None:
        return Cursor.of(self.rows[-1].at, self.rows[-1].id) if self.rows else None


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


def _older(c: Cursor):
    log = ConversationLog
    # `at <= c.at` first: a plain range on the index; the OR only settles ties at the same instant.
    return and_(log.at <= c.at, or_(log.at < c.at, log.id < c.id))


def _newer(c: Cursor):
    log = ConversationLog
    return and_(log.at >= c.at, or_(log.at > c.at, log.id > c.id))


def _page_ids(session: Session, where: list, f: LogFilter, total: int, page: int) -> tuple[list[int], int]:
    """The ids of one page, newest first, and the page number they make."""
    log = ConversationLog
    newest, oldest = (log.at.desc(), log.id.desc()), (log.at.asc(), log.id.asc())
    if f.after is not None:
        ids = list(session.scalars(select(log.id).where(*where, _older(f.after)).order_by(*newest)
                                   .limit(PAGE_SIZE)))
        if ids:
            return ids, page
    elif f.before is not None:
        ids = list(session.scalars(select(log.id).where(*where, _newer(f.before)).order_by(*oldest)
                                   .limit(PAGE_SIZE)))[::-1]
        if len(ids) == PAGE_SIZE:
            return ids, page
        page = 1  # back at the newest rows: show a whole first page
    skip = (page - 1) * PAGE_SIZE
    take = min(PAGE_SIZE, max(0, total - skip))
    if skip <= total - skip - take:
        ids = list(session.scalars(select(log.id).where(*where).order_by(*newest).limit(PAGE_SIZE).offset(skip)))
    else:
        # Nearer the oldest end: count from there (the last page is a short read, not a walk of every row).
        ids = list(session.scalars(select(log.id).where(*where).order_by(*oldest).limit(take)
                                   .offset(total - skip - take)))[::-1]
    return ids, page


def log_page(session: Session, scope: Scope, f: LogFilter) -> LogPage:
    log = ConversationLog
    where = conditions(f, scope)
    total = session.scalar(select(func.count()).select_from(log).where(*where)) or 0
    pages = page_count(total, PAGE_SIZE)
    ids, page = _page_ids(session, where, f, total, min(f.page, pages))
    rows = session.execute(
        select(*_columns()).outerjoin(Household, Household.id == log.household_id)
        .where(log.id.in_(ids)).order_by(log.at.desc(), log.id.desc())).all() if ids else []
    return LogPage([LogRow(*r) for r in rows], total, min(page, pages), pages)


def log_rows(session: Session, scope: Scope, f: LogFilter) -> Iterator[LogRow]:
    """Every matching row, newest first, streamed in batches (CSV export)."""
    result = session.execute(_rows_query(f, scope).execution_options(yield_per=CSV_BATCH))
    for row in result:
        yield LogRow(*row)
