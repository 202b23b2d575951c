"""What every channel is handed: the long-lived services built once at start-up (bot/services.py builds them)."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlalchemy.orm import sessionmaker

from bot.dialogue.turn import Dialogue
from bot.render import Renderer
from bot.settings import Settings
from content.loader import Catalog
from nlu.client import NluClient


@dataclass
class Services:
    settings: Settings
    engine: Engine
    sessions: sessionmaker
    catalog: Catalog
    renderer: Renderer
    nlu: NluClient | None
    dialogue: Dialogue
    # Channels able to send on their own initiative register here: {"telegram": TelegramChannel, ...}.
    senders: dict = field(default_factory=dict)

    async def aclose(self) -> None:
        if self.nlu is not None:
            await self.nlu.aclose()
        self.dialogue.admission.close()
        self.engine.dispose()
