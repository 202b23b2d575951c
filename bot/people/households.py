"""Households and their places: creating them with a unique join code."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.shared.join_codes import new_join_code
from bot.storage.households import Household
from bot.storage.places import Commune, Village


def village_of(session: Session, commune: str, village: str) -> Village:
    """The village row, creating the commune and village when new."""
    commune_row = session.scalars(select(Commune).where(Commune.name == commune)).first()
    if commune_row is None:
        commune_row = Commune(name=commune)
        session.add(commune_row)
        session.flush()
    village_row = session.scalars(select(Village).where(
        Village.commune_id == commune_row.id, Village.name == village)).first()
    if village_row is None:
        village_row = Village(commune_id=commune_row.id, name=village)
        session.add(village_row)
        session.flush()
    return village_row


def _unused_join_code(session: Session) -> str:
    while True:
        code = new_join_code()
        if session.scalars(select(Household.id).where(Household.join_code == code)).first() is None:
            return code


def add_household(session: Session, commune: str, village: str, head_name: str,
                  address: str | None = None, code: str | None = None) -> Household:
    village_row = village_of(session, commune.strip(), village.strip())
    household = Household(village_id=village_row.id, head_name=head_name.strip(), address=address,
                          code="", join_code=_unused_join_code(session))
    session.add(household)
    session.flush()
    household.code = code or f"HH{household.id:06d}"
    session.flush()
    return household
