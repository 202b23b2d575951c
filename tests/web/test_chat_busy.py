"""A full worker answers the web chat 429 with Retry-After (the page waits and sends the same message again);
the message is then answered exactly once."""
from __future__ import annotations

import httpx

from bot.web.app import create_app
from tests.helpers import serving, turns_logged, worker_full


async def test_a_full_worker_answers_the_web_chat_429_and_the_same_message_is_answered_once_later(services):
    app = create_app(services)
    message = {"session_id": "crowded-session-0001", "text": "/start", "message_id": "m1"}
    async with serving(app) as url, httpx.AsyncClient(base_url=url) as client:
        with worker_full(services):
            refused = await client.post("/api/chat", json=message)
        assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
        assert turns_logged(services) == 0
        again = await client.post("/api/chat", json=message)
        assert again.status_code == 200 and again.json()["messages"]
        assert (await client.post("/api/chat", json=message)).json()["duplicate"] is True
    assert turns_logged(services) == 1
