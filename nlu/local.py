"""Use the NLU server at NLU_URL if it answers, else train (if needed) and start a local one."""
from __future__ import annotations

import asyncio
import contextlib
import logging
from pathlib import Path

from content.loader import Catalog
from nlu.client import NluClient
from nlu.server import RasaServer
from nlu.training import train

log = logging.getLogger(__name__)


async def reachable(url: str | None, token: str | None) -> bool:
    if not url:
        return False
    client = NluClient(url, token, timeout=2)
    try:
        return await client.ready()
    finally:
        await client.aclose()


def local_server(catalog: Catalog, models_dir: Path, rasa_venv: Path) -> RasaServer:
    """A (not yet started) Rasa server for the current model, training it when data changed."""
    model, trained = train(catalog, models_dir, rasa_venv, models_dir.parent / "build")
    log.info("NLU model %s (%s)", model.name, "trained now" if trained else "up to date")
    return RasaServer(model, rasa_venv)


@contextlib.asynccontextmanager
async def answering_nlu(url: str | None, token: str | None, catalog: Catalog, models_dir: Path, rasa_venv: Path):
    """(url, token) of an NLU server that answers, for the duration of the block: the given one, else a local one."""
    if await reachable(url, token):
        yield url, token
        return
    server = await asyncio.to_thread(local_server, catalog, models_dir, rasa_venv)
    await asyncio.to_thread(server.start)
    try:
        yield server.url, server.token
    finally:
        await asyncio.to_thread(server.stop)
