"""One bot worker as its own process, for tests that kill it: the web app with the Zalo channel on a port.

    python -m tests.channels.zalo.worker '{"database_url": ..., "port": ..., "zalo_api_url": ..., ...}' [lease seconds]
"""
from __future__ import annotations

import asyncio
import json
import sys
from datetime import timedelta

import uvicorn

from bot.channels.zalo import ZaloChannel
from bot.services import build_services
from bot.settings import Settings
from bot.web.app import create_app


async def main(settings: Settings, lease: float | None) -> None:
    services = build_services(settings)
    channel = ZaloChannel(services)
    if lease is not None:
        channel.inbox.lease = timedelta(seconds=lease)
    await channel.start()
    server = uvicorn.Server(uvicorn.Config(create_app(services), host="127.0.0.1", port=settings.port,
                                           log_level="warning", lifespan="off"))
    try:
        await server.serve()
    finally:
        await channel.stop()
        await services.aclose()


if __name__ == "__main__":
    asyncio.run(main(Settings(**json.loads(sys.argv[1])), float(sys.argv[2]) if len(sys.argv) > 2 else None))
