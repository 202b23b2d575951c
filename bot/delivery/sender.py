"""The outbox sender: drains the outbox through the channels' Senders within the platforms' limits.

- Slots: per channel, send slots come from a throttle row shared by every sender process, spaced
  1 / (rate x headroom) apart. A request late for its slot (this process was slow) takes a new slot
  rather than catch up, since the next slots may be another sender's.
- Here: at most `rate` request starts in any 1/headroom seconds, never two closer than half a spacing,
  held right before each request (after `sending` is committed, whose latency varies).
- Per chat: the claim keeps one message per chat in progress and `chat_interval` after the last one sent.
- Quiet hours (QUIET_HOURS, local time): no push or reminder is started; help relays always go.
- 429: the channel pauses for retry_after (here at once, for the others through the throttle row);
  the message goes back to the queue, as Telegram did not deliver it.
- Exactly once: `sending` is committed just before the request. A sender killed with requests in flight
  leaves them `sending`; when their lease runs out they become `unknown` and are never sent again.
  SIGTERM stops claiming and finishes what is in flight, leaving nothing unknown.
- Errors: each channel's Sender says what its failure means (bot/delivery/senders.py).

In a process of its own: `python -m bot.team.sender` (`camtay outbox send`); in `camtay run`: bot/team/runtime.py.
"""
from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
import time
from collections import deque

from bot.delivery.clock import Clock, LocalTime, aware, epoch, system_clock
from bot.delivery.outbox import Claimed, OutboxStore, reply_from_json
from bot.delivery.senders import Sender
from bot.shared.team_settings import TeamSettings
from bot.storage.delivery import SKIPPED, UNKNOWN

log = logging.getLogger(__name__)
_BATCH_SECONDS = 0.25  # claim about this much sending at a time
_LOOKAHEAD = 0.1  # seconds before a batch's last slot when the next batch is claimed
_BACKOFF_MAX = 30.0  # seconds, at most, between tries after database errors


class OutboxSender:
    """One sender; run several (processes or workers) on PostgreSQL, they share the outbox safely."""

    def __init__(self, sessions, senders: dict[str, Sender], settings: TeamSettings,
                 sender_id: str | None = None, clock: Clock = system_clock):
        self.senders = senders
        self.clock = clock  # local time of day (quiet hours); the pacing itself uses time.time()
        self._local = LocalTime.of(settings)
        self.settings = settings
        self.sender_id = sender_id or f"{socket.gethostname()[:30]}:{os.getpid()}:{secrets.token_hex(3)}"
        self.store = OutboxStore(sessions, self.sender_id, settings.outbox_lease, settings.chat_interval)
        self._stopping = asyncio.Event()
        self._wake = asyncio.Event()
        self._inflight: set[asyncio.Task] = set()
        self._inflight_ids: set[int] = set()  # rows this sender is delivering: recovery leaves them alone
        self._done = asyncio.Event()  # a delivery finished: room to claim more
        self._semaphore = asyncio.Semaphore(settings.outbox_concurrency)
        # Slots come from the shared throttle; _pace also limits this process's own request starts,
        # whatever the database's latency did to the tasks in between.
        self._pace_locks: dict[str, asyncio.Lock] = {}
        self._next_send: dict[str, float] = {}
        self._recent: dict[str, deque] = {}  # the latest request start times, per channel
        self._paused_until: dict[str, float] = {}  # monotonic; a 429 stops this process at once
        self.counts = {"sent": 0, "failed": 0, "retried": 0, "unknown": 0, "skipped": 0}

    def stop(self) -> None:
        """Stop claiming; messages in flight are finished (a graceful stop leaves nothing unknown)."""
        self._stopping.set()
        self._wake.set()
        self._done.set()

    def wake(self) -> None:
        self._wake.set()

    async def run(self, until_empty: bool = False) -> None:
        channels = tuple(self.senders)
        log.info("outbox sender %s on %s", self.sender_id, ", ".join(channels) or "no channel")
        try:
            await asyncio.gather(self._housekeeping(until_empty),
                                 *(self._drain(channel, until_empty) for channel in channels))
        except BaseException:
            log.exception("outbox sender %s stopped by an error: nothing is sent until it restarts", self.sender_id)
            raise
        finally:
            if self._inflight:
                await asyncio.gather(*self._inflight, return_exceptions=True)
            log.log(logging.INFO if self._stopping.is_set() else logging.ERROR,
                    "outbox sender %s ended%s", self.sender_id, "" if self._stopping.is_set() else " unexpectedly")

    async def _backoff(self, what: str, failures: int) -> None:
        """A database error (a failover, a lost connection): log it, wait longer each time, go on."""
        seconds = min(_BACKOFF_MAX, self.settings.outbox_poll * 2 ** failures)
        log.exception("outbox sender %s: %s failed (%d in a row); trying again in %.1f s",
                      self.sender_id, what, failures, seconds)
        await self._sleep(seconds)

    async def _housekeeping(self, until_empty: bool) -> None:
        failures = 0
        while not self._stopping.is_set():
            try:
                recovered = await asyncio.to_thread(self.store.recover, time.time(), frozenset(self._inflight_ids))
                if any(recovered.values()):
                    log.warning("outbox recovery: %s", recovered)
                if until_empty and not self._inflight and \
                        await asyncio.to_thread(self.store.pending, tuple(self.senders)) == 0:
                    self.stop()
                    return
                failures = 0
            except Exception:
                failures += 1
                await self._backoff("recovery", failures)
                continue
            await self._sleep(max(0.5, min(self.settings.outbox_lease / 4, 5.0)))

    async def _sleep(self, seconds: float) -> None:
        try:
            await asyncio.wait_for(self._stopping.wait(), timeout=max(0.0, seconds))
        except asyncio.TimeoutError:
            pass

    async def _idle(self) -> None:
        self._wake.clear()
        try:
            await asyncio.wait_for(self._wake.wait(), timeout=self.settings.outbox_poll)
        except asyncio.TimeoutError:
            pass

    async def _drain(self, channel: str, until_empty: bool) -> None:
        spacing = self.spacing(channel)
        batch = max(1, min(int(_BATCH_SECONDS / spacing), self.settings.outbox_concurrency))
        failures = 0
        while not self._stopping.is_set():
            room = self.settings.outbox_concurrency - len(self._inflight)
            if room <= 0:  # deliveries are slower than the rate: claim nothing until they catch up
                await self._done.wait()
                self._done.clear()
                continue
            items: list[Claimed] = []
            try:
                quiet = self._local.is_quiet(self.clock())
                items = await asyncio.to_thread(self.store.claim, channel, min(batch, room), time.time(), quiet)
                if not items:
                    failures = 0
                    await self._idle()
                    continue
                first = await asyncio.to_thread(self.store.reserve, channel, len(items), spacing, time.time())
                failures = 0
            except Exception:
                failures += 1
                if items:  # claimed but no slot: back to the queue (or, failing that, to recovery)
                    try:
                        await asyncio.to_thread(self.store.release, [item.id for item in items])
                    except Exception:
                        log.warning("outbox %s: could not release %d claims; recovery will", channel, len(items))
                await self._backoff(f"claiming on {channel}", failures)
                continue
            for index, item in enumerate(items):
                self._inflight_ids.add(item.id)
                task = asyncio.create_task(self._at_slot(channel, item, first + index * spacing))
                self._inflight.add(task)
                task.add_done_callback(self._finished)
            # Claim the next batch a little before this one's last slot, so slots follow without a gap.
            await self._sleep(first + (len(items) - 1) * spacing - _LOOKAHEAD - time.time())

    def _finished(self, task: asyncio.Task) -> None:
        self._inflight.discard(task)
        self._done.set()

    async def _at_slot(self, channel: str, item: Claimed, slot: float) -> None:
        try:
            await self._sleep(slot - time.time())
            if self._stopping.is_set():
                await asyncio.to_thread(self.store.release, [item.id])
                return
            async with self._semaphore:
                await self._deliver(channel, item, slot)
        except Exception:
            log.exception("outbox %s: could not release it; recovery will", item.id)
        finally:
            self._inflight_ids.discard(item.id)

    async def _deliver(self, channel: str, item: Claimed, slot: float | None = None) -> None:
        try:
            if channel == "zalo" and not await self._within_zalo_window(item):
                await asyncio.to_thread(self.store.failed, item.id, "outside the Zalo 48-hour window",
                                        SKIPPED, "claimed", item.reply)
                self.counts["skipped"] += 1
                return
            # The turn is waited for while the row is only `claimed`: `sending` is committed just before
            # the request, so a sender killed meanwhile leaves rows that can safely be sent again.
            await self._wait_turn(channel, slot)
            if self._stopping.is_set():  # stopping while it waited for a new slot: back to the queue untouched
                await asyncio.to_thread(self.store.release, [item.id])
                return
            if not await asyncio.to_thread(self.store.start_sending, item.id, channel, time.time()):
                # Paused by a 429 since the claim (or the claim was lost): back to the queue, untouched.
                await asyncio.to_thread(self.store.release, [item.id])
                return
            # The commit above takes a varying time (SQLite's lock, fsync): paced before it, requests could
            # leave in bunches. The limit is held on the real request starts, right before each request.
            await self._pace(channel)
            try:
                await self.senders[channel].send_to(item.external_id, reply_from_json(item.reply),
                                                    item.address_form)
            except Exception as exc:  # every failure is sorted and recorded; the sender goes on
                await self._failed(channel, item, exc)
                return
            if not await asyncio.to_thread(self.store.sent, item.id, time.time(), item.reply):
                log.warning("outbox %s was sent, but its row had been recovered meanwhile", item.id)
            self.counts["sent"] += 1
        except Exception:
            log.exception("outbox %s: could not record the outcome", item.id)
            try:  # not left claimed or sending under this sender's id, which would block the chat
                await asyncio.to_thread(self.store.abandon, item.id)
            except Exception:
                log.warning("outbox %s: could not abandon it either; recovery will once its lease ends", item.id)

    def spacing(self, channel: str) -> float:
        return 1.0 / (self.settings.rate(channel) * self.settings.rate_headroom)

    async def _wait_turn(self, channel: str, slot: float | None) -> None:
        """Wait for this message's slot (shared with every sender) and for any 429 pause to end.
        Late for its slot (this process was slow), it takes a new slot rather than catch up: the slots
        after ours may be another sender's, and catching up would make a burst."""
        spacing = self.spacing(channel)
        for attempt in range(5):
            while True:
                now = time.monotonic()
                due = self._paused_until.get(channel, 0.0)
                if now >= due:
                    break
                await asyncio.sleep(due - now)
            if slot is None or time.time() <= slot + spacing / 2 or attempt == 4:
                return
            slot = await asyncio.to_thread(self.store.reserve, channel, 1, spacing, time.time())
            await self._sleep(slot - time.time())

    async def _pace(self, channel: str) -> None:
        """Hold this process's request starts to at most `rate` in any 1/headroom seconds, never two closer
        than half a spacing, and none during a 429 pause; the start is recorded as it happens."""
        spacing = self.spacing(channel)
        recent = self._recent.setdefault(channel, deque(maxlen=max(1, int(self.settings.rate(channel)))))
        window = 1.0 / self.settings.rate_headroom
        async with self._pace_locks.setdefault(channel, asyncio.Lock()):
            while True:
                now = time.monotonic()
                due = max(self._next_send.get(channel, 0.0), self._paused_until.get(channel, 0.0),
                          recent[0] + window if len(recent) == recent.maxlen else 0.0)
                if now >= due:
                    break
                await asyncio.sleep(due - now)
            recent.append(now)
            self._next_send[channel] = now + spacing / 2

    async def _failed(self, channel: str, item: Claimed, exc: Exception) -> None:
        outcome = self.senders[channel].classify(exc)
        now = time.time()
        attempts = item.attempts + 1
        if outcome.kind == "retry_after":
            self._paused_until[channel] = max(self._paused_until.get(channel, 0.0),
                                              time.monotonic() + outcome.retry_after)
            log.warning("%s: 429, pausing %.1f s", channel, outcome.retry_after)
            await asyncio.to_thread(self.store.pause, channel, now + outcome.retry_after)
            await asyncio.to_thread(self.store.requeue, item.id, now + outcome.retry_after, outcome.reason)
            self.counts["retried"] += 1
        elif outcome.kind == "retry" and attempts < self.settings.outbox_max_attempts:
            await asyncio.to_thread(self.store.requeue, item.id, now + min(2 ** attempts, 300), outcome.reason)
            self.counts["retried"] += 1
        elif outcome.kind == "unknown":
            log.warning("outbox %s: delivery unknown (%s); not sent again", item.id, outcome.reason)
            await asyncio.to_thread(self.store.failed, item.id, f"unknown: {outcome.reason}", UNKNOWN,
                                    reply=item.reply)
            self.counts["unknown"] += 1
        else:
            prefix = "gave up: " if outcome.kind == "retry" else ""
            await asyncio.to_thread(self.store.failed, item.id, prefix + outcome.reason, reply=item.reply)
            self.counts["failed"] += 1

    async def _within_zalo_window(self, item: Claimed) -> bool:
        last_seen = await asyncio.to_thread(self.store.last_seen, item.member_id)
        if last_seen is None:
            return False
        return time.time() - epoch(aware(last_seen)) < self.settings.zalo_window_hours * 3600

