"""Use the NLU server at NLU_URL if it answers, else train (if needed) and start a local one."""
from __future__ import annotations

import asyncio
import contextlib
import logging

from bot.settings import Settings
from content.loader import Catalog
from nlu.client import NluClient
from nlu.server import RasaServer
from nlu.training import train

log = logging.getLogger(__name__)


async def reachable(settings: Settings) -> bool:
    if not settings.nlu_url:
        return False
    client = NluClient(settings.nlu_url, settings.nlu_token, timeout=2)
    try:
        return await client.ready()
    finally:
        await client.aclose()


def local_server(settings: Settings, catalog: Catalog) -> RasaServer:
    """A (not yet started) Rasa server for the current model, training it when data changed."""
    model, trained = train(catalog, settings.models_dir, settings.rasa_venv,
                           settings.models_dir.parent / "build")
    log.info("NLU model %s (%s)", model.name, "trained now" if trained else "up to date")
    return RasaServer(model, settings.rasa_venv)


@contextlib.asynccontextmanager
async def nlu_settings(settings: Settings, catalog: Catalog):
    """Settings whose NLU_URL answers, for the duration of the block."""
    if await reachable(settings):
        yield settings
        return
    server = await asyncio.to_thread(local_server, settings, catalog)
    await asyncio.to_thread(server.start)
    try:
        yield settings.with_(nlu_url=server.url, nlu_token=server.token)
    finally:
        await asyncio.to_thread(server.stop)
