"""What a role may see: a province admin everything, a commune admin one commune, a team member villages."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, select, true
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from bot.storage.households import Household
from bot.storage.places import Village
from bot.storage.staff import ROLE_COMMUNE, ROLE_PROVINCE, ROLE_TEAM, Staff, StaffVillage


class OutOfScope(Exception):
    """Asked for a place or household outside the user's scope (answers 403)."""


@dataclass(frozen=True)
class Scope:
    """`village_ids` None means every village, and also what belongs to no household (guests)."""

    village_ids: frozenset[int] | None
    commune_ids: frozenset[int] | None

    @property
    def everything(self) -> bool:
        return self.village_ids is None

    @classmethod
    def all(cls) -> "Scope":
        return cls(None, None)

    @classmethod
    def of(cls, session: Session, user: Staff) -> "Scope":
        if user.role == ROLE_PROVINCE:
            return cls.all()
        if user.role == ROLE_COMMUNE:
            if user.commune_id is None:  # refused by auth.create_user; such a row sees nothing
                return cls(frozenset(), frozenset())
            villages = session.scalars(select(Village.id).where(Village.commune_id == user.commune_id)).all()
            return cls(frozenset(villages), frozenset({user.commune_id}))
        if user.role == ROLE_TEAM:
            rows = session.execute(
                select(Village.id, Village.commune_id)
                .join(StaffVillage, StaffVillage.village_id == Village.id)
                .where(StaffVillage.staff_id == user.id)).all()
            return cls(frozenset(r[0] for r in rows), frozenset(r[1] for r in rows))
        return cls(frozenset(), frozenset())

    def households(self) -> Select:
        """The ids of households in scope, as a subquery."""
        query = select(Household.id)
        if self.village_ids is not None:  # not everything
            query = query.where(Household.village_id.in_(sorted(self.village_ids)))
        return query

    def household_filter(self, column) -> ColumnElement[bool]:
        """A condition on a household id column: in scope (guests' rows only for everything)."""
        if self.everything:
            return true()
        return column.in_(self.households().scalar_subquery())

    def village_filter(self, column) -> ColumnElement[bool]:
        if self.village_ids is None:  # everything
            return true()
        return column.in_(sorted(self.village_ids))

    def commune_filter(self, column) -> ColumnElement[bool]:
        if self.commune_ids is None:
            return true()
        return column.in_(sorted(self.commune_ids))

    def check_commune(self, commune_id: int) -> None:
        if self.commune_ids is not None and commune_id not in self.commune_ids:
            raise OutOfScope(f"commune {commune_id}")

    def check_village(self, village_id: int) -> None:
        if self.village_ids is not None and village_id not in self.village_ids:
            raise OutOfScope(f"village {village_id}")
