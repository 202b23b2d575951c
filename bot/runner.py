"""`camtay run`: the web app, Telegram when configured, and a local NLU server when none answers."""
from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Coroutine
from typing import Any

import uvicorn

from bot.channels import zalo
from bot.services import build_services
from bot.settings import Settings
from bot.team.runtime import TeamRuntime
from bot.web.app import create_app
from content.loader import Catalog
from nlu.client import NluClient
from nlu.local import local_server, reachable

log = logging.getLogger(__name__)


def run_loop(main: Coroutine[Any, Any, None]) -> None:
    """Runs `camtay run` on uvloop's event loop where it is installed (a dependency but on Windows):
    its loop, written over libuv, costs less CPU per update than asyncio's own (docs/BENCHMARKS.md)."""
    try:
        import uvloop
    except ImportError:
        asyncio.run(main)
        return
    uvloop.run(main)


def web_server_config(app, settings: Settings) -> uvicorn.Config:
    """Client addresses (admin lockout, audit) come from X-Forwarded-For only behind the proxies listed
    in FORWARDED_ALLOW_IPS; otherwise anyone could claim any address."""
    trusted = settings.forwarded_allow_ips
    return uvicorn.Config(app, host=settings.host, port=settings.port, log_level="info",
                          proxy_headers=bool(trusted), forwarded_allow_ips=trusted or None)


class _Server(uvicorn.Server):
    """uvicorn re-raises SIGTERM/SIGINT after serving, which would skip our clean-up (stopping Rasa)."""

    @contextlib.contextmanager
    def capture_signals(self):
        original = {sig: signal.signal(sig, self.handle_exit) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            yield
        finally:
            for sig, handler in original.items():
                signal.signal(sig, handler)


async def _attach_local_nlu(services, catalog: Catalog, holder: dict) -> None:
    """Start Rasa in the background; until it answers, free text gets the kind degraded reply."""
    settings = services.settings
    try:
        server = await asyncio.to_thread(local_server, catalog, settings.models_dir, settings.rasa_venv)
        holder["server"] = server  # so that shutdown can stop it even while it starts
        await asyncio.to_thread(server.start)
    except Exception:
        log.exception("could not start the local NLU server; free text stays unavailable")
        return
    services.nlu = NluClient(server.url, server.token, settings.nlu_timeout)
    services.dialogue.nlu = services.nlu
    log.info("NLU ready at %s", server.url)


async def serve(settings: Settings, catalog: Catalog) -> None:
    services = build_services(settings, catalog)
    holder: dict = {}
    nlu_task = None
    if not await reachable(settings.nlu_url, settings.nlu_token):
        if settings.nlu_url:
            log.warning("NLU_URL %s does not answer; starting a local NLU server", settings.nlu_url)
        services.nlu = services.dialogue.nlu = None
        nlu_task = asyncio.create_task(_attach_local_nlu(services, catalog, holder))
    telegram = None
    if settings.telegram_bot_token:
        from bot.channels.telegram import TelegramChannel
        telegram = TelegramChannel(services)
        await telegram.start()
        log.info("Telegram: %s", "webhook" if settings.telegram_webhook_url else "polling")
    zalo_channel = await zalo.start_if_configured(services)
    team = await TeamRuntime(services).start()  # outbox sender, escalations, reminders
    app = create_app(services, telegram)
    server = _Server(web_server_config(app, settings))
    log.info("web chat on http://%s:%d/", settings.host, settings.port)
    try:
        await server.serve()
    finally:
        await team.stop()
        if telegram is not None:
            await telegram.stop()
        if zalo_channel is not None:
            await zalo_channel.stop()
        if "server" in holder:
            await asyncio.to_thread(holder["server"].stop)
        if nlu_task is not None:
            nlu_task.cancel()
            await asyncio.gather(nlu_task, return_exceptions=True)
        await services.aclose()
