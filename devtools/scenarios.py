"""What the simulated citizens do in each measurement: latency, saturation, the 1,000-citizen load."""
from __future__ import annotations

import asyncio
import itertools
import random
import time
from dataclasses import dataclass

from content.loader import Catalog
from devtools.citizens import Citizen, Driver, SentStream, Tally, register_users
from devtools.figures import percentile

_UNIQUE = itertools.count(1)
FREE_TEXT = ("xin chào", "cảm ơn cháu", "lam sao cai vneid", "cách đóng tiền điện trên điện thoại",
             "dang ky dinh danh muc 2 the nao", "tiếp đi", "làm lại bước này", "cho tôi gặp cán bộ",
             "vneid là gì vậy", "hôm nay trời đẹp quá", "quen mat khau vneid", "tổ công nghệ số là ai")


@dataclass
class Figures:
    """Latency percentiles in ms and a rate per second, for one kind of update."""
    count: int
    p50: float | None
    p95: float | None
    p99: float | None
    rate: float | None = None

    @classmethod
    def of(cls, latencies: list[float], rate: float | None = None) -> "Figures":
        ms = [v * 1000 for v in latencies]
        return cls(len(ms), percentile(ms, 50), percentile(ms, 95), percentile(ms, 99), rate)


class Crowd:
    """Citizens over one Driver, from chat id `first_id` on."""

    def __init__(self, webhook_urls: list[str], secret: str, fake_url: str, stream_port: int,
                 catalog: Catalog, seed: int = 8, connections: int = 256):
        self.webhook_urls, self.secret, self.fake_url = webhook_urls, secret, fake_url
        self.stream_port, self.connections = stream_port, connections
        self.tutorials = [t.id for t in catalog if t.is_tutorial]
        self.rng = random.Random(seed)
        self.stream: SentStream | None = None
        self.driver: Driver | None = None

    async def __aenter__(self) -> "Crowd":
        self.stream = await SentStream(self.stream_port).start()
        self.driver = Driver(self.webhook_urls, self.secret, self.stream, self.connections)
        return self

    async def __aexit__(self, *exc) -> None:
        await self.driver.aclose()
        await self.stream.aclose()

    @property
    def tally(self) -> Tally:
        return self.driver.tally

    async def citizens(self, first_id: int, count: int, onboard: bool = True) -> list[Citizen]:
        ids = list(range(first_id, first_id + count))
        await register_users(self.fake_url, ids)
        people = [Citizen(i, self.driver, self.tutorials, random.Random(self.rng.random())) for i in ids]
        if onboard:
            limit = asyncio.Semaphore(64)

            async def one(citizen: Citizen) -> None:
                async with limit:
                    await citizen.onboard()
            await asyncio.gather(*(one(c) for c in people))
        return people


async def sequential_latency(crowd: Crowd, citizens: list[Citizen], buttons: int, texts: int) -> dict[str, Figures]:
    """One update at a time (no queueing anywhere): button presses, then free text through Rasa."""
    since = time.monotonic()
    for i in range(buttons):
        await citizens[i % len(citizens)].act()
    for i in range(texts):
        citizen = citizens[i % len(citizens)]
        # Unique texts: the bot's NLU client caches answers by normalized text; this measures Rasa.
        await citizen.say(f"{FREE_TEXT[i % len(FREE_TEXT)]} {next(_UNIQUE)}", kind="text")
    return {kind: Figures.of(crowd.tally.latencies(kind, since)) for kind in ("button", "text")}


async def saturate(crowd: Crowd, citizens: list[Citizen], seconds: float, warm_up: float = 1.0) -> Figures:
    """Every citizen presses the next button as soon as the last reply arrives: a closed loop."""
    began = time.monotonic()
    deadline = began + warm_up + seconds

    async def walk(citizen: Citizen) -> None:
        while time.monotonic() < deadline:
            await citizen.act()
    await asyncio.gather(*(walk(c) for c in citizens))
    window = (began + warm_up, deadline)
    samples = [s for s in crowd.tally.samples if s.kind == "button" and window[0] <= s.at < window[1]]
    done = [s for s in samples if s.status == 200 and s.latency is not None
            and s.at + s.refused_for + s.latency <= window[1]]
    return Figures.of([s.latency for s in samples if s.latency is not None], rate=len(done) / seconds)


async def crowd_walk(crowd: Crowd, citizens: list[Citizen], seconds: float,
                     think: tuple[float, float]) -> float:
    """Citizens arrive over the first think period, then read each step for a while before pressing on."""
    began = time.monotonic()
    deadline = began + seconds

    async def live(citizen: Citizen) -> None:
        await asyncio.sleep(citizen.rng.uniform(0, think[1]))
        while time.monotonic() < deadline:
            await citizen.act()
            await asyncio.sleep(citizen.rng.uniform(*think))
    await asyncio.gather(*(live(c) for c in citizens))
    return time.monotonic() - began
