"""The ASGI app: web chat page and API, Telegram webhook, step images, health."""
from __future__ import annotations

import hmac
import json
import logging
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from bot.admin.app import create_admin_app
from bot.channels import webchat, zalo
from bot.channels.limits import BodyTooLarge, busy, read_body, too_large
from bot.channels.services import Services
from bot.dialogue.admission import Busy
from bot.web import privacy, widget

log = logging.getLogger(__name__)
WEB_DIR = Path(__file__).resolve().parent
MAX_WEBHOOK_BYTES = 1024 * 1024


async def chat_page(request: Request) -> HTMLResponse:
    # Framed only by this host: commune websites embed /embed, which checks WIDGET_ORIGINS.
    return HTMLResponse(widget.chat_html(), headers={"Content-Security-Policy": widget.frame_ancestors(())})


async def health(request: Request) -> JSONResponse:
    services: Services = request.app.state.services
    nlu_ready = await services.nlu.ready() if services.nlu is not None else False
    return JSONResponse({"ok": True, "nlu": nlu_ready, "topics": len(services.catalog)})


async def telegram_webhook(request: Request) -> Response:
    channel = request.app.state.telegram
    secret = request.app.state.services.settings.telegram_webhook_secret
    if channel is None:
        return JSONResponse({"error": "telegram is not configured"}, status_code=404)
    given = request.headers.get("x-telegram-bot-api-secret-token", "")
    if not secret or not hmac.compare_digest(given.encode(), secret.encode()):
        log.warning("telegram webhook with a wrong secret token from %s", request.client)
        return JSONResponse({"error": "unauthorized"}, status_code=401)
    try:
        # Taken before the body is read: a refused update costs next to nothing.
        with request.app.state.services.dialogue.admission.ticket():
            try:
                raw = await read_body(request, MAX_WEBHOOK_BYTES)
            except BodyTooLarge:
                return too_large()
            try:
                update = channel.parse_update(json.loads(raw))
            except (ValueError, RecursionError) as exc:  # RecursionError: JSON nested thousands deep
                log.info("telegram webhook body refused: %s", str(exc)[:200])
                return JSONResponse({"error": "body must be a Telegram update"}, status_code=400)
            answer = await channel.process_webhook(update)
    except Busy as refused:
        # Telegram delivers an update again, later, when its webhook did not answer 2xx.
        return busy(refused, 503)
    return JSONResponse(answer) if answer is not None else Response(status_code=200)


def create_app(services: Services, telegram=None) -> Starlette:
    """The web app over built services; `telegram` is a TelegramChannel or None."""
    routes = [
        Route("/", chat_page),
        Route("/api/chat", webchat.chat_endpoint, methods=["POST"]),
        Route("/healthz", health),
        Route("/telegram/webhook", telegram_webhook, methods=["POST"]),
        Mount("/static", StaticFiles(directory=WEB_DIR / "static"), name="static"),
        Mount("/images", StaticFiles(directory=services.settings.content_dir / "images", check_dir=False),
              name="images"),
        Mount("/admin", app=create_admin_app(services), name="admin"),
    ]
    routes += zalo.routes() + widget.routes() + privacy.routes()
    app = Starlette(routes=routes)
    app.state.services = services
    app.state.chat_limit = webchat.AddressLimit(services.settings.web_chat_rate_limit)
    app.state.telegram = telegram
    return app
