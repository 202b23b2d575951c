"""Admin accounts: argon2 passwords, login with lockout (wrong passwords and wrong codes), server-side sessions."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bot.admin.period import as_utc
from bot.admin.security import Keys, new_token
from bot.storage.admin_access import AdminLoginAttempt, AdminSession
from bot.storage.base import utcnow
from bot.storage.places import Commune, Village
from bot.storage.staff import ROLE_COMMUNE, ROLE_PROVINCE, ROLE_TEAM, ROLES, Staff

MAX_FAILURES = 5  # per username, within LOCKOUT_WINDOW
MAX_FAILURES_PER_IP = 20  # password spraying over many usernames
LOCKOUT_WINDOW = timedelta(minutes=15)
SESSION_IDLE = timedelta(minutes=30)  # the default of ADMIN_IDLE_MINUTES
PENDING_MAX = timedelta(minutes=10)  # between the password and the second factor (or its enrolment)
SESSION_MAX = timedelta(hours=12)
SESSION_TOUCH_EVERY = timedelta(minutes=1)
MIN_PASSWORD_LENGTH = 10
USERNAME_MAX = 64

# argon2id with the library's defaults (RFC 9106's low-memory profile: 64 MiB, 3 passes).
_hasher = PasswordHasher()
_dummy_hashes: dict[int, str] = {}
# Recovery codes carry ~50 random bits, so a lighter argon2id is enough offline; the login checks up to 8 of them.
_code_hasher = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1)


def _dummy_hash() -> str:
    """Verified when the username is unknown, so both answers take as long."""
    key = id(_hasher)
    if key not in _dummy_hashes:
        _dummy_hashes[key] = _hasher.hash("camtay-no-such-user")
    return _dummy_hashes[key]


SECOND_FACTOR_ROLES = (ROLE_PROVINCE, ROLE_COMMUNE)  # team members: password only (TOTP is not offered)


def second_factor_required(user: Staff) -> bool:
    return user.role in SECOND_FACTOR_ROLES


def needs_second_factor(user: Staff) -> bool:
    """Whether a right password alone is not yet a login for this user."""
    return user.totp_enabled or second_factor_required(user)


def hash_secret(value: str) -> str:
    """An argon2 hash of a random secret other than a password (recovery codes)."""
    return _code_hasher.hash(value)


def verify_secret(hashed: str, value: str) -> bool:
    try:
        return _code_hasher.verify(hashed, value)
    except (VerificationError, InvalidHashError):
        return False


class AccountError(ValueError):
    """A user cannot be created or changed as asked; the message says why."""


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password must be at least {MIN_PASSWORD_LENGTH} characters long")
    return _hasher.hash(password)


def clean_username(username: str) -> str:
    name = (username or "").strip().lower()
    if not name or len(name) > USERNAME_MAX or not all(c.isalnum() or c in "._-@" for c in name):
        raise AccountError("a username is 1-64 letters, digits, '.', '_', '-' or '@'")
    return name


def create_user(session: Session, username: str, password: str, role: str, *,
                commune: Commune | None = None, villages: Sequence[Village] = (),
                display_name: str | None = None) -> Staff:
    """A new admin user with a role and its scope, checked for consistency."""
    name = clean_username(username)
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}")
    if role == ROLE_COMMUNE and commune is None:
        raise AccountError("a commune admin needs a commune")
    if role == ROLE_TEAM and not villages:
        raise AccountError("a team member needs at least one village")
    if session.scalars(select(Staff.id).where(Staff.username == name)).first() is not None:
        raise AccountError(f"the user {name!r} exists already")
    user = Staff(username=name, password_hash=hash_password(password), role=role,
                 commune_id=commune.id if role == ROLE_COMMUNE and commune is not None else None,
                 name=display_name or name, active=True)
    if role == ROLE_TEAM:
        user.villages = list(villages)
    session.add(user)
    session.flush()
    return user


def set_password(session: Session, user: Staff, password: str) -> None:
    user.password_hash = hash_password(password)
    # A new password logs every browser out.
    session.execute(delete(AdminSession).where(AdminSession.user_id == user.id))


@dataclass(frozen=True)
class LoginResult:
    user: Staff | None
    locked_until: datetime | None = None
    second_factor: bool = False  # the password was right; a code (or enrolment) must follow


    @property
    def ok(self) -> bool:
        return self.user is not None


def _locked_until(session: Session, column, value: str, limit: int, now: datetime) -> datetime | None:
    """When the last `limit` failures (since the last success, within the window) age out, or None."""
    last_success = session.scalar(select(func.max(AdminLoginAttempt.at)).where(
        column == value, AdminLoginAttempt.success.is_(True)))
    since = now - LOCKOUT_WINDOW
    if last_success is not None and as_utc(last_success) > since:
        since = as_utc(last_success)
    failures = session.scalars(
        select(AdminLoginAttempt.at)
        .where(column == value, AdminLoginAttempt.success.is_(False), AdminLoginAttempt.at > since)
        .order_by(AdminLoginAttempt.at.desc()).limit(limit)).all()
    if len(failures) < limit:
        return None
    return as_utc(failures[-1]) + LOCKOUT_WINDOW


def lockout(session: Session, username: str, ip: str, now: datetime) -> datetime | None:
    """Until when logins for this username (or from this address) are refused, or None."""
    by_name = _locked_until(session, AdminLoginAttempt.username, username, MAX_FAILURES, now)
    by_ip = _locked_until(session, AdminLoginAttempt.ip, ip, MAX_FAILURES_PER_IP, now)
    return max((t for t in (by_name, by_ip) if t is not None), default=None)


def authenticate(session: Session, username: str, password: str, ip: str,
                 now: datetime | None = None) -> LoginResult:
    """Check a password; every failure is recorded, and a locked account is refused without a check.

    For a user with a second factor a right password is not recorded as a success: only the code is
    (complete_login), so that a right password cannot reset the count of wrong codes.
    """
    now = now or utcnow()
    name = (username or "").strip().lower()[:USERNAME_MAX]
    ip = (ip or "?")[:64]
    locked = lockout(session, name, ip, now)
    if locked is not None:
        return LoginResult(None, locked)
    user = session.scalars(select(Staff).where(Staff.username == name)).first() if name else None
    ok = False
    try:
        # Staff who only link their chat have no password: checked against the dummy, never let in.
        ok = _hasher.verify(user.password_hash if user and user.password_hash else _dummy_hash(), password or "")
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok or user is None or user.password_hash is None or not user.active:
        return LoginResult(None, record_failure(session, name, ip, now))
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    if needs_second_factor(user):
        return LoginResult(user, second_factor=True)
    complete_login(session, user, ip, now)
    return LoginResult(user)


def record_failure(session: Session, username: str, ip: str, now: datetime) -> datetime | None:
    """A wrong password or code, counted toward the lockout; returns the lockout it reaches, if any."""
    session.add(AdminLoginAttempt(username=username[:USERNAME_MAX], ip=(ip or "?")[:64], success=False, at=now))
    session.flush()
    return lockout(session, username[:USERNAME_MAX], (ip or "?")[:64], now)


def complete_login(session: Session, user: Staff, ip: str, now: datetime) -> None:
    """Every factor was right: recorded as the success that resets the failure count."""
    session.add(AdminLoginAttempt(username=user.username, ip=(ip or "?")[:64], success=True, at=now))
    user.last_login_at = now


def open_session(session: Session, keys: Keys, user: Staff, ip: str, now: datetime | None = None, *,
                 pending: str | None = None, idle: timedelta = SESSION_IDLE) -> str:
    """A new session for the user; returns the cookie's token (only its keyed hash is stored).

    A pending session ("code", "enrol") opens no page but the second factor's, for PENDING_MAX at most.
    """
    now = now or utcnow()
    token = new_token()
    session.add(AdminSession(id=keys.session_id(token), user_id=user.id, created_at=now, last_seen_at=now,
                             expires_at=now + (min(idle, PENDING_MAX) if pending else idle),
                             ip=(ip or "?")[:64], pending=pending))
    # Expired sessions are removed here, so the table stays small without a cron job.
    session.execute(delete(AdminSession).where(AdminSession.expires_at < now))
    return token


def session_row(session: Session, keys: Keys, token: str | None, now: datetime | None = None) -> AdminSession | None:
    """The live session of a cookie, full or pending; an expired one is deleted and None returned."""
    if not token or len(token) > 100:
        return None
    now = now or utcnow()
    row = session.get(AdminSession, keys.session_id(token))
    if row is None:
        return None
    if as_utc(row.expires_at) <= now or not row.user.active:
        session.delete(row)
        return None
    return row


def session_user(session: Session, keys: Keys, token: str | None, now: datetime | None = None, *,
                 idle: timedelta = SESSION_IDLE) -> Staff | None:
    """The active user of a fully logged-in session cookie, sliding its idle expiry; None otherwise."""
    now = now or utcnow()
    row = session_row(session, keys, token, now)
    if row is None or row.pending is not None:
        return None
    # At most one write a minute per session, not one per request.
    if now - as_utc(row.last_seen_at) >= SESSION_TOUCH_EVERY:
        row.last_seen_at = now
        row.expires_at = min(as_utc(row.created_at) + SESSION_MAX, now + idle)
    return row.user


def close_session(session: Session, keys: Keys, token: str | None) -> None:
    if token:
        session.execute(delete(AdminSession).where(AdminSession.id == keys.session_id(token)))
