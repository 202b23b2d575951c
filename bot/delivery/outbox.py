"""The durable outbox: every message nobody asked for (pushes, help relays, reminders) is a row here first.

What people wrote (relayed words, a request's last messages) is kept in a row only until it is final
(sent, failed, unknown, skipped, expired); then it is blanked. A sender claims rows (row locks with SKIP LOCKED on PostgreSQL, one atomic UPDATE on SQLite), marks each
`sending` just before its request, and `sent` after. Every transition is a compare-and-set on
(status, claimed_by), so two senders never send one row, and a row whose request was in flight when
its sender died becomes `unknown`: never sent again. Times are epoch seconds.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import and_, exists, func, insert, or_, select, true, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.shared.types import Button, Reply
from bot.storage.delivery import (
    CLAIMED,
    EXPIRED,
    FAILED,
    FINAL,
    PENDING,
    QUEUED,
    SENDING,
    SENT,
    UNKNOWN,
    OutboxItem,
    OutboxThrottle,
)
from bot.storage.households import Member

# Priorities: a person waiting on the other side goes before a push to a whole village.
PRIORITY_PERSON, PRIORITY_REMINDER, PRIORITY_PUSH = 10, 1, 0
# Kinds nobody is waiting for: never started in quiet hours (a person's relayed words always go).
QUIET_KINDS = ("push", "reminder")
PUSHABLE_CHANNELS = ("telegram", "zalo")  # the web chat has no way to reach someone who is not looking

_table = OutboxItem.__table__


def reply_json(reply: Reply) -> str:
    return json.dumps({
        "template": reply.template, "context": reply.context, "image": reply.image,
        "buttons": [[{"label": b.label, "payload": b.payload, "context": b.context} for b in row]
                    for row in reply.buttons],
    }, ensure_ascii=False)


def reply_from_json(text: str) -> Reply:
    data = json.loads(text)
    buttons = tuple(tuple(Button(b["label"], b["payload"], b.get("context") or {}) for b in row)
                    for row in data.get("buttons") or ())
    return Reply(data["template"], data.get("context") or {}, buttons=buttons, image=data.get("image"))


# Context fields holding what people wrote (relayed words, a help request's last messages): kept only while
# the row may still be sent, blanked once it is final; the rest (template, names, push) stays for reports.
PRIVATE_FIELDS = {"text": "", "last_messages": []}


def scrubbed(text: str) -> str | None:
    """The Reply JSON with what people wrote blanked; None when there is nothing to blank."""
    data = json.loads(text)
    context = data.get("context") or {}
    private = {key: blank for key, blank in PRIVATE_FIELDS.items() if context.get(key)}
    if not private:
        return None
    data["context"] = {**context, **private}
    return json.dumps(data, ensure_ascii=False)


def _scrub(session, rows) -> None:
    for item_id, text in rows:
        blanked = scrubbed(text) if text else None
        if blanked is not None:
            session.execute(update(_table).where(_table.c.id == item_id, _table.c.status.in_(FINAL))
                            .values(reply=blanked))


def chat_key(channel: str, external_id: str) -> str:
    return f"{channel}:{external_id}"


def enqueue(session: Session, member: Member, reply: Reply, kind: str, *, priority: int = PRIORITY_PERSON,
            push_id: int | None = None, household_id: int | None = None, dedupe_key: str | None = None,
            status: str = QUEUED, error: str | None = None, not_before: float = 0.0,
            not_after: float | None = None) -> OutboxItem:
    """Add one message to the outbox, in the caller's transaction (committed with the rest of the turn)."""
    item = OutboxItem(
        kind=kind, channel=member.channel, external_id=member.external_id,
        chat_key=chat_key(member.channel, member.external_id), member_id=member.id,
        household_id=household_id if household_id is not None else member.household_id, push_id=push_id,
        reply=reply_json(reply), address_form=member.address_form, priority=priority, status=status,
        error=error, not_before=not_before, not_after=not_after, dedupe_key=dedupe_key,
        created_at=datetime.now(timezone.utc), attempts=0,
    )
    session.add(item)
    return item


@dataclass(frozen=True)
class Claimed:
    id: int
    channel: str
    external_id: str
    member_id: int | None
    reply: str
    address_form: str | None
    attempts: int


class OutboxStore:
    """The SQL of the sender, for one engine (SQLite or PostgreSQL)."""

    def __init__(self, sessions, sender_id: str, lease: float, chat_interval: float):
        self.sessions = sessions
        self.engine = sessions.kw["bind"]  # Core connections: far less Python per transaction than a Session
        self.sender_id = sender_id
        self.lease = lease
        self.chat_interval = chat_interval
        self.postgres = self.engine.dialect.name == "postgresql"

    def _greatest(self, *values):
        return func.greatest(*values) if self.postgres else func.max(*values)

    def claim(self, channel: str, limit: int, now: float, quiet: bool = False) -> list[Claimed]:
        """Up to `limit` due rows of a channel, oldest first within priority, at most one per chat,
        none for a chat that has a message in progress, one before it in line (priority, then age),
        or one sent less than the chat interval ago. In quiet hours, no push or reminder."""
        c, busy, recent = _table.alias("c"), _table.alias("busy"), _table.alias("recent")
        ahead = or_(busy.c.priority > c.c.priority, and_(busy.c.priority == c.c.priority, busy.c.id < c.c.id))
        candidates = (
            select(c.c.id)
            .where(c.c.channel == channel, c.c.status == QUEUED, c.c.not_before <= now,
                   or_(c.c.not_after.is_(None), c.c.not_after > now),
                   *((c.c.kind.not_in(QUIET_KINDS),) if quiet else ()),
                   ~exists().where(busy.c.chat_key == c.c.chat_key, or_(
                       busy.c.status.in_((CLAIMED, SENDING)),
                       and_(busy.c.status == QUEUED, ahead))),
                   ~exists().where(recent.c.chat_key == c.c.chat_key,
                                   recent.c.sent_ts > now - self.chat_interval))
            .order_by(c.c.priority.desc(), c.c.id)
            .limit(limit)
        )
        if self.postgres:
            candidates = candidates.with_for_update(skip_locked=True)
        # A CTE, materialized: PostgreSQL runs it once. As a plain IN (subquery) its planner may rescan the
        # subquery for every row it updates, and each rescan skips the rows already claimed and locks the
        # next chat's, so `limit` was not kept (three chats, limit 1: three rows claimed).
        chosen = candidates.cte("candidates").prefix_with("MATERIALIZED", dialect="postgresql")
        statement = (
            update(_table).where(_table.c.id.in_(select(chosen.c.id)), _table.c.status == QUEUED)
            .values(status=CLAIMED, claimed_by=self.sender_id, lease_until=now + self.lease)
            .returning(_table.c.id, _table.c.channel, _table.c.external_id, _table.c.member_id,
                       _table.c.reply, _table.c.address_form, _table.c.attempts)
        )
        with self.engine.begin() as session:
            rows = session.execute(statement).all()
        return sorted((Claimed(*row) for row in rows), key=lambda item: item.id)

    def reserve(self, channel: str, count: int, spacing: float, now: float) -> float:
        """Reserve `count` send slots `spacing` apart, shared by every sender; returns the first slot."""
        throttle = OutboxThrottle.__table__
        with self.engine.begin() as session:
            start = self._greatest(throttle.c.next_at, throttle.c.paused_until, now)
            next_at = session.execute(
                update(throttle).where(throttle.c.channel == channel)
                .values(next_at=start + count * spacing).returning(throttle.c.next_at)).scalar()
            if next_at is None:
                try:
                    with session.begin_nested():
                        session.execute(insert(throttle).values(channel=channel, next_at=now + count * spacing,
                                                                paused_until=0.0))
                    next_at = now + count * spacing
                except IntegrityError:  # another sender created it first
                    next_at = session.execute(
                        update(throttle).where(throttle.c.channel == channel)
                        .values(next_at=start + count * spacing).returning(throttle.c.next_at)).scalar()
        return next_at - count * spacing

    def pause(self, channel: str, until: float) -> None:
        """A 429: no sender sends on this channel before `until`."""
        throttle = OutboxThrottle.__table__
        with self.engine.begin() as session:
            session.execute(update(throttle).where(throttle.c.channel == channel).values(
                paused_until=self._greatest(throttle.c.paused_until, until),
                next_at=self._greatest(throttle.c.next_at, until)))

    def start_sending(self, item_id: int, channel: str, now: float) -> bool:
        """claimed -> sending, just before the request; refused while the channel is paused."""
        throttle = OutboxThrottle.__table__
        paused = select(func.coalesce(func.max(throttle.c.paused_until), 0.0)).where(
            throttle.c.channel == channel).scalar_subquery()
        with self.engine.begin() as session:
            result = session.execute(
                update(_table).where(_table.c.id == item_id, _table.c.status == CLAIMED,
                                     _table.c.claimed_by == self.sender_id, paused <= now)
                .values(status=SENDING, attempts=_table.c.attempts + 1, lease_until=now + self.lease))
        return result.rowcount == 1

    def _finish(self, item_id: int, from_status: str | tuple[str, ...], reply: str | None = None,
                **values) -> bool:
        """A compare-and-set on (status, claimed_by); a final row's written words are blanked with it."""
        statuses = (from_status,) if isinstance(from_status, str) else from_status
        blanked = scrubbed(reply) if reply and values.get("status") in FINAL else None
        if blanked is not None:
            values["reply"] = blanked
        with self.engine.begin() as session:
            result = session.execute(
                update(_table).where(_table.c.id == item_id, _table.c.status.in_(statuses),
                                     _table.c.claimed_by == self.sender_id).values(**values))
        return result.rowcount == 1

    def sent(self, item_id: int, now: float, reply: str | None = None) -> bool:
        """sending -> sent; also `unknown` -> sent when this sender's answer came after another's recovery."""
        return self._finish(item_id, (SENDING, UNKNOWN), reply, status=SENT, sent_ts=now, lease_until=None,
                            sent_at=datetime.fromtimestamp(now, timezone.utc), error=None)

    def failed(self, item_id: int, reason: str, status: str = FAILED, from_status: str = SENDING,
               reply: str | None = None) -> bool:
        return self._finish(item_id, from_status, reply, status=status, error=reason[:300], lease_until=None)

    def requeue(self, item_id: int, not_before: float, reason: str | None = None,
                from_status: str = SENDING) -> bool:
        """Back to the queue: the request surely did not deliver the message (429, refused connection)."""
        return self._finish(item_id, from_status, status=QUEUED, claimed_by=None, lease_until=None,
                            not_before=not_before, error=(reason or "")[:300] or None)

    def release(self, item_ids: list[int]) -> None:
        """Claimed rows this sender will not send after all (stopping): back to the queue untouched."""
        if not item_ids:
            return
        with self.engine.begin() as session:
            session.execute(update(_table).where(_table.c.id.in_(item_ids), _table.c.status == CLAIMED,
                                                 _table.c.claimed_by == self.sender_id)
                            .values(status=QUEUED, claimed_by=None, lease_until=None))

    def abandon(self, item_id: int) -> None:
        """This sender could not finish a row (an error after its claim): a claim goes back to the queue;
        a send that may have left becomes `unknown`, never sent again."""
        with self.engine.begin() as session:
            mine = (_table.c.id == item_id, _table.c.claimed_by == self.sender_id)
            session.execute(update(_table).where(*mine, _table.c.status == CLAIMED)
                            .values(status=QUEUED, claimed_by=None, lease_until=None))
            _scrub(session, session.execute(update(_table).where(*mine, _table.c.status == SENDING).values(
                status=UNKNOWN, lease_until=None, error="interrupted: an error while sending; not sent again")
                .returning(_table.c.id, _table.c.reply)).all())

    def recover(self, now: float, inflight: frozenset[int] = frozenset()) -> dict[str, int]:
        """Rows whose lease ran out: of senders that died, and this sender's own that it is not delivering
        (an error left them behind): claims go back to the queue, in-flight sends become `unknown`."""
        others = or_(_table.c.claimed_by.is_(None), _table.c.claimed_by != self.sender_id)
        if inflight:
            others = or_(others, _table.c.id.not_in(sorted(inflight)))
        else:
            others = true()
        with self.engine.begin() as session:
            requeued = session.execute(update(_table).where(
                _table.c.status == CLAIMED, _table.c.lease_until < now, others).values(
                status=QUEUED, claimed_by=None, lease_until=None)).rowcount
            unknown = session.execute(update(_table).where(
                _table.c.status == SENDING, _table.c.lease_until < now, others).values(
                status=UNKNOWN, lease_until=None,
                error="interrupted: the sender stopped while sending; not sent again")
                .returning(_table.c.id, _table.c.reply)).all()
            expired = session.execute(update(_table).where(
                _table.c.status == QUEUED, _table.c.not_after.is_not(None), _table.c.not_after <= now).values(
                status=EXPIRED, error="expired: not sent in time (quiet hours)")
                .returning(_table.c.id, _table.c.reply)).all()
            _scrub(session, unknown + expired)
        return {"requeued": requeued, "unknown": len(unknown), "expired": len(expired)}

    def pending(self, channels: tuple[str, ...]) -> int:
        with self.sessions() as session:
            return session.scalar(select(func.count()).select_from(_table).where(
                _table.c.channel.in_(channels), _table.c.status.in_(PENDING))) or 0

    def last_seen(self, member_id: int | None) -> datetime | None:
        if member_id is None:
            return None
        with self.sessions() as session:
            return session.scalar(select(Member.last_seen_at).where(Member.id == member_id))
