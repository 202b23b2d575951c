"""Time for the admin pages: Vietnam's local day (UTC+7, no daylight saving), months, SQL day buckets."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import overload

from sqlalchemy import func
from sqlalchemy.sql import ColumnElement

from bot.admin.messages import message

VN = timezone(timedelta(hours=7), "ICT")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@overload
def as_utc(value: datetime) -> datetime: ...
@overload
def as_utc(value: None) -> None: ...
def as_utc(value: datetime | None) -> datetime | None:
    """A stored time as aware UTC (SQLite hands back naive UTC)."""
    if value is None:
        return None
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


@overload
def local(value: datetime) -> datetime: ...
@overload
def local(value: None) -> None: ...
def local(value: datetime | None) -> datetime | None:
    value = as_utc(value)
    return value.astimezone(VN) if value else None


def start_of_local_day(day: date) -> datetime:
    """The UTC instant a Vietnamese day starts."""
    return datetime.combine(day, time(), VN).astimezone(timezone.utc)


def today(now: datetime) -> date:
    return now.astimezone(VN).date()


def local_day(column, dialect: str) -> ColumnElement:
    """The Vietnamese calendar day of a UTC timestamp column, as SQL."""
    if dialect == "postgresql":
        return func.date(func.timezone("Asia/Ho_Chi_Minh", column))
    return func.date(column, "+7 hours")


def local_month(column, dialect: str) -> ColumnElement:
    """The Vietnamese calendar month of a UTC timestamp column, as SQL text 'YYYY-MM' (as str(Month))."""
    if dialect == "postgresql":
        return func.to_char(func.timezone("Asia/Ho_Chi_Minh", column), "YYYY-MM")
    return func.strftime("%Y-%m", column, "+7 hours")


def day_key(value) -> str:
    """SQLite gives 'YYYY-MM-DD' strings, PostgreSQL dates: one key for both."""
    return value.isoformat() if isinstance(value, date) else str(value)


def add_months(day: date, months: int) -> date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


@dataclass(frozen=True)
class Month:
    """One calendar month in Vietnam, with its UTC bounds [start, end)."""

    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> "Month":
        match = _MONTH.match(text or "")
        if not match or not 1 <= int(match.group(2)) <= 12 or not 2000 <= int(match.group(1)) <= 2100:
            raise ValueError(f"not a month like 2026-11: {text!r}")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def of(cls, now: datetime) -> "Month":
        day = today(now)
        return cls(day.year, day.month)

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def start(self) -> datetime:
        return start_of_local_day(self.first_day)

    @property
    def end(self) -> datetime:
        return start_of_local_day(add_months(self.first_day, 1))

    def previous(self) -> "Month":
        day = add_months(self.first_day, -1)
        return Month(day.year, day.month)

    def next(self) -> "Month":
        day = add_months(self.first_day, 1)
        return Month(day.year, day.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def label(self) -> str:
        return message("period.month", month=self.month, year=self.year)
