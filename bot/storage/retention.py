"""Retention (Law 91/2025/QH15): old conversation text and closed help requests' texts (and a guest's chosen
village) blanked in batches.

The rows stay (intent, topic, confidence, times, status), so every count in the reports is unchanged.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from bot.storage.conversations import ConversationLog
from bot.storage.help import HelpRequest


def blank_old_texts(session: Session, now: datetime, log_days: int, help_days: int, batch: int) -> dict[str, int]:
    """Blank at most `batch` log texts older than `log_days` and as many help texts closed `help_days` ago."""
    log_cutoff = now - timedelta(days=log_days)
    # Bounded work per tick: the oldest rows first, a batch at a time; the next tick goes on.
    log_ids = list(session.scalars(
        select(ConversationLog.id).where(ConversationLog.at < log_cutoff, ConversationLog.text.is_not(None))
        .order_by(ConversationLog.at, ConversationLog.id).limit(batch)))
    if log_ids:
        session.execute(update(ConversationLog).where(ConversationLog.id.in_(log_ids)).values(text=None)
                        .execution_options(synchronize_session=False))
    help_cutoff = now - timedelta(days=help_days)
    # A request's texts and the village a citizen of no household chose go together.
    help_ids = list(session.scalars(
        select(HelpRequest.id).where(HelpRequest.closed_at.is_not(None), HelpRequest.closed_at < help_cutoff,
                                     or_(HelpRequest.last_messages.is_not(None), HelpRequest.village_id.is_not(None)))
        .order_by(HelpRequest.id).limit(batch)))
    if help_ids:
        session.execute(update(HelpRequest).where(HelpRequest.id.in_(help_ids))
                        .values(last_messages=None, village_id=None)
                        .execution_options(synchronize_session=False))
    return {"log_texts": len(log_ids), "help_texts": len(help_ids)}
