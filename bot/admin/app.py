"""The admin web as an ASGI app, mounted by bot/web/app.py at /admin."""
from __future__ import annotations

from starlette.applications import Starlette
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.admin.views import (
    adoption,
    audit_log,
    content,
    funnel,
    households,
    log,
    login,
    members,
    overview,
    places,
    pushes,
    ratings,
    report,
    second_factor,
    sessions,
    unknown,
)
from bot.admin.web import ADMIN_DIR, SECURITY_HEADERS, Admin, not_found
from bot.channels.services import Services


class SecurityHeaders:
    """Adds the admin's security headers (CSP, no framing, no caching) to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items() if k.encode() not in present]
                message = {**message, "headers": list(message.get("headers", [])) + extra}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def routes() -> list:
    return [
        Route("/", overview.overview_page, name="overview"),
        Route("/login", login.login_page, methods=["GET", "POST"], name="login"),
        Route("/login/code", second_factor.code_page, methods=["GET", "POST"], name="login_code"),
        Route("/enrol", second_factor.enrol_page, methods=["GET", "POST"], name="enrol"),
        Route("/logout", login.logout, methods=["POST"], name="logout"),
        Route("/funnel", funnel.funnel_page, name="funnel"),
        Route("/households", households.households_page, name="households"),
        Route("/households/{household_id:int}", households.household_page, name="household"),
        Route("/households/{household_id:int}/export", households.household_export, methods=["POST"]),
        Route("/households/{household_id:int}/delete", households.household_delete, methods=["POST"]),
        Route("/households/{household_id:int}/outcome", households.household_outcome, methods=["POST"]),
        Route("/members/find", members.member_find, name="member_find"),
        Route("/members/{member_id:int}", members.member_page, name="member"),
        Route("/members/{member_id:int}/export", members.member_export, methods=["POST"]),
        Route("/members/{member_id:int}/erase", members.member_erase_confirm, name="member_erase"),
        Route("/members/{member_id:int}/erase", members.member_erase, methods=["POST"]),
        Route("/places", places.places_page, name="places"),
        Route("/places/{commune_id:int}", places.commune_page, name="commune"),
        Route("/pushes", pushes.pushes_page, name="pushes"),
        Route("/sessions", sessions.sessions_page, name="sessions"),
        Route("/sessions", sessions.schedule, methods=["POST"]),
        Route("/sessions/{session_id:int}", sessions.session_page, name="session"),
        Route("/sessions/{session_id:int}/attendance", sessions.record_attendance, methods=["POST"]),
        Route("/log", log.log_page_view, name="log"),
        Route("/log.csv", log.log_csv, name="log_csv"),
        Route("/unknown", unknown.unknown_page, name="unknown"),
        Route("/unknown/learn", unknown.learn, methods=["POST"], name="learn"),
        Route("/ratings", ratings.ratings_page, name="ratings"),
        Route("/adoption", adoption.adoption_page, name="adoption"),
        Route("/adoption.csv", adoption.adoption_csv, name="adoption_csv"),
        Route("/content", content.content_page, name="content"),
        Route("/report", report.report_page, name="report"),
        Route("/audit", audit_log.audit_page, name="audit"),
        Mount("/static", StaticFiles(directory=ADMIN_DIR / "static"), name="static"),
    ]


def create_admin_app(services: Services) -> ASGIApp:
    """The admin pages over built services (mounted at /admin)."""
    app = Starlette(routes=routes(), exception_handlers={404: not_found})
    app.state.admin = Admin.build(services)
    return SecurityHeaders(app)
