"""The embeddable widget over HTTP: the script, and the framed page that only allowed sites may show."""
import re

import httpx
import pytest

from bot.web.app import create_app
from bot.web.widget import frame_ancestors
from tests.helpers import serving


@pytest.fixture
async def web(services):
    async with serving(create_app(services)) as url:
        async with httpx.AsyncClient(base_url=url) as client:
            yield client


async def test_the_script_is_served_from_this_host_without_a_cdn(web):
    response = await web.get("/widget.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert response.headers["x-content-type-options"] == "nosniff"
    code = "\n".join(line for line in response.text.splitlines() if not line.lstrip().startswith("//"))
    assert not re.search(r"https?:", code)  # everything comes from the host the script came from
    assert "/embed" in code and "attachShadow" in code


async def test_the_framed_page_is_the_web_chat_for_this_host_only_by_default(web):
    response = await web.get("/embed")
    assert response.status_code == 200 and 'class="embed"' in response.text
    assert "/static/chat.js" in response.text
    assert response.headers["content-security-policy"] == "frame-ancestors 'self'"


async def test_the_configured_websites_may_frame_it(services):
    services.settings = services.settings.with_(widget_origins=("https://xa-tanlap.gov.vn",
                                                                "http://localhost:8000"))
    async with serving(create_app(services)) as url, httpx.AsyncClient(base_url=url) as client:
        response = await client.get("/embed")
    assert response.headers["content-security-policy"] == \
        "frame-ancestors 'self' https://xa-tanlap.gov.vn http://localhost:8000"


def test_frame_ancestors():
    assert frame_ancestors(()) == "frame-ancestors 'self'"
