"""Questions not understood (out of scope, or below the confidence threshold), grouped by normalized text."""
from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from bot.admin.normalize import normalize
from bot.admin.period import as_utc
from bot.admin.scope import Scope
from bot.redact import redact
from bot.storage.conversations import ConversationLog, TopicChoice
from nlu.intents import PROCEDURE_PREFIX

# Replies that mean the message was not a question at all (a photo, an empty or an overlong message).
NOT_QUESTIONS = ("unsupported_media", "message_empty", "message_too_long")
MAX_TEXTS = 5000  # distinct texts read per kind, most frequent first
MAX_GROUPS = 100


@dataclass
class Group:
    key: str
    count: int = 0
    last_at: datetime | None = None
    variants: Counter = field(default_factory=Counter)
    guesses: Counter = field(default_factory=Counter)  # topics the NLU leaned to
    unanswered: int = 0  # no topic guessed at all, as opposed to a topic below the threshold
    learned_intent: str | None = None

    @property
    def text(self) -> str:
        """The most frequent wording, the one offered as a training example."""
        return self.variants.most_common(1)[0][0]

    @property
    def other_variants(self) -> list[str]:
        return [v for v, _ in self.variants.most_common(4)[1:]]

    @property
    def guess(self) -> str | None:
        return self.guesses.most_common(1)[0][0] if self.guesses else None


@dataclass
class Gap:
    """A procedure with no tutorial yet, and how often citizens asked about it."""

    intent: str
    count: int
    last_at: datetime | None
    wordings: list[str]  # the most frequent ones, redacted


def content_gaps(session: Session, scope: Scope, since: datetime | None, procedure_intents: Collection[str],
                 wordings: int = 3) -> list[Gap]:
    """Questions answered "not covered yet", by procedure, most asked first: the tutorials to write next.

    procedure_intents: the catalog's procedures' intents. Named one by one, they are sought on the
    (intent, at) index; a prefix match (LIKE 'procedure_%') would read every row of the period.
    """
    log = ConversationLog
    intents = sorted(i for i in procedure_intents if i.startswith(PROCEDURE_PREFIX))
    if not intents:
        return []
    where = [log.intent.in_(intents), log.payload.is_(None),
             log.replies.startswith("not_covered"), scope.household_filter(log.household_id)]
    if since is not None:
        where.append(log.at >= since)
    # The WHERE keeps only rows with an intent (and, for the wordings, a text): the None checks skip nothing.
    gaps = [Gap(intent, count, as_utc(last_at), []) for intent, count, last_at in session.execute(
        select(log.intent, func.count(), func.max(log.at)).where(*where)
        .group_by(log.intent).order_by(func.count().desc(), log.intent)) if intent is not None]
    texts = session.execute(select(log.intent, log.text, func.count()).where(*where, log.text.is_not(None))
                            .group_by(log.intent, log.text).order_by(func.count().desc()).limit(MAX_TEXTS))
    by_intent = {g.intent: g for g in gaps}
    for intent, text, _ in texts:
        if intent is None or text is None:
            continue
        gap = by_intent[intent]
        if len(gap.wordings) < wordings:
            gap.wordings.append(" ".join(redact(text).split()))
    return gaps


@dataclass
class Choice:
    """Citizens asked back between two topics picked `topic_id` for this wording: a candidate example."""

    text: str
    topic_id: str
    count: int
    last_at: datetime | None
    learned_intent: str | None = None


def topic_choices(session: Session, scope: Scope, since: datetime | None,
                  learned: dict[str, str] | None = None) -> list[Choice]:
    """What citizens picked when asked which of two topics they meant, grouped by wording and pick."""
    log = ConversationLog
    query = (select(log.text, TopicChoice.topic_id, func.count(), func.max(TopicChoice.at))
             .join(log, log.id == TopicChoice.log_id)
             .where(log.text.is_not(None), scope.household_filter(log.household_id))
             .group_by(log.text, TopicChoice.topic_id)
             .order_by(func.count().desc()).limit(MAX_GROUPS))
    if since is not None:
        query = query.where(TopicChoice.at >= since)
    merged: dict[tuple[str, str], Choice] = {}
    for text, topic_id, count, last_at in session.execute(query):
        if text is None:  # excluded by the WHERE
            continue
        shown = " ".join(redact(text).split())
        key = (normalize(shown), topic_id)
        choice = merged.setdefault(key, Choice(shown, topic_id, 0, None, (learned or {}).get(key[0])))
        choice.count += count
        last_at = as_utc(last_at)
        choice.last_at = max(choice.last_at, last_at) if choice.last_at else last_at
    return sorted(merged.values(), key=lambda c: (-c.count, c.text))


def groups(session: Session, scope: Scope, since: datetime | None,
           learned: dict[str, str] | None = None) -> tuple[list[Group], int]:
    """Groups, most frequent first, and the number of questions they hold.

    Not understood covers both kinds: no intent fits (out of scope), and an intent below the confidence
    threshold (the dialogue answers those with a clarifying menu, see bot/dialogue/routing.py). Rows are
    grouped by exact text in SQL (one index range), then merged by normalized text here.
    """
    log = ConversationLog
    query = (select(log.text, log.topic_id, func.count(), func.max(log.at))
             .where(log.understood.is_(False), log.payload.is_(None), log.text.is_not(None),
                    or_(log.replies.is_(None), log.replies.not_in(NOT_QUESTIONS)),
                    scope.household_filter(log.household_id))
             .group_by(log.text, log.topic_id)
             .order_by(func.count().desc()).limit(MAX_TEXTS))
    if since is not None:
        query = query.where(log.at >= since)
    by_key: dict[str, Group] = {}
    read = 0
    for text, topic_id, count, last_at in session.execute(query):
        if text is None:  # excluded by the WHERE
            continue
        shown = redact(text)  # defence in depth: stored text is redacted already
        key = normalize(shown)
        if not key or shown.startswith("/"):
            continue
        read += count
        group = by_key.get(key)
        if group is None:
            group = by_key[key] = Group(key)
        group.count += count
        last_at = as_utc(last_at)
        group.last_at = max(group.last_at, last_at) if group.last_at else last_at
        group.variants[" ".join(shown.split())] += count
        if topic_id:
            group.guesses[topic_id] += count
        else:
            group.unanswered += count
    result = sorted(by_key.values(), key=lambda g: (-g.count, g.key))[:MAX_GROUPS]
    for group in result:
        group.learned_intent = (learned or {}).get(group.key)
    return result, read

