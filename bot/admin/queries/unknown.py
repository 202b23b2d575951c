"""Questions not understood (out of scope, or below the confidence threshold), grouped by normalized text."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from bot.admin.normalize import normalize
from bot.admin.period import as_utc
from bot.admin.scope import Scope
from bot.redact import redact
from bot.storage.models import ConversationLog

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

