"""Jinja2 filters for Vietnamese readers: numbers with dots, dd/mm/yyyy dates in Vietnam's time."""
from __future__ import annotations

from datetime import date, datetime

from jinja2 import Environment

from bot.admin.messages import message
from bot.admin.period import local
from bot.redact import redact


def number(value) -> str:
    if value is None:
        return "–"
    return f"{value:,.0f}".replace(",", ".")


def percent(value, digits: int = 0) -> str:
    if value is None:
        return "–"
    return f"{100 * value:.{digits}f}%".replace(".", ",")


def when(value: datetime | None) -> str:
    value = local(value)
    return value.strftime("%d/%m/%Y %H:%M") if value else "–"


def day(value: date | datetime | None) -> str:
    if value is None:
        return "–"
    if isinstance(value, datetime):
        value = local(value).date()
    return value.strftime("%d/%m/%Y")


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    minutes = round(seconds / 60)
    if minutes < 60:
        return message("duration.minutes", minutes=minutes)
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return message("duration.hours_minutes", hours=hours, minutes=minutes) if minutes \
            else message("duration.hours", hours=hours)
    return message("duration.days_hours", days=hours // 24, hours=hours % 24)


def confidence(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}".replace(".", ",")


def shown(text: str | None) -> str:
    """Citizen text for staff eyes: redacted again on display (defence in depth)."""
    return redact(text) or ""


def install(env: Environment) -> None:
    env.filters.update(number=number, percent=percent, when=when, day=day, duration=duration,
                       confidence=confidence, shown=shown)
