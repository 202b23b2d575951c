"""Tutorials pushed to households (actions/team/push.py): queued, sent, failed, opened, completed, per role.

Counts are over the push's outbox rows for households in the admin's scope, so a commune admin sees
what a province-wide push did in their commune. "Opened" and "completed" mean what the team's push
report means: a run of that topic touched (a step shown or done), or completed, by the household after
the send.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import Session

from bot.admin.scope import Scope
from bot.storage.delivery import EXPIRED, FAILED, PENDING, SENT, SKIPPED, UNKNOWN, OutboxItem, Push
from bot.storage.places import Commune, Village
from bot.storage.progress import TutorialRun
from content.words import words

LIMIT = 100


@dataclass
class PushRow:
    push: Push
    title: str
    place: str
    counts: Counter = field(default_factory=Counter)
    opened: int = 0
    completed: int = 0

    @property
    def queued(self) -> int:
        return sum(self.counts.values())

    @property
    def pending(self) -> int:
        return sum(self.counts[s] for s in PENDING)

    @property
    def sent(self) -> int:
        return self.counts[SENT]

    @property
    def failed(self) -> int:
        return self.counts[FAILED] + self.counts[UNKNOWN] + self.counts[EXPIRED]

    @property
    def skipped(self) -> int:
        return self.counts[SKIPPED]


@dataclass(frozen=True)
class Totals:
    pushes: int
    queued: int
    pending: int
    sent: int
    failed: int
    opened: int
    completed: int


def _visible(scope: Scope):
    """A push is shown when it reached a household in scope, or was aimed at one of the scope's villages."""
    if scope.village_ids is None:  # everything
        return None
    o = OutboxItem
    return or_(exists().where(o.push_id == Push.id, scope.household_filter(o.household_id)),
               and_(Push.scope == "village", Push.scope_id.in_(sorted(scope.village_ids))))


def pushes(session: Session, scope: Scope, catalog, since: datetime | None, limit: int = LIMIT) -> list[PushRow]:
    """The latest pushes since `since` (all when None), newest first, with their counts in scope."""
    query = select(Push).order_by(Push.created_at.desc(), Push.id.desc()).limit(limit)
    if since is not None:
        query = query.where(Push.created_at >= since)
    if (visible := _visible(scope)) is not None:
        query = query.where(visible)
    found = list(session.scalars(query))
    if not found:
        return []
    villages = {v: f"{name}, {commune}" for v, name, commune in session.execute(
        select(Village.id, Village.name, Commune.name).join(Commune, Commune.id == Village.commune_id))}
    communes = dict(session.execute(select(Commune.id, Commune.name)).all())
    rows = {}
    for push in found:
        topic = catalog.get(push.topic_id)
        names = {"village": villages, "commune": communes}.get(push.scope, {})
        place = names.get(push.scope_id, words().whole_province) if push.scope_id is not None \
            else words().whole_province
        rows[push.id] = PushRow(push, topic.title if topic else push.topic_id, place)
    o, run = OutboxItem, TutorialRun
    mine = (o.push_id.in_(sorted(rows)), scope.household_filter(o.household_id))
    # Every row counted below has one of these pushes (the WHERE), so push_id is never None there.
    for push_id, status, number in session.execute(
            select(o.push_id, o.status, func.count()).where(*mine).group_by(o.push_id, o.status)):
        if push_id is not None:
            rows[push_id].counts[status] += number
    sent = (*mine, o.status == SENT)
    same_run = (run.household_id == o.household_id, run.topic_id == Push.topic_id)
    # One flat EXISTS each, correlated to the outbox row and its push: a probe per sent message on the
    # runs' (household, status, topic, updated_at) index.
    # A run's updated_at moves with every step it shows or finishes: touched after the send is "opened".
    opened = exists().where(*same_run, run.updated_at >= o.sent_at).correlate(o, Push)
    completed = exists().where(*same_run, run.completed_at >= o.sent_at).correlate(o, Push)
    for attribute, condition in (("opened", opened), ("completed", completed)):
        for push_id, number in session.execute(select(o.push_id, func.count()).where(
                Push.id == o.push_id, *sent, condition).group_by(o.push_id)):
            if push_id is not None:
                setattr(rows[push_id], attribute, number)
    return list(rows.values())


def totals(rows: list[PushRow]) -> Totals:
    return Totals(len(rows), sum(r.queued for r in rows), sum(r.pending for r in rows), sum(r.sent for r in rows),
                  sum(r.failed for r in rows), sum(r.opened for r in rows), sum(r.completed for r in rows))
