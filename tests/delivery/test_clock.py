"""Working minutes and quiet hours in Asia/Ho_Chi_Minh; settings that say clearly what is wrong."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from bot.delivery.clock import LocalTime
from bot.settings import Settings
from bot.shared.team_settings import TeamSettings

LOCAL = LocalTime.of(TeamSettings())


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


@pytest.mark.parametrize("start, end, minutes", [
    (utc(2026, 3, 9, 1, 0), utc(2026, 3, 9, 1, 30), 30),     # Monday 08:00-08:30
    (utc(2026, 3, 9, 4, 0), utc(2026, 3, 9, 6, 0), 30),      # 11:00-13:00: lunch (11:30-13:30) does not count
    (utc(2026, 3, 6, 9, 30), utc(2026, 3, 9, 1, 0), 60),     # Friday 16:30 to Monday 08:00
    (utc(2026, 3, 9, 11, 0), utc(2026, 3, 9, 23, 0), 0),     # Monday 18:00 to Tuesday 06:00
])
def test_working_minutes(start, end, minutes):
    assert LOCAL.working_minutes(start, end) == pytest.approx(minutes)


def test_team_settings_from_the_environment():
    settings = Settings.from_env(**{})  # the real environment: defaults
    assert settings.team.quiet_hours == "21:00-07:00"
    assert (settings.team.reminder_delay_hours, settings.team.reminder_max) == (48.0, 2)  # two days, twice
    assert (settings.team.help_escalate_minutes, settings.team.timezone) == (30.0, "Asia/Ho_Chi_Minh")
    team = TeamSettings.from_env({"TELEGRAM_RATE_LIMIT": "20", "QUIET_HOURS": "22:00-06:30",
                                  "WORKING_DAYS": "mon-sat", "REMINDER_DELAY_HOURS": "24", "TEAM_TICK_SECONDS": "5"})
    assert (team.telegram_rate, team.quiet_hours) == (20.0, "22:00-06:30")
    assert (team.reminder_delay_hours, team.tick_seconds) == (24.0, 5.0)
    assert LocalTime.of(team).days == (0, 1, 2, 3, 4, 5)


@pytest.mark.parametrize("env, message", [
    ({"TELEGRAM_RATE_LIMIT": "fast"}, "TELEGRAM_RATE_LIMIT: 'fast' is not a float"),
    ({"QUIET_HOURS": "9pm-7am"}, "QUIET_HOURS: '9pm-7am' is not a span"),
    ({"WORKING_DAYS": "monday"}, "WORKING_DAYS: 'monday' is not a day"),
    ({"REMINDER_DELAY_HOURS": "0"}, "OUTCOME_REMINDER_DAYS and TEAM_TICK_SECONDS must be above 0"),
    ({"OUTCOME_REMINDER_DAYS": "0"}, "OUTCOME_REMINDER_DAYS and TEAM_TICK_SECONDS must be above 0"),
])
def test_bad_team_settings_are_clear_errors(env, message):
    with pytest.raises(ValueError, match=message):
        TeamSettings.from_env(env)
