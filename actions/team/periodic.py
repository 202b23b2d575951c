"""The team's periodic work: escalate help requests nobody took, queue the reminders that are due (unfinished
tutorials, the day before an in-person session, and once after a "later" at a tutorial's end), blank texts past their retention (bot/storage/retention.py).

Safe on every worker at once (compare-and-set, unique keys); `camtay run` does it every TEAM_TICK_SECONDS,
`camtay team-tick` once."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy.orm import sessionmaker

from actions.team import helpdesk, outcome_reminders, reminders, session_reminders
from bot.shared.team_settings import TeamSettings
from bot.storage.retention import blank_old_texts
from content.loader import Catalog


def tick(sessions: sessionmaker, catalog: Catalog, settings: TeamSettings,
         now: datetime | None = None) -> dict[str, int]:
    """One pass, each part in a transaction of its own; how many requests were escalated, reminders queued
    (of tutorials, of sessions) and texts blanked."""
    now = now or datetime.now(timezone.utc)
    with sessions() as session:
        escalated = helpdesk.escalate_due(session, catalog, settings, now)
        session.commit()
    with sessions() as session:
        reminded = reminders.send_due(session, catalog, settings, now)
        session.commit()
    with sessions() as session:
        sessions_reminded = session_reminders.send_due(session, catalog, settings, now)
        session.commit()
    with sessions() as session:
        outcomes_reminded = outcome_reminders.send_due(session, catalog, settings, now)
        session.commit()
    with sessions() as session:
        blanked = blank_old_texts(session, now, settings.log_retention_days, settings.help_text_retention_days,
                                  settings.retention_batch)
        session.commit()
    return {"escalated": escalated, "reminders": reminded, "session_reminders": sessions_reminded,
            "outcome_reminders": outcomes_reminded, **blanked}
