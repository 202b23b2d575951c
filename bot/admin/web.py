"""The admin web's plumbing: who is asking (session), may they (role, scope, CSRF), and rendering."""
from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol, TypeVar
from urllib.parse import parse_qsl, urlencode

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from bot.admin import audit, auth, formatting
from bot.admin.errors import AdminError, CsrfRejected, Forbidden, NotFound
from bot.admin.messages import message
from bot.admin.queries.content import ContentChecker
from bot.admin.scope import OutOfScope, Scope
from bot.admin.security import Keys, load_secret
from bot.channels.limits import BodyTooLarge, read_body
from bot.channels.services import Services
from bot.storage.base import utcnow
from bot.storage.staff import ROLES, Staff

log = logging.getLogger(__name__)
ADMIN_DIR = Path(__file__).resolve().parent
SESSION_COOKIE = "camtay_admin"
LOGIN_COOKIE = "camtay_admin_login"
MAX_FORM_FIELDS = 50
# Admin forms are a few short fields; a body past this is refused before anything else is done with it.
MAX_FORM_BYTES = 64 * 1024
SECURITY_HEADERS = {
    "content-security-policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                               "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "cache-control": "no-store",
}


def templates() -> Environment:
    env = Environment(loader=FileSystemLoader(ADMIN_DIR / "templates"), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    formatting.install(env)
    env.globals["message"] = message  # an entry of templates/messages.yml, by key
    return env


@dataclass
class Admin:
    """What the admin pages share, built once with the app."""

    services: Services
    keys: Keys
    env: Environment
    content: ContentChecker

    @classmethod
    def build(cls, services: Services) -> "Admin":
        settings = services.settings
        return cls(services, Keys(load_secret(settings)), templates(),
                   ContentChecker(settings.content_dir / "topics"))

    @property
    def idle(self) -> timedelta:
        """How long a session may go unused (ADMIN_IDLE_MINUTES)."""
        return timedelta(minutes=self.services.settings.admin_idle_minutes)

    @property
    def learned_path(self) -> Path:
        return self.services.settings.learned_examples_path


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "?"


def is_https(request: Request) -> bool:
    return request.url.scheme == "https"


def set_cookie(response: Response, request: Request, name: str, value: str, max_age: int | None = None) -> None:
    response.set_cookie(name, value, max_age=max_age, path=mount_path(request), httponly=True,
                        samesite="strict", secure=is_https(request))


def clear_cookie(response: Response, request: Request, name: str) -> None:
    response.delete_cookie(name, path=mount_path(request), httponly=True, samesite="strict",
                           secure=is_https(request))


def mount_path(request: Request) -> str:
    """Where the admin app is mounted ("/admin"), from the ASGI root_path."""
    return request.scope.get("root_path", "").rstrip("/") or "/"


def url(request: Request, path: str, **params) -> str:
    query = urlencode({k: v for k, v in params.items() if v not in (None, "", False)})
    base = mount_path(request).rstrip("/")
    return f"{base}{path}" + (f"?{query}" if query else "")


class _InAVillage(Protocol):
    village_id: int


V = TypeVar("V", bound=_InAVillage)


@dataclass
class Ctx:
    """One request of a logged-in user, handed to every page function (run in a worker thread)."""

    admin: Admin
    request: Request
    session: Session
    user: Staff
    scope: Scope
    csrf: str
    now: datetime
    form: FormData | None = None
    path_params: dict = field(default_factory=dict)

    @property
    def services(self) -> Services:
        return self.admin.services

    @property
    def params(self):
        return self.request.query_params

    @property
    def posted(self) -> FormData:
        """The form of a POST; the pages that read one are routed for POST only (bot/admin/app.py)."""
        if self.form is None:
            raise RuntimeError(f"{self.request.url.path} reads a form but was served without one (not a POST)")
        return self.form

    @property
    def ip(self) -> str:
        return client_ip(self.request)

    def url(self, path: str, **params) -> str:
        return url(self.request, path, **params)

    def render(self, template: str, *, status_code: int = 200, **context) -> HTMLResponse:
        html = self.admin.env.get_template(template).render(
            user=self.user, csrf=self.csrf, url=self.url, now=self.now, request_path=self.request.url.path,
            **context)
        return HTMLResponse(html, status_code=status_code)

    def audit(self, action: str, target: str | None = None, **detail) -> None:
        audit.record(self.session, action, self.user, target=target, detail=detail or None, ip=self.ip,
                     at=self.now)

    def redirect(self, path: str, **params) -> RedirectResponse:
        return RedirectResponse(self.url(path, **params), status_code=303)

    def village_row(self, model: type[V], row_id: int, missing: str) -> V:
        """The row of a table with a village_id (a household, a session), if it is in the user's villages;
        NotFound saying `missing` (a message's text) when there is no such row, OutOfScope when not theirs."""
        row = self.session.get(model, row_id)
        if row is None:
            raise NotFound(missing)
        self.scope.check_village(row.village_id)
        return row


def error_page(admin: Admin, request: Request, error: AdminError, user: Staff | None = None,
               csrf: str = "") -> HTMLResponse:
    html = admin.env.get_template("error.html").render(
        error=error, user=user, csrf=csrf, url=functools.partial(url, request), now=utcnow(),
        request_path=request.url.path)
    return HTMLResponse(html, status_code=error.status)


def _same_origin(request: Request) -> bool:
    """A POST must come from our own pages: the Origin (or Referer) names this host, when sent."""
    origin = request.headers.get("origin") or request.headers.get("referer")
    if origin is None:
        return True  # older browsers; the CSRF token still has to match
    if origin == "null":
        return False
    host = request.headers.get("host", "")
    return origin.split("://", 1)[-1].split("/", 1)[0] == host


def page(*roles: str):
    """Make `fn(ctx, **path_params) -> Response` a route: login, role, CSRF on POST, errors as pages."""
    allowed = roles or ROLES

    def decorate(fn):
        @functools.wraps(fn)
        async def endpoint(request: Request) -> Response:
            return await with_form(request, _serve, fn, allowed)

        return endpoint

    return decorate


async def with_form(request: Request, step: Callable[..., Response], *args) -> Response:
    """`step(admin, request, *args, form)` in a worker thread, the form read first on POST (None on GET); 413 when refused."""
    form = None
    if request.method == "POST":
        form = await read_form(request)
        if form is None:
            return form_refused()
    return await run_in_threadpool(step, request.app.state.admin, request, *args, form)


async def read_form(request: Request) -> FormData | None:
    """A URL-encoded form of at most MAX_FORM_BYTES and MAX_FORM_FIELDS; None for anything else."""
    try:
        body = await read_body(request, MAX_FORM_BYTES)
        fields: list[tuple[str, str | UploadFile]] = list(
            parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True, max_num_fields=MAX_FORM_FIELDS))
        return FormData(fields)
    except (BodyTooLarge, ValueError):
        return None


def form_refused() -> Response:
    return Response(message("web.form_too_large"), status_code=413, media_type="text/plain; charset=utf-8")


def _serve(admin: Admin, request: Request, fn, allowed, form: FormData | None) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    with admin.services.sessions() as session:
        now = utcnow()
        user = auth.session_user(session, admin.keys, token, now, idle=admin.idle)
        if user is None:
            pending = auth.session_row(session, admin.keys, token, now)
            session.commit()
            if request.method != "GET":
                return error_page(admin, request, Forbidden(message("web.session_expired")))
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            if pending is not None:  # the password was right; no page before the second factor
                step = "/login/code" if pending.pending == "code" else "/enrol"
                return RedirectResponse(url(request, step, next=target), status_code=303)
            # A cookie of an ended session: the login page says why, kindly.
            response = RedirectResponse(url(request, "/login", next=target, expired=1 if token else None),
                                        status_code=303)
            if token:
                clear_cookie(response, request, SESSION_COOKIE)
            return response
        if token is None:  # session_user found the user by this cookie
            raise RuntimeError("a logged-in user without a session cookie")
        csrf = admin.keys.csrf_token(token)
        ctx = Ctx(admin, request, session, user, Scope.of(session, user), csrf, now, form,
                  dict(request.path_params))
        try:
            given = form.get("csrf") if form is not None else None  # a str: the form is parsed from URL-encoding
            if form is not None and (not admin.keys.csrf_ok(token, given if isinstance(given, str) else None)
                                     or not _same_origin(request)):
                ctx.audit(audit.CSRF_REJECTED, request.url.path)
                session.commit()
                raise CsrfRejected(message("web.csrf"))
            if user.role not in allowed:
                raise Forbidden(message("web.role"))
            try:
                response = fn(ctx, **request.path_params)
            except OutOfScope:  # a Scope.check_* failed: answered and audited as any refusal
                raise Forbidden(message("web.out_of_scope")) from None
            session.commit()
            return response
        except AdminError as error:
            session.rollback()
            if isinstance(error, Forbidden) and not isinstance(error, CsrfRejected):
                audit.record(session, audit.FORBIDDEN, user, target=request.url.path[:200], ip=client_ip(request))
                session.commit()
            return error_page(admin, request, error, user, csrf)


async def not_found(request: Request, exc) -> Response:
    return error_page(request.app.state.admin, request, NotFound(message("web.no_page")))


__all__ = ["Admin", "Ctx", "NotFound", "page"]
