"""The second factor after the password: a TOTP or recovery code, or the enrolment that must come first."""
from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from bot.admin import audit, auth, totp
from bot.admin.messages import message
from bot.admin.security import new_token
from bot.admin.views.login import locked_message, render_login, safe_next
from bot.admin.web import SESSION_COOKIE, Admin, clear_cookie, client_ip, set_cookie, url, with_form
from bot.storage.admin_access import AdminSession
from bot.storage.base import utcnow

CODE_PAGE, ENROL_PAGE = "code", "enrol"


def _render(admin: Admin, request: Request, template: str, token: str, status: int = 200, **context) -> HTMLResponse:
    html = admin.env.get_template(template).render(
        csrf=admin.keys.csrf_token(token), url=lambda path, **params: url(request, path, **params), user=None,
        now=utcnow(), request_path=request.url.path, **context)
    return HTMLResponse(html, status_code=status)


def _to_login(request: Request) -> RedirectResponse:
    return RedirectResponse(url(request, "/login"), status_code=303)


async def code_page(request: Request) -> Response:
    return await _serve(request, CODE_PAGE)


async def enrol_page(request: Request) -> Response:
    return await _serve(request, ENROL_PAGE)


async def _serve(request: Request, stage: str) -> Response:
    return await with_form(request, _step, stage)


def _step(admin: Admin, request: Request, stage: str, form) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    source = form if form is not None else request.query_params
    next_url = safe_next(request, str(source.get("next") or ""))
    ip = client_ip(request)
    now = utcnow()
    with admin.services.sessions() as session:
        row = auth.session_row(session, admin.keys, token, now)
        if row is not None and row.pending is None:  # logged in already: nothing to do here
            return RedirectResponse(next_url, status_code=303)
        if row is None or token is None or row.pending != stage:  # no row without a token
            session.commit()
            return _to_login(request)
        user = row.user
        if form is None:
            if stage == CODE_PAGE:
                return _render(admin, request, "login_code.html", token, error=None, next=next_url)
            enrolment = totp.start_enrolment(user)
            session.commit()
            return _render(admin, request, "enrol.html", token, enrolment=enrolment, codes=None, error=None,
                           next=next_url)
        if not admin.keys.csrf_ok(token, str(form.get("csrf") or "")):
            audit.record(session, audit.CSRF_REJECTED, user, target=request.url.path[:200], ip=ip)
            session.commit()
            return _to_login(request)
        locked = auth.lockout(session, _username(row), ip, now)
        if locked is not None:
            return _locked(admin, request, session, row, locked, ip)
        code = str(form.get("code") or "")[:100]
        if stage == CODE_PAGE:
            return _check_code(admin, request, session, row, token, code, next_url, ip, now)
        return _confirm_enrolment(admin, request, session, row, token, code, next_url, ip, now)


def _username(row: AdminSession) -> str:
    """A pending session is opened by a password login, so its user has a username."""
    username = row.user.username
    if username is None:
        raise RuntimeError(f"admin session of staff {row.user_id}, who has no username")
    return username


def _check_code(admin: Admin, request: Request, session: Session, row: AdminSession, token: str, code: str,
                next_url: str, ip: str, now) -> Response:
    user = row.user
    if totp.check_code(user, code, now):
        return _logged_in(admin, request, session, row, ip, now, RedirectResponse(next_url, status_code=303))
    if totp.use_recovery_code(session, user, code):
        audit.record(session, audit.RECOVERY_CODE_USED, user, ip=ip,
                     detail={"left": totp.recovery_codes_left(session, user)})
        return _logged_in(admin, request, session, row, ip, now, RedirectResponse(next_url, status_code=303))
    if (locked := _wrong_code(session, row, ip, now)) is not None:
        return _locked(admin, request, session, row, locked, ip)
    session.commit()
    return _render(admin, request, "login_code.html", token, 401,
                   error=message("login.code_wrong"), next=next_url)


def _confirm_enrolment(admin: Admin, request: Request, session: Session, row: AdminSession, token: str,
                       code: str, next_url: str, ip: str, now) -> Response:
    user = row.user
    codes = totp.confirm_enrolment(session, user, code, now)
    if codes is None:
        if (locked := _wrong_code(session, row, ip, now)) is not None:
            return _locked(admin, request, session, row, locked, ip)
        session.commit()
        # The secret is not shown again: a user who could not scan it reloads the page for a new one.
        return _render(admin, request, "enrol.html", token, 401, enrolment=None,
                       codes=None, error=message("login.enrol_code_wrong"), next=next_url)
    audit.record(session, audit.TOTP_ENROLLED, user, ip=ip, detail={"recovery_codes": len(codes)})
    page = _render(admin, request, "enrol.html", new_token(), enrolment=None, codes=codes, error=None, next=next_url)
    return _logged_in(admin, request, session, row, ip, now, page)


def _wrong_code(session: Session, row: AdminSession, ip: str, now):
    """A wrong code counts as a failed login, like a wrong password."""
    audit.record(session, audit.LOGIN_FAILED, row.user, ip=ip, detail={"factor": "code"})
    return auth.record_failure(session, _username(row), ip, now)


def _logged_in(admin: Admin, request: Request, session: Session, row: AdminSession, ip: str, now,
               response: Response) -> Response:
    """Every factor was right: the pending session is swapped for a new full one (a new token)."""
    user = row.user
    session.delete(row)
    auth.complete_login(session, user, ip, now)
    token = auth.open_session(session, admin.keys, user, ip, now, idle=admin.idle)
    audit.record(session, audit.LOGIN, user, ip=ip)
    session.commit()
    set_cookie(response, request, SESSION_COOKIE, token)
    return response


def _locked(admin: Admin, request: Request, session: Session, row: AdminSession, until, ip: str) -> Response:
    audit.record(session, audit.LOGIN_LOCKED, row.user, ip=ip, detail={"until": until.isoformat()})
    username = _username(row)
    # Every half-done login of the user ends: none may try codes once the account is locked.
    session.execute(delete(AdminSession).where(AdminSession.user_id == row.user_id,
                                               AdminSession.pending.is_not(None)))
    session.commit()
    response = render_login(admin, request, new_token(), 429, locked_message(until), username)
    clear_cookie(response, request, SESSION_COOKIE)
    return response
