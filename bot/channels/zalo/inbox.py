"""The Zalo inbox: an accepted webhook event is stored before Zalo hears 200, handled from the store, and
found again after a crash or a restart (Zalo never resends an event it got 200 for).

The row is also the dedupe record of the event's delivery id (Zalo's msg_id). Its raw text is kept only
until the turn is done, then cleared: the redacted copy lives in the conversation log. Several workers
may share the table: a worker claims an event with a lease, and takes over one whose lease ran out.
Exactly once: a turn taken over after its first worker crashed mid-turn is recognized by the dialogue's
own dedupe of the same delivery id.
"""
from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from bot.shared.types import Incoming
from bot.storage.base import utcnow
from bot.storage.zalo import ZaloInboxEvent

log = logging.getLogger(__name__)
CHANNEL = "zalo"
LEASE = timedelta(seconds=60)       # a turn takes seconds; past this, another worker may take over
KEEP_HANDLED = timedelta(days=2)    # Zalo retries for 12 hours; the dedupe rows need not outlive that much
MAX_ATTEMPTS = 5                    # an event that keeps killing its worker is given up, not retried forever
DUE_BATCH = 200


class ZaloInbox:
    """Store, claim, finish and find again the webhook events of one OA. Blocking: call in a thread."""

    def __init__(self, sessions: sessionmaker, worker_id: str | None = None, lease: timedelta = LEASE):
        self.sessions = sessions
        self.worker_id = worker_id or uuid.uuid4().hex
        self.lease = lease

    def add(self, incoming: Incoming, now: datetime | None = None) -> int | None:
        """Store an accepted event, claimed by this worker; None when its delivery id is stored already."""
        now = now or utcnow()
        key = incoming.update_key
        with self.sessions() as session:
            if session.scalar(select(ZaloInboxEvent.id).where(ZaloInboxEvent.delivery_id == key)) is not None:
                return None
            row = ZaloInboxEvent(delivery_id=key, user_id=incoming.user_id, text=incoming.text,
                                 payload=incoming.payload, media=incoming.media, received_at=now,
                                 claimed_by=self.worker_id, lease_until=now + self.lease, attempts=0)
            session.add(row)
            try:
                session.commit()
            except IntegrityError:  # two deliveries of one event raced; the other one stored it
                session.rollback()
                return None
            return row.id

    def claim(self, event_id: int, now: datetime | None = None) -> Incoming | None:
        """The event to handle now, leased to this worker; None when it is done or another worker holds it."""
        now = now or utcnow()
        row = ZaloInboxEvent
        with self.sessions() as session:
            claimed = session.execute(
                update(row)
                .where(row.id == event_id, row.processed_at.is_(None),
                       or_(row.claimed_by == self.worker_id, row.lease_until.is_(None), row.lease_until < now))
                .values(claimed_by=self.worker_id, lease_until=now + self.lease, attempts=row.attempts + 1)
                .execution_options(synchronize_session=False))
            if claimed.rowcount != 1:
                session.rollback()
                return None
            event = session.get(row, event_id)
            if event.attempts > MAX_ATTEMPTS:
                log.error("Zalo event %s (%s) given up after %d attempts", event.id, event.delivery_id,
                          event.attempts - 1)
                _finish(event, now)
                session.commit()
                return None
            incoming = Incoming(channel=CHANNEL, user_id=event.user_id, text=event.text, payload=event.payload,
                                media=event.media, update_key=event.delivery_id)
            session.commit()
            return incoming

    def done(self, event_id: int, now: datetime | None = None) -> None:
        """The turn is committed: mark the event handled and drop its raw text."""
        with self.sessions() as session:
            event = session.get(ZaloInboxEvent, event_id)
            if event is not None and event.processed_at is None:
                _finish(event, now or utcnow())
                session.commit()

    def due(self, now: datetime | None = None, limit: int = DUE_BATCH) -> list[tuple[int, str]]:
        """(id, user id) of the events nobody is handling: left by a crash, a restart, or a lapsed lease; and this
        worker's own, which the caller skips while it handles them (the rest waited for room, or failed)."""
        now = now or utcnow()
        row = ZaloInboxEvent
        with self.sessions() as session:
            return [(id_, user) for id_, user in session.execute(
                select(row.id, row.user_id)
                .where(row.processed_at.is_(None), or_(row.claimed_by == self.worker_id, row.lease_until.is_(None),
                                                       row.lease_until < now))
                .order_by(row.id).limit(limit))]

    def prune(self, now: datetime | None = None) -> int:
        """Forget handled events older than KEEP_HANDLED; returns how many."""
        cutoff = (now or utcnow()) - KEEP_HANDLED
        with self.sessions() as session:
            result = session.execute(delete(ZaloInboxEvent).where(
                ZaloInboxEvent.processed_at.is_not(None), ZaloInboxEvent.processed_at < cutoff))
            session.commit()
            return result.rowcount


def _finish(event: ZaloInboxEvent, now: datetime) -> None:
    event.processed_at = now
    event.text = None
    event.payload = None
    event.lease_until = None
