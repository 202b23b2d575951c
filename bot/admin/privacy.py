"""One household's data: exported as JSON, or deleted with everything that refers to it.

Rows of other features' tables that point at the household or its members are found through the
foreign keys of the metadata: owned rows are deleted, optional references are set to NULL.
"""
from __future__ import annotations

from collections import Counter
from datetime import date, datetime

from sqlalchemy import Table, delete, select, update
from sqlalchemy.orm import Session

from bot.admin.period import as_utc
from bot.admin.queries.households import household_with_place
from bot.people.support_sessions import attended_by
from bot.redact import redact
from bot.storage.base import changed_rows
from bot.storage.conversations import ConversationLog, TopicChoice
from bot.storage.delivery import OutboxItem, Push
from bot.storage.help import HelpEvent, HelpRequest
from bot.storage.households import Household, Member
from bot.storage.outcomes import Outcome
from bot.storage.progress import StepEvent, TutorialRun
from bot.storage.ratings import Rating
from bot.storage.schema import metadata

# Tables whose rows belong to the household's people: deleted even where the reference is optional
# (the outbox holds messages queued for them: they must not be sent after the delete).
OWNED = {"members", "conversation_log", "tutorial_runs", "step_events", "help_requests", "outbox", "outcomes",
         "ratings", "support_session_attendance"}
_MAX_DEPTH = 6


def _plain(value):
    if isinstance(value, datetime):
        return as_utc(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def _row(obj, columns) -> dict:
    return {c: _plain(getattr(obj, c)) for c in columns}


def export_household(session: Session, household_id: int) -> dict | None:
    """Everything stored about one household, as plain JSON data (texts redacted)."""
    found = household_with_place(session, household_id)
    if found is None:
        return None
    household, village, commune = found
    members = list(session.scalars(select(Member).where(Member.household_id == household_id)))
    member_ids = [m.id for m in members]
    people = (TutorialRun.household_id == household_id) | TutorialRun.member_id.in_(member_ids)
    runs = list(session.scalars(select(TutorialRun).where(people).order_by(TutorialRun.id)))
    events = session.scalars(select(StepEvent).where(StepEvent.run_id.in_([r.id for r in runs]))
                             .order_by(StepEvent.id)).all()
    events_by_run: dict[int, list] = {}
    for event in events:
        events_by_run.setdefault(event.run_id, []).append(_row(event, ("kind", "step_index", "at")))
    helps = session.scalars(select(HelpRequest).where(
        (HelpRequest.household_id == household_id) | HelpRequest.member_id.in_(member_ids))
        .order_by(HelpRequest.id)).all()
    help_events = session.scalars(select(HelpEvent).where(HelpEvent.help_request_id.in_([h.id for h in helps]))
                                  .order_by(HelpEvent.id)).all()
    events_by_request: dict[int, list] = {}
    for help_event in help_events:
        events_by_request.setdefault(help_event.help_request_id, []).append(
            {**_row(help_event, ("kind", "at", "team_member_id")), "detail": redact(help_event.detail)})
    messages = session.execute(select(OutboxItem, Push.topic_id).outerjoin(Push, Push.id == OutboxItem.push_id).where(
        (OutboxItem.household_id == household_id) | OutboxItem.member_id.in_(member_ids))
        .order_by(OutboxItem.id)).all()
    logs = session.scalars(select(ConversationLog).where(
        (ConversationLog.household_id == household_id) | ConversationLog.member_id.in_(member_ids))
        .order_by(ConversationLog.at, ConversationLog.id)).all()
    # Which topic they picked when the assistant asked which of two they meant, by the question's time.
    picks = {log_id: topic_id for log_id, topic_id in session.execute(
        select(TopicChoice.log_id, TopicChoice.topic_id).where(TopicChoice.log_id.in_([c.id for c in logs])))}
    outcomes = session.scalars(select(Outcome).where(
        (Outcome.household_id == household_id) | Outcome.member_id.in_(member_ids)).order_by(Outcome.id)).all()
    ratings = session.scalars(select(Rating).where(
        (Rating.household_id == household_id) | Rating.member_id.in_(member_ids)).order_by(Rating.id)).all()
    attended = attended_by(session, household_id)
    return {
        "outcomes": [_row(o, ("member_id", "topic_id", "platform", "result", "step_index", "source", "at"))
                     for o in outcomes],
        # In-person sessions the household came to, and what worked for it there.
        "sessions_attended": [{**_row(row, ("starts_at", "place", "topic_ids")),
                               **_row(came, ("platforms", "recorded_at"))} for row, came in attended],
        "ratings": [_row(r, ("member_id", "topic_id", "helpful", "reason", "at")) for r in ratings],
        "household": {**_row(household, ("code", "head_name", "address", "created_at")),
                      "phone": redact(getattr(household, "phone", None)),  # never unredacted, even here
                      "village": village.name, "commune": commune.name},
        "members": [{**_row(m, ("id", "channel", "display_name", "address_form", "created_at", "last_seen_at")),
                     "display_name": redact(m.display_name)} for m in members],
        "tutorial_runs": [{**_row(r, ("id", "member_id", "topic_id", "step_index", "status", "started_at",
                                      "updated_at", "completed_at")), "events": events_by_run.get(r.id, [])}
                          for r in runs],
        "help_requests": [{k: redact(v) if isinstance(v, str) else v for k, v in _row(
            h, [c.name for c in HelpRequest.__table__.columns if c.name != "household_id"]).items()}
            | {"events": events_by_request.get(h.id, [])} for h in helps],
        # Messages the assistant sent them unasked (pushed tutorials, relayed help, reminders): what and when.
        "messages_sent": [{**_row(o, ("kind", "channel", "member_id", "push_id", "status", "created_at", "sent_at")),
                           "topic_id": topic_id} for o, topic_id in messages],
        "conversation": [{**_row(c, ("at", "channel", "member_id", "payload", "intent", "confidence",
                                     "topic_id", "understood", "replies")), "text": redact(c.text)}
                         | ({"picked_topic": picks[c.id]} if c.id in picks else {})
                         for c in logs],
    }


def _delete_rows(session: Session, table: Table, condition, counts: Counter, depth: int = 0) -> None:
    """Delete rows of `table` matching `condition`, after whatever refers to them."""
    if depth > _MAX_DEPTH:
        raise RuntimeError(f"references nest too deep below {table.name}")
    keys = list(table.primary_key.columns)
    for child in metadata.sorted_tables:
        for fk in child.foreign_keys:
            if fk.column.table is not table:
                continue
            column = fk.parent
            child_condition = column.in_(select(fk.column).where(condition))
            if child.name in OWNED or not column.nullable:
                _delete_rows(session, child, child_condition, counts, depth + 1)
            else:
                nulled = changed_rows(session, update(child).where(child_condition).values({column.name: None}))
                if nulled:
                    counts[f"{child.name}.{column.name} → NULL"] += nulled
    if keys:
        counts[table.name] += changed_rows(session, delete(table).where(condition))


def delete_household(session: Session, household_id: int) -> dict[str, int]:
    """Delete the household, its members and all their rows; returns counts per table (for the audit)."""
    counts: Counter = Counter()
    members = Member.__table__
    # The members first, with what refers to them (messages sent before the household was linked too).
    _delete_rows(session, members, members.c.household_id == household_id, counts)
    _delete_rows(session, Household.__table__, Household.__table__.c.id == household_id, counts)
    return dict(counts)
