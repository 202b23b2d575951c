"""The team feature's settings (part of bot.settings.Settings as `team`), read from the environment."""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import time

_SPAN = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")
ZALO_REMINDER_MARGIN_HOURS = 12.0  # more than a night of quiet hours: a due reminder still makes the window
_DAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}


def parse_spans(value: str, name: str) -> tuple[tuple[time, time], ...]:
    """`07:30-11:30,13:30-17:00` -> ((07:30, 11:30), (13:30, 17:00)); a clear error otherwise."""
    spans = []
    for part in value.split(","):
        match = _SPAN.match(part)
        if not match:
            raise ValueError(f"{name}: {part.strip()!r} is not a span like 07:30-11:30")
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        if h1 > 23 or h2 > 24 or m1 > 59 or m2 > 59:
            raise ValueError(f"{name}: {part.strip()!r} is not a time of day")
        spans.append((time(h1, m1), time(min(h2, 23), 59 if h2 == 24 else m2)))
    return tuple(spans)


def parse_days(value: str, name: str) -> tuple[int, ...]:
    """`mon-fri` or `mon,tue,sat` -> weekday numbers (Monday 0)."""
    days: list[int] = []
    for part in value.lower().replace(" ", "").split(","):
        first, _, last = part.partition("-")
        if first not in _DAYS or (last and last not in _DAYS):
            raise ValueError(f"{name}: {part!r} is not a day or range like mon-fri")
        days += list(range(_DAYS[first], _DAYS[last or first] + 1))
    return tuple(sorted(set(days)))


@dataclass(frozen=True)
class TeamSettings:
    timezone: str = "Asia/Ho_Chi_Minh"
    # Outbox sender: Telegram allows about 30 messages a second overall and 1 a second per chat.
    telegram_rate: float = 30.0
    zalo_rate: float = 10.0
    chat_interval: float = 1.0
    rate_headroom: float = 0.96  # aim a little under the limit: timing jitter never pushes it over
    outbox_concurrency: int = 16
    outbox_poll: float = 0.2  # seconds between looks at an empty outbox
    outbox_lease: float = 60.0  # seconds a claim lives; longer than any request (PTB's timeouts: 5+5+5 s)
    outbox_max_attempts: int = 8
    zalo_window_hours: float = 48.0  # Zalo lets an OA write only this long after the citizen's last message
    # Help requests: escalated to the commune's admins when nobody takes them in time (working time only).
    help_escalate_minutes: float = 30.0
    working_hours: str = "07:30-11:30,13:30-17:00"
    working_days: str = "mon-fri"
    # Reminders about unfinished tutorials.
    reminder_delay_hours: float = 48.0
    # Zalo lets an OA write only within zalo_window_hours of the citizen's last message: a Zalo household
    # is reminded after this delay instead, and never later than the window less ZALO_REMINDER_MARGIN_HOURS
    # (a reminder due at night still goes out the next morning, inside the window).
    zalo_reminder_delay_hours: float = 24.0
    reminder_max: int = 2
    # After a "later" at a tutorial's end, the member is asked once, this many days later, whether it worked.
    outcome_reminder_days: float = 3.0
    quiet_hours: str = "21:00-07:00"
    tick_seconds: float = 60.0  # how often `camtay run` escalates untaken requests and queues due reminders
    link_code_days: int = 7  # how long a team member's one-time link code works
    # Wrong join codes (and team link codes) allowed in join_code_window_minutes, per chat identity and per
    # client address (the web chat's; Telegram and Zalo give none); then even the right code waits.
    join_code_max_wrong_per_chat: int = 5
    join_code_max_wrong_per_address: int = 20
    join_code_window_minutes: float = 60.0
    # Keys the hashes of chat identities and addresses in join_attempts (bot/services.py derives it from
    # the admin secret): an address space as small as IPv4's cannot be hashed back without it.
    attempt_key: bytes = field(default=b"", repr=False)
    # Keys the reference /dulieu shows a citizen, which the commune office types to find them
    # (bot/people/member_data.py); derived from the admin secret by bot/services.py, like attempt_key.
    reference_key: bytes = field(default=b"", repr=False)
    # Retention (Law 91/2025/QH15): what citizens typed is blanked by the tick after this many days; help
    # requests' last messages this many days after the request closed; at most retention_batch rows a tick.
    log_retention_days: int = 90
    help_text_retention_days: int = 30
    retention_batch: int = 1000
    # Only for the tests of other features: every chat counts as having agreed to the privacy notice and is
    # never shown it. Deliberately not read from the environment: in a deployment consent is always asked.
    presumed_consent: bool = False

    def __post_init__(self):
        if self.reminder_delay_hours <= 0 or self.zalo_reminder_delay_hours <= 0 or self.reminder_max < 0 \
                or self.tick_seconds <= 0 or self.outcome_reminder_days <= 0:
            raise ValueError("REMINDER_DELAY_HOURS, ZALO_REMINDER_DELAY_HOURS, OUTCOME_REMINDER_DAYS and TEAM_TICK_SECONDS must be above 0, "
                             "REMINDER_MAX not below 0")
        if self.join_code_max_wrong_per_chat < 1 or self.join_code_max_wrong_per_address < 1 \
                or not 0 < self.join_code_window_minutes <= 24 * 60:
            raise ValueError("JOIN_CODE_MAX_WRONG_PER_CHAT and JOIN_CODE_MAX_WRONG_PER_ADDRESS must be 1 or more, "
                             "JOIN_CODE_WINDOW_MINUTES above 0 and at most 1440 (attempts are kept a day)")
        if self.log_retention_days < 1 or self.help_text_retention_days < 0 or self.retention_batch < 1:
            raise ValueError("LOG_RETENTION_DAYS and RETENTION_BATCH must be at least 1, "
                             "HELP_TEXT_RETENTION_DAYS not below 0 (set them in .env)")
        parse_spans(self.working_hours, "WORKING_HOURS")
        parse_days(self.working_days, "WORKING_DAYS")
        parse_spans(self.quiet_hours, "QUIET_HOURS")

    @classmethod
    def from_env(cls, env: dict[str, str]) -> "TeamSettings":
        names = {
            "telegram_rate": ("TELEGRAM_RATE_LIMIT", float), "zalo_rate": ("ZALO_RATE_LIMIT", float),
            "chat_interval": ("CHAT_MESSAGE_INTERVAL", float), "rate_headroom": ("OUTBOX_RATE_HEADROOM", float),
            "outbox_concurrency": ("OUTBOX_CONCURRENCY", int), "outbox_poll": ("OUTBOX_POLL_SECONDS", float),
            "outbox_lease": ("OUTBOX_LEASE_SECONDS", float),
            "outbox_max_attempts": ("OUTBOX_MAX_ATTEMPTS", int),
            "zalo_window_hours": ("ZALO_WINDOW_HOURS", float),
            "help_escalate_minutes": ("HELP_ESCALATE_MINUTES", float),
            "working_hours": ("WORKING_HOURS", str), "working_days": ("WORKING_DAYS", str),
            "reminder_delay_hours": ("REMINDER_DELAY_HOURS", float), "reminder_max": ("REMINDER_MAX", int),
            "zalo_reminder_delay_hours": ("ZALO_REMINDER_DELAY_HOURS", float),
            "outcome_reminder_days": ("OUTCOME_REMINDER_DAYS", float),
            "quiet_hours": ("QUIET_HOURS", str), "timezone": ("TIMEZONE", str),
            "link_code_days": ("TEAM_LINK_CODE_DAYS", int), "tick_seconds": ("TEAM_TICK_SECONDS", float),
            "join_code_max_wrong_per_chat": ("JOIN_CODE_MAX_WRONG_PER_CHAT", int),
            "join_code_max_wrong_per_address": ("JOIN_CODE_MAX_WRONG_PER_ADDRESS", int),
            "join_code_window_minutes": ("JOIN_CODE_WINDOW_MINUTES", float),
            "log_retention_days": ("LOG_RETENTION_DAYS", int),
            "help_text_retention_days": ("HELP_TEXT_RETENTION_DAYS", int),
            "retention_batch": ("RETENTION_BATCH", int),
        }
        values = {}
        for field_name, (env_name, kind) in names.items():
            raw = env.get(env_name)
            if raw:
                try:
                    values[field_name] = kind(raw)
                except ValueError:
                    raise ValueError(f"{env_name}: {raw!r} is not a {kind.__name__}") from None
        return cls(**values)

    def with_(self, **changes) -> "TeamSettings":
        return replace(self, **changes)

    def reminder_delay_hours_for(self, channel: str) -> float:
        """How long after a citizen stopped they are reminded: on Zalo, early enough to be inside the window."""
        if channel != "zalo":
            return self.reminder_delay_hours
        return max(1.0, min(self.zalo_reminder_delay_hours, self.zalo_window_hours - ZALO_REMINDER_MARGIN_HOURS))

    def rate(self, channel: str) -> float:
        return self.zalo_rate if channel == "zalo" else self.telegram_rate
