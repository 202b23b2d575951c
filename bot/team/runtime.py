"""What `camtay run` starts for the team: the outbox sender and a minute tick (escalations, reminders)."""
from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timezone

from actions.team import helpdesk, reminders
from bot.delivery.clock import Clock, system_clock
from bot.team.sender import OutboxSender, telegram_sender

log = logging.getLogger(__name__)


def tick(services, now: datetime | None = None) -> dict[str, int]:
    """One pass of the periodic work; safe on every worker at once (compare-and-set, unique keys)."""
    now = now or datetime.now(timezone.utc)
    settings = services.settings.team
    with services.sessions() as session:
        escalated = helpdesk.escalate_due(session, services.catalog, settings, now)
        session.commit()
    with services.sessions() as session:
        reminded = reminders.send_due(session, services.catalog, settings, now)
        session.commit()
    return {"escalated": escalated, "reminders": reminded}


class TeamRuntime:
    """Started by `camtay run` (bot/runner.py): the sender, and `tick` every `tick_seconds`."""

    def __init__(self, services, clock: Clock = system_clock):
        self.services = services
        self.clock = clock
        self.ticks = 0
        self.sender: OutboxSender | None = None
        self._telegram = None
        self._tasks: list[asyncio.Task] = []
        self._stopping = asyncio.Event()

    async def start(self) -> "TeamRuntime":
        self._telegram = await telegram_sender(self.services)
        senders = dict(self.services.senders)
        if self._telegram is not None:
            senders["telegram"] = self._telegram
        senders.pop("web", None)
        if senders:
            self.sender = OutboxSender(self.services.sessions, senders, self.services.settings.team,
                                       clock=self.clock)
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
        seconds = self.services.settings.team.tick_seconds
        while not self._stopping.is_set():
            try:
                done = await asyncio.to_thread(tick, self.services, self.clock())
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
        if self._telegram is not None:
            await self._telegram.application.shutdown()
