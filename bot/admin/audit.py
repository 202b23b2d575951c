"""The audit log: every admin action, who did it, on what; never a citizen's personal data."""
from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy.orm import Session

from bot.people import support_sessions, team_outcomes
from bot.storage.admin_access import AdminAuditLog
from bot.storage.base import utcnow
from bot.storage.staff import Staff

# Actions, named once so that the audit page and tests agree.
LOGIN = "login"
LOGIN_FAILED = "login_failed"
LOGIN_LOCKED = "login_locked"
LOGOUT = "logout"
VIEW_HOUSEHOLD = "view_household"
EXPORT_LOG_CSV = "export_log_csv"
EXPORT_HOUSEHOLD = "export_household"
DELETE_HOUSEHOLD = "delete_household"
VIEW_MEMBER = "view_member"
EXPORT_MEMBER = "export_member"
ERASE_MEMBER = "erase_member"
LEARN_EXAMPLE = "learn_example"
SCHEDULE_SESSION = "schedule_session"
RECORD_ATTENDANCE = "record_attendance"
CANCEL_SESSION = support_sessions.CANCEL_SESSION  # written where it is done, also from chat (/huybuoi)
RECORD_OUTCOME = team_outcomes.RECORD_OUTCOME  # also written from chat (/ketqua)
CREATE_USER = "create_user"
SET_PASSWORD = "set_password"
TOTP_ENROLLED = "totp_enrolled"
TOTP_RESET = "totp_reset"
RECOVERY_CODE_USED = "recovery_code_used"
CSRF_REJECTED = "csrf_rejected"
FORBIDDEN = "forbidden"


def record(session: Session, action: str, user: Staff | None = None, *, username: str | None = None,
           target: str | None = None, detail: dict | None = None, ip: str | None = None,
           at: datetime | None = None) -> AdminAuditLog:
    """Add one audit row to the session (committed with the action it records)."""
    row = AdminAuditLog(
        at=at or utcnow(), user_id=user.id if user else None,
        username=((user.username if user else None) or username or "?")[:64], action=action,
        target=target[:200] if target else None,
        detail=json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str) if detail else None,
        ip=ip[:64] if ip else None,
    )
    session.add(row)
    return row
