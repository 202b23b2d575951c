"""A push report's failure reasons, from the errors the sender and the outbox record."""
from __future__ import annotations

import pytest

from bot.team.push import FAILURE_REASONS, failure_reason


@pytest.mark.parametrize("error, reason", [
    ("blocked: Forbidden: bot was blocked by the user", "blocked"),
    ("refused: Bad Request: chat not found", "refused"),
    ("unknown: NetworkError: httpx.ReadTimeout", "unknown"),
    ("interrupted: the sender stopped while sending; not sent again", "unknown"),
    ("expired: not sent in time (quiet hours)", "expired"),
    ("gave up: NetworkError: Bad Gateway", "gave_up"),
    ("ApiError: -213 user has not interacted in 48 hours", "refused"),
    ("TimedOut: something new", "other"),
    (None, "other"),
])
def test_failure_reasons(error, reason):
    assert failure_reason(error) == reason and reason in FAILURE_REASONS
