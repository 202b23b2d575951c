"""Query-string and form values checked on the server: anything unexpected is a 400, never SQL."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from starlette.datastructures import ImmutableMultiDict

from bot.admin.errors import BadRequest
from bot.admin.messages import message
from bot.admin.period import Month
from bot.admin.queries.households import STATUSES, HouseholdFilter
from bot.admin.queries.log import Cursor, LogFilter
from content.loader import Catalog

_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_CHANNEL = re.compile(r"^[a-z][a-z0-9_]{0,15}$")
_HOUSEHOLD_CODE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MAX_PAGE = 100_000
MAX_SEARCH = 100
# Periods offered on pages that look back: days, or None for all time.
PERIODS = {"7": 7, "30": 30, "90": 90, "365": 365, "all": None}


def _one(params: ImmutableMultiDict, name: str) -> str:
    values = params.getlist(name)
    if len(values) > 1:
        raise BadRequest(message("filters.repeated", name=name))
    return values[0].strip() if values else ""


def only(params: ImmutableMultiDict, allowed: set[str]) -> None:
    unknown = sorted(set(params.keys()) - allowed)
    if unknown:
        raise BadRequest(message("filters.unsupported", names=", ".join(unknown[:5])))


def integer(params, name: str, minimum: int = 1, maximum: int = 2**31 - 1, default: int | None = None) -> int | None:
    raw = _one(params, name)
    if not raw:
        return default
    if not raw.isdigit() or len(raw) > 10 or not minimum <= int(raw) <= maximum:
        raise BadRequest(message("filters.integer", name=name, minimum=minimum, maximum=maximum))
    return int(raw)


def page(params) -> int:
    return integer(params, "page", 1, MAX_PAGE) or 1


def day(params, name: str) -> date | None:
    raw = _one(params, name)
    if not raw:
        return None
    try:
        if not _DATE.match(raw):
            raise ValueError(raw)
        value = date.fromisoformat(raw)
    except ValueError:
        raise BadRequest(message("filters.date", name=name)) from None
    if not date(2000, 1, 1) <= value <= date(2100, 12, 31):
        raise BadRequest(message("filters.date_range", name=name))
    return value


def confidence(params, name: str) -> float | None:
    raw = _one(params, name)
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        raise BadRequest(message("filters.confidence", name=name)) from None
    if not 0.0 <= value <= 1.0:  # also refuses nan and inf
        raise BadRequest(message("filters.confidence", name=name))
    return value


def flag(params, name: str) -> bool:
    raw = _one(params, name)
    if raw not in ("", "1", "on", "true"):
        raise BadRequest(message("filters.flag", name=name))
    return raw != ""


def pattern(params, name: str, regex: re.Pattern) -> str | None:
    raw = _one(params, name)
    if not raw:
        return None
    if not regex.match(raw):
        raise BadRequest(message("filters.pattern", name=name))
    return raw


def topic(params, name: str, catalog: Catalog, required: bool = False) -> str | None:
    raw = _one(params, name)
    if not raw:
        if required:
            raise BadRequest(message("filters.topic_required"))
        return None
    if raw not in catalog.topics:
        raise BadRequest(message("filters.topic_unknown", topic=raw[:64]))
    return raw


def period(params, now: datetime, default: str = "30") -> tuple[str, datetime | None]:
    raw = _one(params, "period") or default
    if raw not in PERIODS:
        raise BadRequest(message("filters.period", periods=", ".join(PERIODS)))
    days = PERIODS[raw]
    return raw, (now - timedelta(days=days) if days else None)


def month(params, now: datetime) -> Month:
    raw = _one(params, "month")
    if not raw:
        return Month.of(now)
    try:
        return Month.parse(raw)
    except ValueError:
        raise BadRequest(message("filters.month")) from None


def text(params, name: str, max_length: int = MAX_SEARCH) -> str:
    raw = " ".join(_one(params, name).split())
    if len(raw) > max_length or any(ord(c) < 32 for c in raw):
        raise BadRequest(message("filters.text", name=name, max_length=max_length))
    return raw


LOG_PARAMS = {"from", "to", "channel", "topic", "intent", "min_conf", "max_conf", "not_understood",
              "household", "page", "after", "before"}


def cursor(params, name: str) -> Cursor | None:
    raw = _one(params, name)
    if not raw:
        return None
    try:
        return Cursor.parse(raw)
    except (ValueError, OverflowError):
        raise BadRequest(message("filters.invalid", name=name)) from None


def log_filter(params, catalog: Catalog) -> LogFilter:
    only(params, LOG_PARAMS)
    f = LogFilter(
        start=day(params, "from"), end=day(params, "to"),
        channel=pattern(params, "channel", _CHANNEL), topic=topic(params, "topic", catalog),
        intent=pattern(params, "intent", _NAME),
        min_confidence=confidence(params, "min_conf"), max_confidence=confidence(params, "max_conf"),
        not_understood=flag(params, "not_understood"),
        household=pattern(params, "household", _HOUSEHOLD_CODE), page=page(params),
        after=cursor(params, "after"), before=cursor(params, "before"))
    if f.after and f.before:
        raise BadRequest(message("filters.after_and_before"))
    if f.start and f.end and f.start > f.end:
        raise BadRequest(message("filters.dates_reversed"))
    if f.min_confidence is not None and f.max_confidence is not None and f.min_confidence > f.max_confidence:
        raise BadRequest(message("filters.confidences_reversed"))
    return f


HOUSEHOLD_PARAMS = {"commune", "village", "q", "status", "page", "deleted"}


def household_filter(params) -> HouseholdFilter:
    only(params, HOUSEHOLD_PARAMS)
    status = _one(params, "status")
    if status and status not in STATUSES:
        raise BadRequest(message("filters.status"))
    return HouseholdFilter(commune_id=integer(params, "commune"), village_id=integer(params, "village"),
                           q=text(params, "q"), status=status, page=page(params))


def household_code(params, name: str) -> str | None:
    return pattern(params, name, _HOUSEHOLD_CODE)
