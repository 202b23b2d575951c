"""Community tech team members (staff of the chat team): registered per village, chat linked with a one-time code."""
from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.delivery.clock import aware
from bot.shared.join_codes import JOIN_CODE_ALPHABET
from bot.storage.households import Member
from bot.storage.places import Commune, Village
from bot.storage.staff import ROLE_COMMUNE, ROLE_PROVINCE, ROLE_TEAM, ROLES, Staff, StaffVillage, in_chat_team

LINK_PREFIX = "TV"  # "tổ viên": told apart from a household's 6-character join code at a glance
LINK_CODE = re.compile(r"^TV[A-Z0-9]{8}$")


class TeamError(ValueError):
    """A clear message for the operator (CLI) about what is wrong with the request."""


def new_link_code() -> str:
    return LINK_PREFIX + "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(8))


def code_hash(code: str) -> str:
    return hashlib.sha256(code.strip().upper().encode()).hexdigest()


def is_link_code(text: str) -> bool:
    return bool(LINK_CODE.match(text.strip().upper()))


def find_commune(session: Session, name: str) -> Commune:
    commune = session.scalars(select(Commune).where(Commune.name == name.strip())).first()
    if commune is None:
        known = ", ".join(session.scalars(select(Commune.name).order_by(Commune.name))) or "none yet"
        raise TeamError(f"no commune {name!r} (known: {known}); import its households first")
    return commune


def find_village(session: Session, name: str, commune: str | None = None) -> Village:
    """A village by name (and commune when the name is not unique)."""
    query = select(Village).where(Village.name == name.strip())
    if commune:
        query = query.where(Village.commune_id == find_commune(session, commune).id)
    villages = session.scalars(query).all()
    if len(villages) > 1:
        raise TeamError(f"village {name!r} exists in several communes: give --commune")
    if not villages:
        where = f" of {commune!r}" if commune else ""
        raise TeamError(f"no village {name!r}{where}; import its households first")
    return villages[0]


def issue_link_code(member: Staff, now: datetime, days: int) -> str:
    """A new one-time code (the old one stops working); only its hash is kept."""
    code = new_link_code()
    member.link_code_hash = code_hash(code)
    member.link_code_expires_at = now + timedelta(days=days)
    return code


def add_member(session: Session, name: str, villages: list[str], commune: str | None, role: str,
               phone: str | None, now: datetime, code_days: int) -> tuple[Staff, str]:
    """Register a member (or add villages to one with the same name and commune); returns a link code."""
    if role not in ROLES:
        raise TeamError(f"role must be one of {', '.join(ROLES)}")
    name = " ".join(name.split())
    if not name:
        raise TeamError("a name is needed")
    village_rows = [find_village(session, v, commune) for v in villages]
    commune_row = find_commune(session, commune) if commune else (village_rows[0].commune if village_rows else None)
    if role == ROLE_TEAM and not village_rows:
        raise TeamError("a team member looks after at least one village: give --village")
    if role == ROLE_COMMUNE and commune_row is None:
        raise TeamError("a commune admin needs --commune")
    if any(v.commune_id != commune_row.id for v in village_rows if commune_row is not None):
        raise TeamError("every village must be in the member's commune")
    # Only the chat team's rows: an admin login of the same name is not merged into (one may be linked later).
    member = session.scalars(select(Staff).where(
        Staff.name == name, Staff.commune_id == (commune_row.id if commune_row else None), in_chat_team())).first()
    if member is None:
        member = Staff(name=name, role=role, commune_id=commune_row.id if commune_row else None,
                       phone=phone, active=True, created_at=now)
        session.add(member)
    member.role = role if role != ROLE_TEAM else member.role
    member.phone = phone or member.phone
    member.active = True
    for village in village_rows:
        if village not in member.villages:
            member.villages.append(village)
    code = issue_link_code(member, now, code_days)
    session.flush()
    return member, code


def team_member_of(session: Session, member: Member) -> Staff | None:
    """The active team member behind a chat identity, if any."""
    return session.scalars(select(Staff).where(Staff.member_id == member.id, Staff.active.is_(True))).first()


def link(session: Session, member: Member, code: str, now: datetime) -> Staff | None:
    """Spend a one-time code: this chat identity becomes the team member's. None when the code is not valid."""
    team_member = session.scalars(select(Staff).where(
        Staff.link_code_hash == code_hash(code), Staff.active.is_(True))).first()
    if team_member is None or team_member.link_code_expires_at is None or \
            aware(team_member.link_code_expires_at) < now:
        return None
    previous = team_member_of(session, member)
    if previous is not None and previous.id != team_member.id:
        previous.member_id = None  # one chat identity is one team member
        session.flush()
    team_member.member_id = member.id
    team_member.link_code_hash = None
    team_member.link_code_expires_at = None
    return team_member


def village_ids(session: Session, team_member: Staff) -> list[int]:
    """The villages a member may push to and helps: their own, a commune's, or every village."""
    if team_member.role == ROLE_PROVINCE:
        return list(session.scalars(select(Village.id).order_by(Village.id)))
    if team_member.role == ROLE_COMMUNE and team_member.commune_id is not None:
        return list(session.scalars(select(Village.id).where(
            Village.commune_id == team_member.commune_id).order_by(Village.id)))
    return [v.id for v in team_member.villages]


def helpers_of_village(session: Session, village_id: int) -> list[tuple[Staff, Member]]:
    """Linked, active team members looking after a village, with their chat identities."""
    rows = session.execute(
        select(Staff, Member).join(Member, Member.id == Staff.member_id)
        .join(StaffVillage, StaffVillage.staff_id == Staff.id)
        .where(StaffVillage.village_id == village_id, Staff.active.is_(True))
        .order_by(Staff.id)).all()
    return [(t, m) for t, m in rows]


def admins_of_commune(session: Session, commune_id: int) -> list[tuple[Staff, Member]]:
    """The commune's admins with a linked chat identity (escalations go to them)."""
    rows = session.execute(
        select(Staff, Member).join(Member, Member.id == Staff.member_id)
        .where(Staff.commune_id == commune_id, Staff.role == ROLE_COMMUNE, Staff.active.is_(True))
        .order_by(Staff.id)).all()
    return [(t, m) for t, m in rows]
