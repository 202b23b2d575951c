"""The web chat API limits requests per client address: 429 with Retry-After, from the `limits` library."""
import httpx

from bot.web.app import create_app
from tests.helpers import serving


async def test_over_the_limit_the_api_answers_429_with_retry_after(services):
    services.settings = services.settings.with_(web_chat_rate_limit="3/minute")
    app = create_app(services)
    async with serving(app) as url, httpx.AsyncClient(base_url=url) as client:
        body = {"session_id": "rate-limit-session-1", "text": "/start"}
        for _ in range(3):
            assert (await client.post("/api/chat", json=body)).status_code == 200
        refused = await client.post("/api/chat", json=body | {"session_id": "another-session-12"})
        assert refused.status_code == 429
        assert 1 <= int(refused.headers["Retry-After"]) <= 60
