"""Time for the team feature: an injectable clock, local time, working minutes and quiet hours."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from typing import Callable
from zoneinfo import ZoneInfo

from bot.shared.team_settings import TeamSettings, parse_days, parse_spans

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(timezone.utc)


def aware(moment: datetime) -> datetime:
    """SQLite hands datetimes back naive; every stored time is UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)


def epoch(moment: datetime) -> float:
    return aware(moment).timestamp()


def _inside(moment: time, start: time, end: time) -> bool:
    if start <= end:
        return start <= moment < end
    return moment >= start or moment < end  # a span across midnight, like 21:00-07:00


@dataclass(frozen=True)
class LocalTime:
    """The settings' time zone, working hours and quiet hours."""

    zone: ZoneInfo
    working: tuple[tuple[time, time], ...]
    days: tuple[int, ...]
    quiet: tuple[tuple[time, time], ...]

    @classmethod
    def of(cls, settings: TeamSettings) -> "LocalTime":
        return cls(ZoneInfo(settings.timezone), parse_spans(settings.working_hours, "WORKING_HOURS"),
                   parse_days(settings.working_days, "WORKING_DAYS"), parse_spans(settings.quiet_hours, "QUIET_HOURS"))

    def local(self, moment: datetime) -> datetime:
        return aware(moment).astimezone(self.zone)

    def is_quiet(self, moment: datetime) -> bool:
        clock = self.local(moment).time()
        return any(_inside(clock, start, end) for start, end in self.quiet)

    def quiet_starts(self, moment: datetime) -> datetime:
        """The next start of quiet hours after `moment` (UTC)."""
        local = self.local(moment)
        candidates = []
        for start, _ in self.quiet:
            at = datetime.combine(local.date(), start, self.zone)
            if at <= local:
                at = datetime.combine(local.date() + timedelta(days=1), start, self.zone)
            candidates.append(at)
        return min(candidates).astimezone(timezone.utc)

    def quiet_ends(self, moment: datetime) -> datetime:
        """When the quiet hours `moment` falls in end (UTC); `moment` itself outside quiet hours."""
        local = self.local(moment)
        ends = []
        for start, end in self.quiet:
            if not _inside(local.time(), start, end):
                continue
            day = local.date() + timedelta(days=1) if start > end and local.time() >= start else local.date()
            ends.append(datetime.combine(day, end, self.zone))
        return max(ends).astimezone(timezone.utc) if ends else aware(moment)

    def working_minutes(self, start: datetime, end: datetime) -> float:
        """Minutes between two moments that fall inside working hours on working days."""
        start, end = self.local(start), self.local(end)
        total = 0.0
        day = start.date()
        while day <= end.date():
            if day.weekday() in self.days:
                for span_start, span_end in self.working:
                    a = max(start, datetime.combine(day, span_start, self.zone))
                    b = min(end, datetime.combine(day, span_end, self.zone))
                    if b > a:
                        total += (b - a).total_seconds() / 60
            day += timedelta(days=1)
        return total
