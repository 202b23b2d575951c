"""Logging in and out: CSRF on the login form too, lockout after repeated failures; the code step is in second_factor."""
from __future__ import annotations

from datetime import datetime

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from bot.admin import audit, auth
from bot.admin.messages import message
from bot.admin.period import local
from bot.admin.security import new_token
from bot.admin.web import (
    LOGIN_COOKIE,
    SESSION_COOKIE,
    Admin,
    Ctx,
    clear_cookie,
    client_ip,
    form_refused,
    mount_path,
    page,
    read_form,
    set_cookie,
    url,
)
from bot.storage.base import utcnow

MAX_FIELD = 200


def _safe_next(request: Request, target: str | None) -> str:
    """Only a path of the admin itself: never another site (open redirect)."""
    base = mount_path(request).rstrip("/")
    if target and target.startswith(base + "/") and not target.startswith("//") and "\\" not in target \
            and len(target) < 2000:
        return target
    return url(request, "/")


def render_login(admin: Admin, request: Request, token: str, status: int = 200, error: str | None = None,
                 username: str = "", next_url: str = "", info: str | None = None) -> HTMLResponse:
    html = admin.env.get_template("login.html").render(
        csrf=admin.keys.csrf_token(token), error=error, info=info, username=username, next=next_url,
        url=lambda path, **params: url(request, path, **params), user=None, now=utcnow(),
        request_path=request.url.path)
    response = HTMLResponse(html, status_code=status)
    set_cookie(response, request, LOGIN_COOKIE, token)
    return response


def safe_next(request: Request, target: str | None) -> str:
    return _safe_next(request, target)


def locked_message(until: datetime) -> str:
    return message("login.locked", until=local(until).strftime("%H:%M"))


async def login_page(request: Request) -> Response:
    admin: Admin = request.app.state.admin
    if request.method == "POST":
        form = await read_form(request)
        if form is None:
            return form_refused()
        return await run_in_threadpool(_login, admin, request, form)
    token = request.cookies.get(LOGIN_COOKIE) or new_token()
    info = message("login.idle") if request.query_params.get("expired") else None
    return render_login(admin, request, token, next_url=_safe_next(request, request.query_params.get("next")),
                        info=info)


def _login(admin: Admin, request: Request, form) -> Response:
    token = request.cookies.get(LOGIN_COOKIE)
    username = str(form.get("username") or "")[:MAX_FIELD]
    password = str(form.get("password") or "")[:1000]
    next_url = _safe_next(request, str(form.get("next") or ""))
    ip = client_ip(request)
    with admin.services.sessions() as session:
        if not token or not admin.keys.csrf_ok(token, str(form.get("csrf") or "")):
            audit.record(session, audit.CSRF_REJECTED, username=username.strip().lower()[:64] or "?",
                         target="/login", ip=ip)
            session.commit()
            return render_login(admin, request, new_token(), 403, message("login.form_expired"),
                           username, next_url)
        result = auth.authenticate(session, username, password, ip)
        name = username.strip().lower()[:64] or "?"
        user = result.user  # None unless result.ok
        if user is None:
            if result.locked_until is not None:
                audit.record(session, audit.LOGIN_LOCKED, username=name, ip=ip,
                             detail={"until": result.locked_until.isoformat()})
                session.commit()
                return render_login(admin, request, token, 429, locked_message(result.locked_until), username, next_url)
            audit.record(session, audit.LOGIN_FAILED, username=name, ip=ip)
            session.commit()
            return render_login(admin, request, token, 401, message("login.wrong"), username, next_url)
        # A new login replaces the browser's earlier session, pending or not.
        auth.close_session(session, admin.keys, request.cookies.get(SESSION_COOKIE))
        if result.second_factor:
            # Only the second factor's page opens with this session; the login is recorded after the code.
            pending = "code" if user.totp_enabled else "enrol"
            session_token = auth.open_session(session, admin.keys, user, ip, pending=pending,
                                              idle=admin.idle)
            session.commit()
            next_url = url(request, "/login/code" if pending == "code" else "/enrol", next=next_url)
        else:
            session_token = auth.open_session(session, admin.keys, user, ip, idle=admin.idle)
            audit.record(session, audit.LOGIN, user, ip=ip)
            session.commit()
    response = RedirectResponse(next_url, status_code=303)
    set_cookie(response, request, SESSION_COOKIE, session_token)
    clear_cookie(response, request, LOGIN_COOKIE)
    return response


@page()
def logout(ctx: Ctx) -> Response:
    auth.close_session(ctx.session, ctx.admin.keys, ctx.request.cookies.get(SESSION_COOKIE))
    ctx.audit(audit.LOGOUT)
    response = ctx.redirect("/login")
    clear_cookie(response, ctx.request, SESSION_COOKIE)
    return response
