"""Communes and villages: households linked, share with a completed tutorial, stuck, help requests."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import case, exists, func, select
from sqlalchemy.orm import Session

from bot.admin.queries import help as help_requests
from bot.admin.queries.common import completed_condition, stuck_condition
from bot.admin.scope import Scope
from bot.storage.help import HELP_OPEN, HelpRequest
from bot.storage.households import Household, Member
from bot.storage.places import Commune, Village


@dataclass
class PlaceRow:
    id: int
    name: str
    households: int = 0
    linked: int = 0
    completed: int = 0
    stuck: int = 0
    help_open: int = 0
    help_total: int = 0
    villages: list["PlaceRow"] = field(default_factory=list)

    @property
    def completed_share(self) -> float | None:
        return self.completed / self.households if self.households else None

    def add(self, other: "PlaceRow") -> None:
        for name in ("households", "linked", "completed", "stuck", "help_open", "help_total"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def places(session: Session, scope: Scope, now: datetime, commune_id: int | None = None) -> list[PlaceRow]:
    """Communes in scope, each with its villages' figures (aggregated per village in SQL)."""
    linked = exists(select(Member.id).where(Member.household_id == Household.id))
    query = (
        select(Village.id, Village.name, Commune.id, Commune.name, func.count(Household.id),
               func.sum(case((linked, 1), else_=0)),
               func.sum(case((completed_condition(Household.id), 1), else_=0)),
               func.sum(case((stuck_condition(Household.id, now), 1), else_=0)))
        .select_from(Village).join(Commune, Commune.id == Village.commune_id)
        .outerjoin(Household, Household.village_id == Village.id)
        .where(scope.village_filter(Village.id))
        .group_by(Village.id, Village.name, Commune.id, Commune.name)
        .order_by(Commune.name, Village.name))
    if commune_id is not None:
        query = query.where(Commune.id == commune_id)
    # By the request's village: its household's, or the one a guest chose (bot/admin/queries/help.py).
    village = help_requests.village_of()
    help_query = (
        select(village, func.count(), func.sum(case((HelpRequest.status == HELP_OPEN, 1), else_=0)))
        .select_from(HelpRequest).outerjoin(Household, Household.id == HelpRequest.household_id)
        .where(help_requests.in_scope(scope), village.is_not(None))
        .group_by(village))
    help_by_village = {v: (int(total), int(open_ or 0)) for v, total, open_ in session.execute(help_query)}
    communes: dict[int, PlaceRow] = {}
    for village_id, village, cid, commune, households, linked_n, completed, stuck in session.execute(query):
        total, open_ = help_by_village.get(village_id, (0, 0))
        row = PlaceRow(village_id, village, int(households), int(linked_n or 0), int(completed or 0),
                       int(stuck or 0), open_, total)
        parent = communes.setdefault(cid, PlaceRow(cid, commune))
        parent.villages.append(row)
        parent.add(row)
    return list(communes.values())


def communes_in_scope(session: Session, scope: Scope) -> list[Commune]:
    return list(session.scalars(select(Commune).where(scope.commune_filter(Commune.id)).order_by(Commune.name)))


def villages_in_scope(session: Session, scope: Scope, commune_id: int | None = None) -> list[Village]:
    query = select(Village).where(scope.village_filter(Village.id)).order_by(Village.name)
    if commune_id is not None:
        query = query.where(Village.commune_id == commune_id)
    return list(session.scalars(query))
