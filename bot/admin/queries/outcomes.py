"""What households have: the platforms at least one member said "Đã làm được" for (issue 14)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.admin.period import as_utc
from bot.storage.outcomes import OUTCOME_DONE, Outcome


@dataclass(frozen=True)
class HouseholdPlatform:
    """A platform the household has: since when, and how many of its members said so."""

    platform: str
    since: datetime | None
    members: int


def household_platforms(session: Session, household_id: int) -> list[HouseholdPlatform]:
    """The household's platforms (at least one member "done"), first had first."""
    rows = session.execute(
        select(Outcome.platform, func.min(Outcome.at), func.count(func.distinct(Outcome.member_id)))
        .where(Outcome.household_id == household_id, Outcome.result == OUTCOME_DONE,
               Outcome.platform.is_not(None))
        .group_by(Outcome.platform).order_by(func.min(Outcome.at), Outcome.platform)).all()
    return [HouseholdPlatform(str(platform), as_utc(since), int(members)) for platform, since, members in rows]
