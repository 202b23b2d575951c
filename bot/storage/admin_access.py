"""The admin web's access records: server-side sessions, recovery codes, login attempts (lockout), the audit log."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.storage.base import Base, utcnow
from bot.storage.staff import Staff


class AdminSession(Base):
    """A logged-in browser; the cookie holds a random token, the table only its keyed hash."""

    __tablename__ = "admin_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    ip: Mapped[str | None] = mapped_column(String(64))
    # None once fully logged in; "code" while the second factor is awaited, "enrol" until it is set up.
    pending: Mapped[str | None] = mapped_column(String(8))
    user: Mapped[Staff] = relationship()

    def __repr__(self) -> str:
        return f"AdminSession(user_id={self.user_id!r}, expires_at={self.expires_at!r})"


class AdminRecoveryCode(Base):
    """A single-use recovery code of a user's second factor: only its argon2 hash; deleted when used.

    No personal data beyond the link to the admin user; deleted with the user (FK cascade) or a TOTP reset.
    """

    __tablename__ = "admin_recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    def __repr__(self) -> str:
        return f"AdminRecoveryCode(id={self.id!r}, user_id={self.user_id!r})"


class AdminLoginAttempt(Base):
    """Every login attempt, known user or not; the lockout counts recent failures per username and IP."""

    __tablename__ = "admin_login_attempts"
    __table_args__ = (
        Index("ix_admin_login_attempts_username_at", "username", "at"),
        Index("ix_admin_login_attempts_ip_at", "ip", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    ip: Mapped[str] = mapped_column(String(64))
    success: Mapped[bool] = mapped_column(Boolean)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    def __repr__(self) -> str:
        return f"AdminLoginAttempt(username={self.username!r}, success={self.success!r})"


class AdminAuditLog(Base):
    """One admin action: who, what, on what; never a citizen's personal data."""

    __tablename__ = "admin_audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    # Kept when the user is deleted: the username says who it was.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    username: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[str | None] = mapped_column(String(200))
    detail: Mapped[str | None] = mapped_column(Text)
    ip: Mapped[str | None] = mapped_column(String(64))

    def __repr__(self) -> str:
        return f"AdminAuditLog(id={self.id!r}, username={self.username!r}, action={self.action!r})"
