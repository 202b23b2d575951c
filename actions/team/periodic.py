"""The team's periodic work: escalate help requests nobody took, queue the reminders that are due (unfinished
tutorials, the day before an in-person session, and once after a "later" at a tutorial's end), blank texts past their retention (bot/storage/retention.py).

Safe on every worker at once (compare-and-set, unique keys); `camtay run` does it every TEAM_TICK_SECONDS,
`camtay team-tick` once."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from typing import Concatenate, ParamSpec, TypeVar

from sqlalchemy.orm import Session, sessionmaker

from actions.team import helpdesk, outcome_reminders, reminders, session_reminders
from bot.shared.team_settings import TeamSettings
from bot.storage.retention import blank_old_texts
from content.loader import Catalog

P = ParamSpec("P")
T = TypeVar("T")


# What is due at a moment, each `(session, catalog, settings, now) -> how many`, under the name `tick` reports it by.
DUE = (("escalated", helpdesk.escalate_due), ("reminders", reminders.send_due),
       ("session_reminders", session_reminders.send_due), ("outcome_reminders", outcome_reminders.send_due))


def _committed(sessions: sessionmaker, work: Callable[Concatenate[Session, P], T], *args: P.args,
               **kwargs: P.kwargs) -> T:
    """`work(session, *args, **kwargs)` in a transaction of its own, committed before the next part begins."""
    with sessions() as session:
        done = work(session, *args, **kwargs)
        session.commit()
    return done


def tick(sessions: sessionmaker, catalog: Catalog, settings: TeamSettings,
         now: datetime | None = None) -> dict[str, int]:
    """One pass, each part in a transaction of its own; how many requests were escalated, reminders queued
    (of tutorials, of sessions, of outcomes) and texts blanked."""
    now = now or datetime.now(timezone.utc)
    done = {name: _committed(sessions, due, catalog, settings, now) for name, due in DUE}
    blanked = _committed(sessions, blank_old_texts, now, settings.log_retention_days,
                         settings.help_text_retention_days, settings.retention_batch)
    return {**done, **blanked}
