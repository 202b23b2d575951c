"""`/privacy`: the full notice as a page, the same words as the chat's "Đọc đầy đủ"."""
from __future__ import annotations

import html

import httpx

from bot.web.app import create_app
from bot.web.privacy import notice_text
from content.privacy import privacy


async def test_privacy_page_shows_the_full_notice(services):
    transport = httpx.ASGITransport(app=create_app(services))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        response = await client.get("/privacy")
    assert response.status_code == 200
    page = html.unescape(response.text)
    assert privacy().version in page and privacy().responsible in page
    assert "/xoa" in page and "7 đến dưới 16 tuổi" in page and "90 ngày" in page
    for line in notice_text(services).splitlines()[:5]:
        assert line.strip() in page
