"""What `camtay run` starts for the team: the outbox sender over the channels' Senders, and the minute tick
(escalations, reminders). Wired here, at the top: delivery knows neither the channels nor the actions."""
from __future__ import annotations

import functools

from actions.team.periodic import tick
from bot.channels.services import Services
from bot.channels.telegram import TelegramChannel, send_only_channel
from bot.delivery.clock import Clock, system_clock
from bot.delivery.runtime import DeliveryRuntime
from bot.delivery.senders import Sender


async def outbox_senders(services: Services) -> tuple[dict[str, Sender], TelegramChannel | None]:
    """The channels the outbox sends on, and the send-only Telegram channel made for it (to shut down)."""
    telegram = await send_only_channel(services)
    senders = dict(services.senders)
    if telegram is not None:
        senders["telegram"] = telegram
    senders.pop("web", None)  # the web chat cannot reach anyone who is not looking
    return senders, telegram


class TeamRuntime(DeliveryRuntime):
    """Started by `camtay run` (bot/runner.py)."""

    def __init__(self, services: Services, clock: Clock = system_clock):
        settings = services.settings.team
        super().__init__(services.sessions, settings,
                         functools.partial(tick, services.sessions, services.catalog, settings), clock)
        self.services = services
        self._telegram: TelegramChannel | None = None

    async def start(self) -> "TeamRuntime":
        senders, self._telegram = await outbox_senders(self.services)
        await self.start_on(senders)
        return self

    async def stop(self) -> None:
        await super().stop()
        if self._telegram is not None:
            await self._telegram.application.shutdown()
