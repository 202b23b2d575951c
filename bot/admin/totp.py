"""The second factor of admin accounts: TOTP (RFC 6238) with a one-time QR, and single-use recovery codes."""
from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

import pyotp
import segno
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.admin import auth
from bot.storage.admin_access import AdminRecoveryCode, AdminSession
from bot.storage.staff import Staff

ISSUER = "camtay"
RECOVERY_CODES = 8
VALID_WINDOW = 1  # one 30-second step either side: phone clocks drift
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read off paper


@dataclass(frozen=True)
class Enrolment:
    """What the enrolment page shows once: the secret, as text and as a QR code (inline SVG)."""

    secret: str
    uri: str
    qr_svg: str


def start_enrolment(user: Staff) -> Enrolment:
    """A new pending secret (any earlier pending one is dropped, so a secret is shown only once)."""
    if user.totp_enabled:
        raise auth.AccountError(f"{user.username} has a second factor already; reset it first")
    user.totp_secret = pyotp.random_base32()
    user.totp_last_step = None
    uri = pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.username, issuer_name=ISSUER)
    return Enrolment(user.totp_secret, uri, segno.make(uri, error="m").svg_inline(scale=4, border=2, omitsize=True))


def _clean_code(code: str) -> str:
    return "".join(c for c in (code or "") if not c.isspace() and c != "-").lower()[:40]


def check_code(user: Staff, code: str, now: datetime) -> bool:
    """A current TOTP code (±1 step) not used before; the step is remembered so it cannot be replayed."""
    code = _clean_code(code)
    if user.totp_secret is None or len(code) != 6 or not code.isdigit():
        return False
    totp = pyotp.TOTP(user.totp_secret)
    current = totp.timecode(now)
    for step in range(current - VALID_WINDOW, current + VALID_WINDOW + 1):
        if user.totp_last_step is not None and step <= user.totp_last_step:
            continue
        if hmac.compare_digest(totp.generate_otp(step), code):
            user.totp_last_step = step
            return True
    return False


def _new_recovery_code() -> str:
    raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


def confirm_enrolment(session: Session, user: Staff, code: str, now: datetime) -> list[str] | None:
    """Enable the pending secret when the code matches; returns the recovery codes (shown once), else None."""
    if user.totp_enabled or not check_code(user, code, now):
        return None
    user.totp_enabled_at = now
    session.execute(delete(AdminRecoveryCode).where(AdminRecoveryCode.user_id == user.id))
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODES)]
    for plain in codes:
        session.add(AdminRecoveryCode(user_id=user.id, code_hash=auth.hash_secret(_clean_code(plain)), created_at=now))
    return codes


def use_recovery_code(session: Session, user: Staff, code: str) -> bool:
    """A recovery code of the user, deleted as it is used; False for anything else."""
    code = _clean_code(code)
    if len(code) != 10 or not user.totp_enabled:
        return False
    for row in session.scalars(select(AdminRecoveryCode).where(AdminRecoveryCode.user_id == user.id)):
        if auth.verify_secret(row.code_hash, code):
            session.delete(row)
            session.flush()
            return True
    return False


def recovery_codes_left(session: Session, user: Staff) -> int:
    return len(session.scalars(select(AdminRecoveryCode.id).where(AdminRecoveryCode.user_id == user.id)).all())


def reset(session: Session, user: Staff) -> None:
    """Forget the second factor (a lost phone): the next login enrols again; every browser is logged out."""
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    session.execute(delete(AdminRecoveryCode).where(AdminRecoveryCode.user_id == user.id))
    session.execute(delete(AdminSession).where(AdminSession.user_id == user.id))
