"""The people of the service: admin web users and community tech team members, and their villages."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.storage.base import Base, utcnow
from bot.storage.places import Commune, Village

ROLE_PROVINCE = "province"
ROLE_COMMUNE = "commune"
ROLE_TEAM = "team"
ROLES = (ROLE_PROVINCE, ROLE_COMMUNE, ROLE_TEAM)
ROLE_MEMBER = "member"      # looks after some villages
TEAM_ROLES = (ROLE_MEMBER, ROLE_COMMUNE, ROLE_PROVINCE)


class AdminUser(Base):
    """A person who logs into the admin web: a province admin, a commune admin or a tech team member.

    Besides the name and argon2 password hash it holds the second factor: the TOTP secret (base32, shown once
    at enrolment and never again; pending until confirmed by a code) and the last time step a code was used
    (so a code cannot be replayed). Deleting the user deletes all of it, and its recovery codes cascade.
    """

    __tablename__ = "admin_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    # A commune admin's commune; a team member's villages are in admin_user_villages.
    commune_id: Mapped[int | None] = mapped_column(ForeignKey("communes.id"))
    display_name: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    # Set when a code confirmed the secret: until then the secret is only a pending enrolment.
    totp_enabled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    commune: Mapped[Commune | None] = relationship()
    villages: Mapped[list[Village]] = relationship(secondary="admin_user_villages", order_by=Village.id)

    @property
    def totp_enabled(self) -> bool:
        return self.totp_secret is not None and self.totp_enabled_at is not None

    def __repr__(self) -> str:
        return f"AdminUser(id={self.id!r}, username={self.username!r}, role={self.role!r})"


class AdminUserVillage(Base):
    """The villages a tech team member looks after."""

    __tablename__ = "admin_user_villages"

    user_id: Mapped[int] = mapped_column(ForeignKey("admin_users.id", ondelete="CASCADE"), primary_key=True)
    village_id: Mapped[int] = mapped_column(ForeignKey("villages.id"), primary_key=True)

    def __repr__(self) -> str:
        return f"AdminUserVillage(user_id={self.user_id!r}, village_id={self.village_id!r})"


class TeamMember(Base):
    """A person of a community tech team; their chat identity is linked with a one-time code."""

    __tablename__ = "team_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(20))
    role: Mapped[str] = mapped_column(String(16), default=ROLE_MEMBER)
    commune_id: Mapped[int | None] = mapped_column(ForeignKey("communes.id"))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"), unique=True)
    # sha256 of the one-time link code; the code itself is shown once and never stored.
    link_code_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    link_code_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    commune: Mapped[Commune | None] = relationship()
    villages: Mapped[list[Village]] = relationship(secondary="team_member_villages", order_by=Village.id)

    def __repr__(self) -> str:
        return f"TeamMember(id={self.id!r}, name={self.name!r}, role={self.role!r})"


class TeamMemberVillage(Base):
    __tablename__ = "team_member_villages"

    team_member_id: Mapped[int] = mapped_column(ForeignKey("team_members.id", ondelete="CASCADE"),
                                                primary_key=True)
    village_id: Mapped[int] = mapped_column(ForeignKey("villages.id"), primary_key=True)

    def __repr__(self) -> str:
        return f"TeamMemberVillage(team_member_id={self.team_member_id!r}, village_id={self.village_id!r})"
