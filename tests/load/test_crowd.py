"""The load test of `make bench`, shortened for CI: a crowd walks tutorials at once, then the database is
checked: every accepted press is one step event, nothing lost or doubled, no 5xx."""
from __future__ import annotations

import pytest

from devtools.processes import FakeProcess
from devtools.progress import check_progress
from devtools.scenarios import Figures, crowd_walk
from tests.faults.conftest import crowd_of, webhook_bot

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.slow]
# CI's share: tens of citizens for seconds; `make bench` runs 1,000 for a minute.
CITIZENS, SECONDS, THINK = 40, 10.0, (0.5, 2.0)


@pytest.fixture
def fake_telegram():
    """The fake Bot API in a process of its own: in a thread it would fight the bot for the GIL."""
    with FakeProcess() as fake:
        yield fake


async def test_a_crowd_walks_tutorials_and_nothing_is_lost_or_doubled(both_databases_settings, catalog, fake_telegram):
    api = fake_telegram
    async with webhook_bot(both_databases_settings, catalog, api) as (services, url), \
            crowd_of([url], api, catalog) as crowd:
        # Onboarded first (a guest with a form of address, looking at the menu): on a busy CI machine the
        # seconds of the walk go to tutorials, not to /start.
        citizens = await crowd.citizens(20_000, CITIZENS)
        await crowd_walk(crowd, citizens, SECONDS, THINK)
        tally = crowd.tally
        check = check_progress(services.engine, tally.accepted, tally.next_presses, posted=tally.posted)

    statuses = [s.status for s in tally.samples]
    figures = Figures.of([s.latency for s in tally.samples if s.latency is not None])
    print(f"\n{len(statuses)} updates from {CITIZENS} citizens in {SECONDS:.0f} s: p50 {figures.p50:.1f} ms, "
          f"p95 {figures.p95:.1f} ms, p99 {figures.p99:.1f} ms; {check.summary()}")
    assert sum(tally.next_presses.values()) > 0  # walking tutorials
    assert not [s for s in statuses if s >= 500] and not tally.errors, tally.errors
    assert check.ok, (check.summary(), check.lost[:5], check.duplicated[:5], check.inconsistent[:5])
