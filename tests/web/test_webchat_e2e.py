"""The web chat over real HTTP: the page, the API, and a whole tutorial with the real NLU."""
import contextlib
import secrets

import httpx
import pytest
from sqlalchemy import select

from bot.services import build_services
from bot.storage.progress import TutorialRun
from bot.web.app import create_app
from tests.helpers import serving


def _buttons(messages):
    return [b["payload"] for m in messages for row in m["buttons"] for b in row]


@pytest.fixture
async def web(services):
    async with serving(create_app(services)) as url:
        async with httpx.AsyncClient(base_url=url, timeout=30) as client:
            yield client


async def test_page_and_assets_are_served_without_a_cdn(web):
    page = await web.get("/")
    assert page.status_code == 200 and 'lang="vi"' in page.text
    assert "http" not in page.text.split("<body>")[1]  # no remote script, style or font
    assert (await web.get("/static/chat.js")).status_code == 200
    assert (await web.get("/healthz")).json()["topics"] >= 5
    # Other websites embed /embed, which checks WIDGET_ORIGINS; this page is never framed elsewhere.
    assert page.headers["content-security-policy"] == "frame-ancestors 'self'"


@pytest.mark.parametrize("body, status", [
    (b"not json", 400),
    (b"[]", 400),
    (b'{"session_id": "short", "text": "hi"}', 400),
    (b'{"session_id": "abcdefghijklmnopqrstu"}', 400),
    (b'{"session_id": "abcdefghijklmnopqrstu", "payload": 5}', 400),
    (b'{"session_id": "abcdefghijklmnopqrstu", "text": "x", "message_id": "../../etc"}', 400),
    (b'{"session_id": "abcdefghijklmnopqrstu", "text": "' + b"a" * 70000 + b'"}', 413),
])
async def test_bad_requests_get_a_clear_error(web, body, status):
    response = await web.post("/api/chat", content=body, headers={"content-type": "application/json"})
    assert response.status_code == status and "error" in response.json()


@pytest.mark.parametrize("path", ["/images/../../bot/settings.py", "/static/../settings.py",
                                  "/images/%2e%2e/%2e%2e/README.md"])
async def test_path_traversal_is_refused(web, path):
    assert (await web.get(path)).status_code == 404


@contextlib.asynccontextmanager
async def web_chat(services):
    """One citizen's web chat over real HTTP: yields send(number, text=... | payload=...) -> messages."""
    session_id = secrets.token_hex(16)
    async with serving(create_app(services)) as url, httpx.AsyncClient(base_url=url, timeout=30) as client:
        async def send(number, **body):
            response = await client.post("/api/chat", json={"session_id": session_id,
                                                            "message_id": f"m{number}", **body})
            assert response.status_code == 200
            return response.json()["messages"]

        yield send


@pytest.mark.nlu
async def test_a_citizen_completes_a_tutorial_in_the_web_chat(nlu_settings, catalog):
    services = build_services(nlu_settings, catalog)
    try:
        async with web_chat(services) as send:
            assert "household:guest" in _buttons(await send(0, text="/start"))
            await send(1, payload="household:guest")
            messages = await send(2, text="lam sao cai vneid")
            assert messages[0]["text"].startswith("📘 " + catalog["vneid-register"].title)
            for number in range(3, 3 + len(catalog["vneid-register"].steps)):
                nxt = [p for p in _buttons(messages) if p.startswith("tutorial:next:")]
                messages = await send(number, payload=nxt[0])
            assert "Chúc mừng" in messages[0]["text"]
        with services.sessions() as session:
            run = session.scalars(select(TutorialRun)).one()
        assert run.status == "completed" and run.topic_id == "vneid-register"
    finally:
        await services.aclose()


@pytest.mark.nlu
async def test_a_procedure_with_no_tutorial_is_said_plainly_in_the_web_chat(nlu_settings, catalog):
    services = build_services(nlu_settings, catalog)
    try:
        async with web_chat(services) as send:
            await send(0, text="/start")
            await send(1, payload="household:guest")
            [answer] = await send(2, text="lam ho chieu o dau vay")
            procedure = catalog.procedures["passport"]
            assert procedure.title in answer["text"] and "chưa có hướng dẫn từng bước" in answer["text"]
            assert _buttons([answer]) == ["human", "menu"]
            handoff = await send(3, payload="human")
            assert any("Tổ công nghệ số" in m["text"] for m in handoff)
        with services.sessions() as session:
            assert session.scalars(select(TutorialRun)).all() == []
    finally:
        await services.aclose()
