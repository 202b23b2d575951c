"""What worked for a household when a team member helped in person: an outcome row with source "team", who
recorded it, and an audit row (issue 14 part 2). Written from chat (`/ketqua`, actions/team/team_outcomes.py)
and from the admin's household page (bot/admin/views/households.py); counted per household as a citizen's
own "Đã làm được" is (bot/admin/queries/outcomes.py).

The outcome names a member of the household (the admin picks one; from chat, its first chat member still
known), so it is theirs: listed by /dulieu and the exports, deleted with their erasure or the household.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.people.erasure import ERASED_CHANNEL_PREFIX
from bot.storage.admin_access import AdminAuditLog
from bot.storage.households import Household, Member
from bot.storage.outcomes import OUTCOME_DONE, SOURCE_TEAM, Outcome
from bot.storage.staff import Staff
from content.loader import Catalog

# The audit log's action (bot/admin/audit.py names it too); the target is the household's code.
RECORD_OUTCOME = "record_outcome"
CHAT = "(chat)"
REPEAT_WINDOW = timedelta(minutes=10)  # the audit's username for a team member without an admin login


class OutcomeRefused(ValueError):
    """Nothing recorded: the platform or the member does not fit (the message key says which)."""

    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


def members_of(session: Session, household_id: int) -> list[Member]:
    """The household's chat members still known, first linked first."""
    return list(
        session.scalars(
            select(Member)
            .where(Member.household_id == household_id, ~Member.external_id.startswith(ERASED_CHANNEL_PREFIX))
            .order_by(Member.id)
        )
    )


def topic_for(catalog: Catalog, platform: str) -> str | None:
    """A tutorial that brings the platform (an outcome names a topic)."""
    return next((t.id for t in catalog.topics.values() if t.platform == platform), None)


def record(
    session: Session,
    catalog: Catalog,
    household: Household,
    platform: str,
    staff: Staff,
    now: datetime,
    member: Member | None = None,
    ip: str | None = None,
) -> Outcome:
    """ "It works" for `platform`, for `member` (default: the household's first chat member), by `staff`."""
    if platform not in catalog.platforms:
        raise OutcomeRefused("team_outcome.platform_unknown")
    topic_id = topic_for(catalog, platform)
    if topic_id is None:
        raise OutcomeRefused("team_outcome.platform_unknown")
    if member is None:
        known = members_of(session, household.id)
        member = known[0] if known else None
    if member is None or member.household_id != household.id:
        raise OutcomeRefused("team_outcome.member_required")
    # A second press of the same button (a slow network) records nothing more.
    again = session.scalars(
        select(Outcome).where(
            Outcome.household_id == household.id,
            Outcome.platform == platform,
            Outcome.source == SOURCE_TEAM,
            Outcome.recorded_by_id == staff.id,
            Outcome.member_id == member.id,
            Outcome.at >= now - REPEAT_WINDOW,
        )
    ).first()
    if again is not None:
        return again
    outcome = Outcome(
        member_id=member.id,
        household_id=household.id,
        topic_id=topic_id,
        platform=platform,
        result=OUTCOME_DONE,
        source=SOURCE_TEAM,
        recorded_by_id=staff.id,
        at=now,
    )
    session.add(outcome)
    session.flush()
    # Never a citizen's name in the audit: the household's code and the member's id.
    session.add(
        AdminAuditLog(
            at=now,
            user_id=staff.id,
            username=(staff.username or CHAT)[:64],
            action=RECORD_OUTCOME,
            target=household.code[:200],
            detail=json.dumps({"member": f"member:{member.id}", "platform": platform}, sort_keys=True),
            ip=ip[:64] if ip else None,
        )
    )
    return outcome


def recorded_for(session: Session, household_id: int, limit: int = 20) -> list[tuple[Outcome, Staff | None]]:
    """The team's outcomes of a household, newest first, with who recorded each (the household page)."""
    return [
        (o, s)
        for o, s in session.execute(
            select(Outcome, Staff)
            .outerjoin(Staff, Staff.id == Outcome.recorded_by_id)
            .where(Outcome.household_id == household_id, Outcome.source == SOURCE_TEAM)
            .order_by(Outcome.at.desc(), Outcome.id.desc())
            .limit(limit)
        ).all()
    ]
