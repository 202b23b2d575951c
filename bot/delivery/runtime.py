"""The outbox sender and a periodic tick, run for as long as the app runs (bot/team/runtime.py wires them)."""
from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from typing import Callable

from bot.delivery.clock import Clock, system_clock
from bot.delivery.sender import OutboxSender
from bot.delivery.senders import Sender
from bot.shared.team_settings import TeamSettings

log = logging.getLogger(__name__)
Tick = Callable[[datetime], dict[str, int]]  # the periodic work at a moment; how much of each it did


class DeliveryRuntime:
    """The sender over the channels' Senders, and `tick` every `tick_seconds`."""

    def __init__(self, sessions, settings: TeamSettings, tick: Tick, clock: Clock = system_clock):
        self.sessions = sessions
        self.settings = settings
        self.tick = tick
        self.clock = clock
        self.ticks = 0
        self.sender: OutboxSender | None = None
        self._tasks: list[asyncio.Task] = []
        self._stopping = asyncio.Event()

    async def start_on(self, senders: dict[str, Sender]) -> "DeliveryRuntime":
        """Start the outbox sender over `senders` (none: only the tick) and the tick."""
        if senders:
            self.sender = OutboxSender(self.sessions, senders, self.settings, clock=self.clock)
            task = asyncio.create_task(self.sender.run(), name="outbox-sender")
            task.add_done_callback(self._ended)
            self._tasks.append(task)
        self._tasks.append(asyncio.create_task(self._ticking(), name="team-tick"))
        return self

    def _ended(self, task: asyncio.Task) -> None:
        """The sender never ends on its own: if it does, say so loudly (pushes and relays have stopped)."""
        if self._stopping.is_set():
            return
        error = None if task.cancelled() else task.exception()
        log.error("the outbox sender ended while the app runs: nothing is sent until a restart",
                  exc_info=error)

    async def _ticking(self) -> None:
        seconds = self.settings.tick_seconds
        while not self._stopping.is_set():
            try:
                done = await asyncio.to_thread(self.tick, self.clock())
                self.ticks += 1
                if any(done.values()):
                    log.info("team tick: %s", done)
                    if self.sender is not None:
                        self.sender.wake()  # what was just queued goes out now, not at the next poll
            except Exception:
                log.exception("team tick failed; trying again in %.0f s", seconds)
            try:
                await asyncio.wait_for(self._stopping.wait(), timeout=seconds)
            except asyncio.TimeoutError:
                pass

    async def stop(self) -> None:
        self._stopping.set()
        if self.sender is not None:
            self.sender.stop()
        await asyncio.gather(*self._tasks, return_exceptions=True)
