"""Channel adapters: turn platform updates into Incoming and render replies for the platform."""
from __future__ import annotations

from pathlib import Path
from typing import Protocol

from bot.shared.types import Reply


def upload_key(image: Path) -> tuple[str, int, int]:
    """What an uploaded image is cached under: a changed file is uploaded again."""
    stat = image.stat()
    return str(image), stat.st_mtime_ns, stat.st_size


class Sender(Protocol):
    """What a channel offers for messages nobody asked for (help relays, pushes)."""

    async def send_to(self, external_id: str, reply: Reply, address_form: str | None = None) -> None:
        """Send one reply to a member of this channel, by their id on the channel."""
