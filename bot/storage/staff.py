"""The people of the service (admins and community tech team members), one role vocabulary, their villages."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, or_
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.storage.base import Base, utcnow
from bot.storage.places import Commune, Village

# Staff.role: the whole province, one commune (its commune_id), or some villages (staff_villages).
ROLE_PROVINCE = "province"
ROLE_COMMUNE = "commune"
ROLE_TEAM = "team"
ROLES = (ROLE_PROVINCE, ROLE_COMMUNE, ROLE_TEAM)


class Staff(Base):
    """A person of the service: a province or commune official or a tech team member, with a role and a scope.

    Who logs into the admin web has a login: a username, an argon2 password hash, the second factor (the TOTP
    secret, base32, shown once at enrolment and never again, pending until a code confirms it; the last time
    step a code was used, so a code cannot be replayed) and the last login time. Who links their chat has a
    chat link: the member row of that chat, an optional phone, and the sha256 of a one-time link code while
    one is outstanding (the code itself is never stored). Either part is None for who does not use it; one
    person may hold both. Personal data: the name, username, phone, the link to a chat; kept while the person
    serves. An operator deletes the row (its villages, sessions and recovery codes cascade; its audit rows keep
    only the username they were written with), or sets it inactive when help requests or pushes name it; a
    citizen's erasure unlinks their chat (bot/people/erasure.py).
    """

    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))  # what to call them: given, or the username
    role: Mapped[str] = mapped_column(String(16), default=ROLE_TEAM)
    # A commune admin's commune (and a team member's); a team member's villages are in staff_villages.
    commune_id: Mapped[int | None] = mapped_column(ForeignKey("communes.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # The admin web's login.
    username: Mapped[str | None] = mapped_column(String(64), unique=True, index=True)
    password_hash: Mapped[str | None] = mapped_column(String(200))
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    # Set when a code confirmed the secret: until then the secret is only a pending enrolment.
    totp_enabled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    # The chat link.
    phone: Mapped[str | None] = mapped_column(String(20))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"), unique=True)
    link_code_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    link_code_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    commune: Mapped[Commune | None] = relationship()
    villages: Mapped[list[Village]] = relationship(secondary="staff_villages", order_by=Village.id)

    @property
    def totp_enabled(self) -> bool:
        return self.totp_secret is not None and self.totp_enabled_at is not None

    def __repr__(self) -> str:
        return f"Staff(id={self.id!r}, name={self.name!r}, role={self.role!r})"


def in_chat_team():
    """Staff of the chat team (`camtay team`): who has no login, or has a chat link besides it."""
    return or_(Staff.username.is_(None), Staff.member_id.is_not(None), Staff.link_code_hash.is_not(None))


def logs_in():
    """Staff with a login to the admin web (`camtay admin`)."""
    return Staff.username.is_not(None)


class StaffVillage(Base):
    """The villages a tech team member looks after: no personal data; deleted with the person (cascade)."""

    __tablename__ = "staff_villages"

    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), primary_key=True)
    village_id: Mapped[int] = mapped_column(ForeignKey("villages.id"), primary_key=True)

    def __repr__(self) -> str:
        return f"StaffVillage(staff_id={self.staff_id!r}, village_id={self.village_id!r})"
