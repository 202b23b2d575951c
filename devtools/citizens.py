"""Simulated citizens: Telegram updates in the real wire format, posted to the webhook of one or more workers.

Each citizen has one update in flight at a time and acts on the buttons of the bot's last message,
as a person would. Latency is measured from just before the update is posted to the moment the turn's
last message (the one with the keyboard) arrived at the fake Bot API, both on CLOCK_MONOTONIC.
"""
from __future__ import annotations

import asyncio
import collections
import itertools
import json
import random
import time
from dataclasses import dataclass, field

from devtools.http import HttpClient

WEBHOOK_PATH = "/telegram/webhook"
REPLY_TIMEOUT = 15.0
# A worker refuses an update it has no room for with 503; Telegram then delivers the same update again
# later. Telegram's own interval is its own; here, the Retry-After the worker gave, plus up to a second.
REDELIVER_FOR = 120.0  # seconds after which a refused update is given up (counted as never accepted)
_UPDATE_IDS, _MESSAGE_IDS, _QUERY_IDS = itertools.count(1), itertools.count(1_000_000_000), itertools.count(1)


@dataclass
class Sample:
    kind: str  # "command", "button" or "text"
    latency: float | None  # seconds from the accepted post to the turn's last message at the fake; None: no reply
    status: int
    at: float  # when it was first posted
    refused_for: float = 0.0  # seconds between the first post and the accepted one (503s, redelivered)


@dataclass
class Tally:
    """What the citizens did, to be checked against the database afterwards."""
    samples: list[Sample] = field(default_factory=list)
    posted: int = 0  # updates sent to a webhook (answered or not)
    accepted: int = 0  # updates the webhook answered with 200
    refusals: int = 0  # 503 answers (worker full); each one is delivered again
    refused_updates: int = 0  # updates refused at least once ...
    refused_then_accepted: int = 0  # ... and of them, those a redelivery got accepted
    next_presses: collections.Counter = field(default_factory=collections.Counter)  # run id -> presses
    errors: collections.Counter = field(default_factory=collections.Counter)

    def latencies(self, kind: str, since: float = 0.0) -> list[float]:
        return [s.latency for s in self.samples if s.kind == kind and s.latency is not None and s.at >= since]


class SentStream:
    """Reads the fake's stream of sent messages and hands them to each chat's queue."""

    def __init__(self, port: int):
        self.port = port
        self.queues: dict[int, asyncio.Queue] = collections.defaultdict(asyncio.Queue)
        self._task: asyncio.Task | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def start(self) -> "SentStream":
        reader, self._writer = await asyncio.open_connection("127.0.0.1", self.port, limit=2 ** 22)
        self._task = asyncio.create_task(self._read(reader))
        await asyncio.sleep(0.05)  # let the fake register the listener before anything is sent
        return self

    async def _read(self, reader: asyncio.StreamReader) -> None:
        while line := await reader.readline():
            event = json.loads(line)
            self.queues[event["chat"]].put_nowait(event)

    async def aclose(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        if self._writer is not None:
            self._writer.close()


class Driver:
    """Posts updates to the workers' webhooks in turn (they are stateless) and collects what came back."""

    def __init__(self, webhook_urls: list[str], secret: str, stream: SentStream, connections: int = 64):
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret}
        self.clients = [HttpClient(url, headers, connections=connections) for url in webhook_urls]
        self._next_client = itertools.cycle(self.clients)
        self.stream = stream
        self.tally = Tally()
        self.rng = random.Random(5)
        # Shared by every Driver of the process: a later one (after a restart) must not repeat ids.
        self._update_ids, self._message_ids, self._query_ids = _UPDATE_IDS, _MESSAGE_IDS, _QUERY_IDS

    async def aclose(self) -> None:
        for client in self.clients:
            await client.aclose()

    def new_update_id(self) -> int:
        return next(self._update_ids)

    def message_update(self, user: dict, text: str) -> dict:
        message = {"message_id": next(self._message_ids), "from": user,
                   "chat": {"id": user["id"], "type": "private", "first_name": user["first_name"]},
                   "date": int(time.time()), "text": text}
        if text.startswith("/"):
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split(" ", 1)[0])}]
        return {"update_id": self.new_update_id(), "message": message}

    def callback_update(self, user: dict, message: dict, data: str) -> dict:
        return {"update_id": self.new_update_id(), "callback_query": {
            "id": f"bench{next(self._query_ids)}", "from": user, "message": message,
            "chat_instance": f"ci{user['id']}", "data": data}}

    async def deliver(self, update: dict, kind: str, chat_id: int) -> tuple[Sample, dict | None]:
        """Post one update and wait for the turn's last message (the one with a keyboard)."""
        queue = self.stream.queues[chat_id]
        while not queue.empty():  # replies to earlier turns that came late
            queue.get_nowait()
        first = started = time.monotonic()
        self.tally.posted += 1
        try:
            status, body = await next(self._next_client).post_json(WEBHOOK_PATH, update)
            if status == 503:
                self.tally.refused_updates += 1
            while status == 503 and time.monotonic() - first < REDELIVER_FOR:
                self.tally.refusals += 1
                await asyncio.sleep(_retry_after(body) + self.rng.random())
                started = time.monotonic()
                status, body = await next(self._next_client).post_json(WEBHOOK_PATH, update)
                if status == 200:
                    self.tally.refused_then_accepted += 1
        except (OSError, asyncio.TimeoutError, ValueError) as exc:
            self.tally.errors[f"post: {type(exc).__name__}"] += 1
            sample = Sample(kind, None, 0, first, started - first)
            self.tally.samples.append(sample)
            return sample, None
        last = None
        if status == 200:
            self.tally.accepted += 1
            deadline = started + REPLY_TIMEOUT
            while last is None:
                try:
                    event = await asyncio.wait_for(queue.get(), max(0.01, deadline - time.monotonic()))
                except asyncio.TimeoutError:
                    self.tally.errors["no reply with a keyboard"] += 1
                    break
                if _buttons(event["message"]):
                    last = event
        else:
            self.tally.errors[f"HTTP {status}"] += 1
        sample = Sample(kind, (last["at"] - started) if last else None, status, first, started - first)
        self.tally.samples.append(sample)
        return sample, (last["message"] if last else None)


def _retry_after(body: bytes) -> float:
    try:
        return float(json.loads(body).get("retry_after", 1))
    except (ValueError, AttributeError, TypeError):
        return 1.0


def _buttons(message: dict) -> list[str]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return [b["callback_data"] for row in rows for b in row if "callback_data" in b]


class Citizen:
    """One person on Telegram: /start, continue as a guest, pick a form of address, walk tutorials."""

    def __init__(self, chat_id: int, driver: Driver, tutorials: list[str], rng: random.Random):
        self.user = {"id": chat_id, "is_bot": False, "first_name": "Dân", "language_code": "vi"}
        self.driver = driver
        self.tutorials = set(tutorials)
        self.rng = rng
        self.last: dict | None = None  # the bot's last message with a keyboard

    @property
    def chat_id(self) -> int:
        return self.user["id"]

    async def say(self, text: str, kind: str | None = None) -> Sample:
        kind = kind or ("command" if text.startswith("/") else "text")
        sample, last = await self.driver.deliver(self.driver.message_update(self.user, text), kind, self.chat_id)
        self.last = last or self.last
        return sample

    async def press(self, data: str) -> Sample:
        update = self.driver.callback_update(self.user, self.last, data)
        sample, last = await self.driver.deliver(update, "button", self.chat_id)
        if sample.status == 200 and data.startswith("tutorial:next:"):
            self.driver.tally.next_presses[int(data.split(":")[2])] += 1
        self.last = last or self.last
        return sample

    def choose(self) -> str | None:
        """The button a citizen walking tutorials presses next; None when there is nothing useful."""
        buttons = _buttons(self.last) if self.last else []
        for prefix in ("tutorial:next:", "tutorial:resume:", "household:guest", "address:"):
            found = [b for b in buttons if b.startswith(prefix)]
            if found:
                return found[0]
        topics = [b for b in buttons if b.startswith("topic:") and b[6:] in self.tutorials]
        if topics:
            return self.rng.choice(topics)
        return "menu" if "menu" in buttons else None

    async def act(self) -> Sample:
        """One step of the walk: press the useful button, or ask for the menu."""
        if self.last is None:
            return await self.say("/start")
        choice = self.choose()
        if choice is None:
            return await self.say("/menu")
        return await self.press(choice)

    async def onboard(self) -> None:
        """Until the citizen sees a menu or a step (the guest path, with a form of address)."""
        for _ in range(6):
            await self.act()
            if self.last and any(b.startswith(("topic:", "tutorial:")) for b in _buttons(self.last)):
                return


async def register_users(fake_url: str, ids: list[int]) -> None:
    """The fake only lets the bot write to users who wrote first; tell it who they are."""
    client = HttpClient(fake_url)
    try:
        for start in range(0, len(ids), 5000):
            status, body = await client.post_json("/_bench/users", {"ids": ids[start:start + 5000]})
            if status != 200:
                raise RuntimeError(f"the fake refused the users: {status} {body[:200]!r}")
    finally:
        await client.aclose()


async def fake_tally(fake_url: str) -> dict[str, int]:
    client = HttpClient(fake_url)
    try:
        status, body = await client.post_json("/_bench/tally", {})
        return json.loads(body) if status == 200 else {}
    finally:
        await client.aclose()
