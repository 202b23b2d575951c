"""What a failed Bot API call means for the outbox: Telegram's error tree, sorted into Outcomes."""
from __future__ import annotations

import warnings
from datetime import timedelta

from telegram import error as tg

from bot.delivery.senders import NOT_SENT, Outcome, classify_common, reason_of


def _retry_after(exc: tg.RetryAfter) -> float:
    with warnings.catch_warnings():  # PTB 22.2+ warns that the int will become a timedelta: both work here
        warnings.simplefilter("ignore")
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def classify(exc: BaseException) -> Outcome:
    """A 429 pauses the channel; blocked and refused are final; a network error is retried only when the
    request surely never reached Telegram, else unknown (never sent again)."""
    if isinstance(exc, tg.RetryAfter):
        return Outcome("retry_after", reason_of(exc), _retry_after(exc))
    if isinstance(exc, tg.Forbidden):
        return Outcome("failed", f"blocked: {exc}")
    if isinstance(exc, (tg.BadRequest, tg.InvalidToken, tg.ChatMigrated)):
        return Outcome("failed", f"refused: {exc}")
    if isinstance(exc, tg.NetworkError):
        cause = exc.__cause__
        if cause is None or isinstance(cause, NOT_SENT):
            return Outcome("retry", reason_of(exc))  # Telegram answered 5xx, or the request never left
        return Outcome("unknown", reason_of(exc))
    if isinstance(exc, tg.TelegramError):
        return Outcome("failed", reason_of(exc))
    return classify_common(exc)
