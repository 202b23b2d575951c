"""Ratings by topic: the share of "helpful" taps, the reasons given for "not helpful", the worst-rated topics."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.admin.scope import Scope
from bot.storage.ratings import Rating

# A topic is among the worst rated only with this many ratings: one unhappy tap says little.
WORST_MIN_RATINGS = 3
WORST_COUNT = 5


@dataclass
class TopicRatings:
    topic_id: str
    count: int = 0
    helpful: int = 0
    reasons: Counter[str] = field(default_factory=Counter)

    @property
    def share(self) -> float:
        """The share of "helpful", 0..1."""
        return self.helpful / self.count if self.count else 0.0

    @property
    def not_helpful(self) -> int:
        return self.count - self.helpful


def by_topic(session: Session, scope: Scope, since: datetime | None) -> list[TopicRatings]:
    """Every rated topic in scope and period, the most rated first."""
    where = [scope.household_filter(Rating.household_id)]
    if since is not None:
        where.append(Rating.at >= since)
    topics: dict[str, TopicRatings] = {}
    for topic_id, helpful, reason, count in session.execute(
            select(Rating.topic_id, Rating.helpful, Rating.reason, func.count()).where(*where)
            .group_by(Rating.topic_id, Rating.helpful, Rating.reason)):
        row = topics.setdefault(topic_id, TopicRatings(topic_id))
        row.count += count
        if helpful:
            row.helpful += count
        elif reason:
            row.reasons[reason] += count
    return sorted(topics.values(), key=lambda t: (-t.count, t.topic_id))


def worst(rows: list[TopicRatings], least: int = WORST_MIN_RATINGS, limit: int = WORST_COUNT) -> list[TopicRatings]:
    """The topics rated worst (lowest share of "helpful"), among those rated at least `least` times."""
    rated = [t for t in rows if t.count >= least and t.not_helpful]
    return sorted(rated, key=lambda t: (t.share, -t.count, t.topic_id))[:limit]
