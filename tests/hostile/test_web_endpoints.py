"""Hostile HTTP: random bodies get a 4xx, never a 5xx; secrets, paths and sizes are enforced."""
from __future__ import annotations

import json
import socket
from urllib.parse import urlsplit

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.channels.webchat import MAX_BODY_BYTES, parse_incoming
from bot.settings import ROOT
from bot.shared.types import Incoming
from bot.web.app import MAX_WEBHOOK_BYTES
from tests.hostile.conftest import SECRET
from tests.hostile.strategies import json_values

FUZZ = settings(max_examples=120, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
SECRET_HEADER = {"X-Telegram-Bot-Api-Secret-Token": SECRET}

JSON = json_values(text=80, size=4, leaves=12)
chat_bodies = st.fixed_dictionaries({}, optional={
    "session_id": st.text(max_size=70) | st.from_regex(r"\A[A-Za-z0-9_-]{16,64}\Z") | JSON,
    "text": st.text(max_size=300) | JSON,
    "payload": st.text(max_size=80) | st.sampled_from(["menu", "tutorial:next:1:0", "topic:vneid-register",
                                                       "tutorial:next:-1:99999999999999999999"]) | JSON,
    "message_id": st.text(max_size=70) | JSON,
})
update_bodies = JSON | st.fixed_dictionaries(
    {"update_id": st.integers(-2 ** 63, 2 ** 63) | JSON},
    optional={"message": JSON, "callback_query": JSON, "edited_message": JSON})
raw_bodies = st.binary(max_size=300)


@pytest.fixture(scope="module")
def http(app_url):
    with httpx.Client(base_url=app_url, timeout=30) as client:
        yield client


@FUZZ
@given(chat_bodies | JSON)
def test_parse_incoming_answers_an_incoming_or_a_reason(body):
    parsed = parse_incoming(body)
    assert isinstance(parsed, (Incoming, str))
    if isinstance(parsed, Incoming):
        assert parsed.text is None or (isinstance(parsed.text, str) and len(parsed.text) <= 4097)


@FUZZ
@given(body=chat_bodies | JSON)
def test_web_chat_answers_random_json_without_5xx(http, body):
    response = http.post("/api/chat", content=json.dumps(body))
    assert response.status_code in (200, 400), response.text
    if response.status_code == 200:
        assert isinstance(response.json()["messages"], list)


@FUZZ
@given(body=update_bodies)
def test_telegram_webhook_answers_random_updates_without_5xx(http, body):
    response = http.post("/telegram/webhook", content=json.dumps(body), headers=SECRET_HEADER)
    assert response.status_code in (200, 400), response.text


@FUZZ
@given(body=raw_bodies)
def test_random_bytes_are_refused_with_400(http, body):
    for path, headers in (("/telegram/webhook", SECRET_HEADER), ("/api/chat", {})):
        assert http.post(path, content=body, headers=headers).status_code == 400


@pytest.mark.parametrize("body", [b"[" * 60_000, b'{"update_id": 1, "message": ' * 2000 + b"1" + b"}" * 2000,
                                  b'{"session_id": "' + b"a" * 20 + b'", "text": ' + b"[" * 30_000],
                         ids=["deep-list", "deep-update", "deep-chat"])
def test_json_nested_thousands_deep_is_refused_with_400(http, body):
    for path, headers in (("/telegram/webhook", SECRET_HEADER), ("/api/chat", {})):
        assert http.post(path, content=body, headers=headers).status_code == 400


@pytest.mark.parametrize("headers", [{}, {"X-Telegram-Bot-Api-Secret-Token": "wrong"},
                                     {"X-Telegram-Bot-Api-Secret-Token": SECRET[:-1]},
                                     {"X-Telegram-Bot-Api-Secret-Token": SECRET.upper()}],
                         ids=["none", "wrong", "prefix", "other-case"])
def test_webhook_without_the_right_secret_is_401(http, headers):
    update = {"update_id": 1, "message": {"message_id": 1, "date": 0, "text": "/start",
                                          "chat": {"id": 1, "type": "private"}}}
    assert http.post("/telegram/webhook", json=update, headers=headers).status_code == 401


@pytest.mark.parametrize("path", [
    "/images/../bot/settings.py", "/images/..%2f..%2fbot%2fsettings.py", "/images/%2e%2e/%2e%2e/pyproject.toml",
    "/images/....//....//pyproject.toml", "/images//etc/passwd", "/images/%2fetc%2fpasswd",
    "/static/../../settings.py", "/static/..%2fapp.py", "/static/%2e%2e%2fapp.py", "/static/..\\app.py",
    "/static/%c0%ae%c0%ae/app.py", "/images/vneid/..%00/x.png",
])
def test_path_traversal_is_refused(app_url, path):
    # Raw request line: an HTTP client would normalize the dots away before sending.
    status, body = raw_request(app_url, f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
    assert status in (400, 404), (status, body[:200])
    assert b"import" not in body and b"root:" not in body and b"[project]" not in body


def test_a_real_image_and_a_real_static_file_are_served(http):
    assert http.get("/static/chat.js").status_code == 200
    image = next(iter(sorted((ROOT / "content" / "images").rglob("*.png"))), None)
    if image is not None:
        assert http.get(f"/images/{image.relative_to(ROOT / 'content' / 'images').as_posix()}").status_code == 200


@pytest.mark.parametrize("path, limit, headers", [
    ("/telegram/webhook", MAX_WEBHOOK_BYTES, SECRET_HEADER), ("/api/chat", MAX_BODY_BYTES, {})])
def test_oversized_bodies_are_413(http, app_url, path, limit, headers):
    big = b'{"text": "' + b"a" * (limit + 10) + b'"}'
    assert http.post(path, content=big, headers=headers).status_code == 413
    # Chunked, with no length to check beforehand: cut off while reading.
    assert http.post(path, content=iter([big[:limit // 2], big[limit // 2:]]), headers=headers).status_code == 413
    # Refused by its Content-Length alone: the server answers before any of the body is sent.
    head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    status, _ = raw_request(app_url, (f"POST {path} HTTP/1.1\r\nHost: x\r\n{head}Content-Type: application/json\r\n"
                                      f"Content-Length: {limit * 100}\r\n\r\n").encode())
    assert status == 413


def raw_request(base_url: str, data: bytes, timeout: float = 10.0) -> tuple[int, bytes]:
    """Send bytes as they are; return the status and the body, reading until the server closes or a reply is whole."""
    parts = urlsplit(base_url)
    with socket.create_connection((parts.hostname, parts.port), timeout=timeout) as sock:
        sock.sendall(data)
        received = b""
        while b"\r\n\r\n" not in received:
            chunk = sock.recv(65536)
            if not chunk:
                break
            received += chunk
        head, _, body = received.partition(b"\r\n\r\n")
        length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n")
                       if line.lower().startswith(b"content-length:")), 0)
        while len(body) < length:
            chunk = sock.recv(65536)
            if not chunk:
                break
            body += chunk
    return int(head.split(b" ")[1]), body
