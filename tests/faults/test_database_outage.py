"""PostgreSQL briefly unreachable (a proxy in front of it is cut): turns are retried or answered with
error_generic, and every turn is in the database whole or not at all."""
from __future__ import annotations

import asyncio
import random

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import sessionmaker

from bot.services import build_services
from bot.storage.conversations import ConversationLog, ProcessedUpdate
from bot.storage.progress import StepEvent, TutorialRun
from devtools.progress import check_progress
from tests.faults.tcp_proxy import ProxyThread
from tests.helpers import payload_starting, templates, turn

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.postgres]


@pytest.fixture
def proxy(postgres_url):
    url = make_url(postgres_url)
    running = ProxyThread(url.host or "127.0.0.1", url.port or 5432).start()
    yield running
    running.stop()


@pytest.fixture
def direct(postgres_url):
    """The test's own view of the database, not through the proxy."""
    engine = create_engine(postgres_url)
    yield sessionmaker(engine)
    engine.dispose()


@pytest.fixture
async def services(settings, catalog, postgres_url, proxy):
    url = make_url(postgres_url).set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    built = build_services(settings.with_(database_url=url), catalog)
    yield built
    await built.aclose()


async def on_step_one(services, user: str) -> str:
    """A guest who started the VNeID tutorial; returns the payload of its "next" button."""
    await turn(services, user, text="/start", key=f"{user}-1")
    await turn(services, user, payload="household:guest", key=f"{user}-2")
    result = await turn(services, user, payload="topic:vneid-register", key=f"{user}-3")
    return payload_starting(result, "tutorial:next:")


def step_done(direct, run_id: int) -> list[int]:
    with direct() as session:
        return session.scalars(select(StepEvent.step_index).where(
            StepEvent.run_id == run_id, StepEvent.kind == "step_done").order_by(StepEvent.id)).all()


async def test_a_turn_during_a_short_outage_is_retried(services, proxy, direct):
    press = await on_step_one(services, "lan")
    proxy.cut()
    asyncio.get_running_loop().call_later(0.6, proxy.restore)  # back before the last retry
    result = await turn(services, "lan", payload=press, key="lan-4")
    assert templates(result) == ["tutorial_step"] and result.replies[0].context["number"] == 2
    assert step_done(direct, int(press.split(":")[2])) == [0]


async def test_a_turn_during_a_long_outage_gets_error_generic_and_writes_nothing(services, proxy, direct):
    press = await on_step_one(services, "minh")
    with direct() as session:
        logged = session.scalar(select(func.count()).select_from(ConversationLog))
    proxy.cut()
    result = await turn(services, "minh", payload=press, key="minh-4")
    assert templates(result) == ["error_generic"]
    proxy.restore()
    with direct() as session:
        assert session.get(ProcessedUpdate, ("test", "minh-4")) is None
        assert session.scalar(select(func.count()).select_from(ConversationLog)) == logged
    assert step_done(direct, int(press.split(":")[2])) == []
    # Telegram delivers the update again: now it counts, once.
    again = await turn(services, "minh", payload=press, key="minh-4")
    assert templates(again) == ["tutorial_step"] and again.replies[0].context["number"] == 2
    assert step_done(direct, int(press.split(":")[2])) == [0]


async def test_outages_in_the_middle_of_turns_leave_no_half_written_turn(services, proxy, direct):
    """Citizens walk on while the connection is cut again and again, at any point of their turns."""
    citizens = [f"c{i}" for i in range(12)]
    presses = dict(zip(citizens, await asyncio.gather(*(on_step_one(services, c) for c in citizens))))
    keys = iter(range(10_000))
    outcomes: dict[str, int] = {"step": 0, "error": 0, "duplicate": 0}
    stop = asyncio.Event()

    async def walk(citizen: str) -> None:
        press = presses[citizen]
        while not stop.is_set():
            key = f"{citizen}-w{next(keys)}"
            result = await turn(services, citizen, payload=press, key=key)
            if result.duplicate:
                outcomes["duplicate"] += 1  # committed, but the answer was lost with the connection
            elif templates(result) == ["error_generic"]:
                outcomes["error"] += 1
            else:
                outcomes["step"] += 1
            # Where the citizen really is (after an error the old button is pressed again).
            with direct() as session:
                run = session.get(TutorialRun, int(press.split(":")[2]))
                if run.status != "active":
                    return
                press = f"tutorial:next:{run.id}:{run.step_index}"

    async def flap() -> None:
        rng = random.Random(8)
        while not stop.is_set():
            await asyncio.sleep(rng.uniform(0.05, 0.3))
            proxy.cut()
            await asyncio.sleep(rng.uniform(0.02, 0.4))
            proxy.restore()

    flapping = asyncio.create_task(flap())
    walkers = asyncio.gather(*(walk(c) for c in citizens))
    await asyncio.sleep(4)
    stop.set()
    await walkers
    await flapping
    proxy.restore()

    assert outcomes["step"] > 0 and outcomes["error"] + outcomes["duplicate"] > 0, outcomes
    with direct() as session:
        recorded = session.scalar(select(func.count()).select_from(ProcessedUpdate))
        runs = session.scalars(select(TutorialRun)).all()
    # Whole turns only: every recorded delivery has its log row, every run's steps follow on without gaps.
    check = check_progress(direct.kw["bind"], recorded, {r.id: len(step_done(direct, r.id)) for r in runs},
                           channel="test")
    assert check.ok, check.summary() + " " + "; ".join(check.inconsistent[:5])


class _NluDownToo:
    """Rasa unreachable as well: the parse fails the way NluClient fails."""

    async def parse(self, text: str):
        from nlu.client import NluUnavailable
        raise NluUnavailable("connection refused")


async def test_free_text_during_a_long_outage_gets_error_generic(services, proxy):
    await on_step_one(services, "hoa")
    services.dialogue.nlu = _NluDownToo()  # free text is checked for a help relay before the NLU
    proxy.cut()
    result = await turn(services, "hoa", text="toi bi ket o buoc nay", key="hoa-4")
    proxy.restore()
    assert templates(result) == ["error_generic"]
