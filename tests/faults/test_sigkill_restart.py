"""`camtay run` killed with SIGKILL in the middle of a tutorial, a press in flight; restarted, the citizen goes on."""
from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from bot.storage.progress import StepEvent, TutorialRun
from devtools.processes import Worker
from tests.faults.conftest import crowd_of

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.nlu, pytest.mark.slow]


def progress(database_url: str, run_id: int) -> tuple[list[int], int]:
    engine = create_engine(database_url)
    try:
        with Session(engine) as session:
            done = session.scalars(select(StepEvent.step_index).where(
                StepEvent.run_id == run_id, StepEvent.kind == "step_done").order_by(StepEvent.id)).all()
            return done, session.get(TutorialRun, run_id).step_index
    finally:
        engine.dispose()


def body(message: dict) -> str:
    return message.get("text") or message.get("caption") or ""


async def test_killed_mid_tutorial_and_restarted_the_citizen_continues(tmp_path, catalog, rasa_server, telegram_api):
    api = telegram_api
    database_url = f"sqlite:///{tmp_path / 'camtay.sqlite3'}"
    first = Worker(database_url, api.url, rasa_server.url, rasa_server.token, name="sigkill-first")
    await asyncio.to_thread(first.start)
    try:
        async with crowd_of([first.url], api, catalog) as crowd:
            [citizen] = await crowd.citizens(5555, 1)
            await citizen.press("topic:vneid-register")
            await citizen.act()
            await citizen.act()
            assert body(citizen.last).startswith("Bước 3/")
            press = citizen.choose()
            run_id = int(press.split(":")[2])
            update = crowd.driver.callback_update(citizen.user, citizen.last, press)
            in_flight = asyncio.create_task(crowd.driver.clients[0].post_json("/telegram/webhook", update))
            await asyncio.sleep(0.01)
            first.kill()  # SIGKILL: no clean-up, the answer to the press never reaches Telegram
            await asyncio.gather(in_flight, return_exceptions=True)
    finally:
        first.kill()

    second = Worker(database_url, api.url, rasa_server.url, rasa_server.token, name="sigkill-second", port=first.port)
    await asyncio.to_thread(second.start)
    try:
        async with crowd_of([second.url], api, catalog) as crowd:
            citizen.driver = crowd.driver
            # Telegram had no answer to the press, so it delivers it again.
            status, _ = await crowd.driver.clients[0].post_json("/telegram/webhook", update)
            assert status == 200
            assert progress(database_url, run_id) == ([0, 1, 2], 3)  # the press counted exactly once
            # The citizen presses on from the last message they saw: they are shown where they are.
            await citizen.act()
            assert body(citizen.last).startswith("Bước 4/")
            await citizen.act()
            assert body(citizen.last).startswith("Bước 5/")
            assert progress(database_url, run_id) == ([0, 1, 2, 3], 4)
    finally:
        second.stop()
