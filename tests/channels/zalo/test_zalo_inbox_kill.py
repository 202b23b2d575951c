"""A worker process killed (SIGKILL) in the middle of a turn it had said 200 for: the next worker handles
the event, exactly once."""
from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time

import httpx
import pytest
from sqlalchemy import func, select

from bot.settings import ROOT
from bot.storage.conversations import ConversationLog
from bot.storage.db import make_engine, session_factory
from bot.storage.zalo import ZaloInboxEvent
from nlu.server import free_port
from tests.channels.zalo.support import CITIZEN

LEASE_SECONDS = 1.0


class SilentNlu:
    """An NLU server that takes the request and never answers: the turn hangs there, before its commit."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.connections: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                self.connections.append(self.sock.accept()[0])
            except OSError:
                return

    def close(self):
        for connection in self.connections:
            connection.close()
        self.sock.close()


def start_worker(settings: dict, lease: float) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "tests.channels.zalo.worker", json.dumps({**settings, "port": port}),
                                str(lease)], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, "the worker exited"
        try:
            if httpx.get(url + "/widget.js", timeout=1).status_code == 200:
                return process, url
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    process.kill()
    raise AssertionError("the worker did not start")


async def wait_for(predicate, timeout: float = 30):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)


@pytest.fixture
def nlu():
    server = SilentNlu()
    yield server
    server.close()


async def test_a_worker_killed_mid_turn_leaves_the_event_to_the_next_one(tmp_path, zalo_api, nlu):
    database_url = f"sqlite:///{tmp_path / 'camtay.sqlite3'}"
    settings = dict(database_url=database_url, zalo_app_id=zalo_api.app_id, zalo_app_secret=zalo_api.app_secret,
                    zalo_oa_secret_key=zalo_api.oa_secret_key, zalo_refresh_token=zalo_api.refresh_token,
                    zalo_api_url=zalo_api.url, zalo_oauth_url=zalo_api.url, telegram_bot_token=None)
    first, url = start_worker({**settings, "nlu_url": nlu.url, "nlu_timeout": 120}, LEASE_SECONDS)
    try:
        zalo_api.webhook_url = url + "/zalo/webhook"
        started = time.monotonic()
        response = await zalo_api.deliver(zalo_api.text_event(CITIZEN, "cach cai vneid"))
        assert response.status_code == 200 and time.monotonic() - started < 2
        await wait_for(lambda: nlu.connections)  # the turn is waiting on the NLU
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    assert zalo_api.messages(CITIZEN) == []

    engine = make_engine(database_url)
    sessions = session_factory(engine)
    try:
        with sessions() as session:
            [row] = session.scalars(select(ZaloInboxEvent)).all()
            assert row.text == "cach cai vneid" and row.processed_at is None
        await asyncio.sleep(LEASE_SECONDS + 0.2)
        second, url = start_worker({**settings, "nlu_url": None}, LEASE_SECONDS)
        try:
            await zalo_api.wait_sent(CITIZEN, count=1, since=0, timeout=30)
            with sessions() as session:
                await wait_for(lambda: session.scalar(select(ZaloInboxEvent.processed_at)) is not None)
            await asyncio.sleep(0.5)
        finally:
            second.terminate()
            second.wait(15)
        with sessions() as session:
            assert session.scalar(select(func.count()).select_from(ConversationLog)) == 1
            row = session.scalars(select(ZaloInboxEvent)).one()
            assert row.processed_at is not None and row.text is None
        assert len({m.message_id for m in zalo_api.messages(CITIZEN)}) == len(zalo_api.messages(CITIZEN)) >= 1
        sent = len(zalo_api.messages(CITIZEN))
        # and a third start finds nothing left to do
        third, _ = start_worker({**settings, "nlu_url": None}, LEASE_SECONDS)
        try:
            await asyncio.sleep(1.0)
        finally:
            third.terminate()
            third.wait(15)
        assert len(zalo_api.messages(CITIZEN)) == sent
    finally:
        engine.dispose()
