"""X-Forwarded-For decides the client's address (admin lockout, audit) only behind a trusted proxy."""
import asyncio

import httpx
import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from bot.runner import web_server_config
from nlu.server import free_port


async def _client_host(request):
    return PlainTextResponse(request.client.host)


@pytest.mark.parametrize("trusted, seen", [(None, "127.0.0.1"), ("127.0.0.1", "203.0.113.7")])
async def test_forwarded_for_is_believed_only_from_a_trusted_proxy(settings, trusted, seen):
    app = Starlette(routes=[Route("/", _client_host)])
    settings = settings.with_(port=free_port(), forwarded_allow_ips=trusted)
    server = uvicorn.Server(web_server_config(app, settings))
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.02)
    try:
        async with httpx.AsyncClient() as client:
            response = await client.get(f"http://127.0.0.1:{settings.port}/",
                                        headers={"X-Forwarded-For": "203.0.113.7"})
        assert response.text == seen
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, timeout=10)
