"""Channel adapters: turn platform updates into Incoming and render replies for the platform."""
from __future__ import annotations

from typing import Protocol

from bot.dialogue.types import Reply


class Sender(Protocol):
    """What a channel offers for messages nobody asked for (help relays, pushes)."""

    async def send_to(self, external_id: str, reply: Reply, address_form: str | None = None) -> None:
        """Send one reply to a member of this channel, by their id on the channel."""
