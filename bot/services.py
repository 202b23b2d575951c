"""Long-lived services built once at start-up and injected (settings, database, content, NLU)."""
from __future__ import annotations

from bot.channels.services import Services
from bot.dialogue.turn import Dialogue
from bot.render import Renderer
from bot.settings import Settings
from bot.storage.db import make_engine, migrate, session_factory
from content.loader import Catalog, load_catalog
from nlu.client import NluClient


def build_services(settings: Settings, catalog: Catalog | None = None) -> Services:
    """Everything a channel needs, on a migrated database."""
    engine = make_engine(settings.database_url)
    migrate(engine)
    sessions = session_factory(engine)
    catalog = catalog or load_catalog(settings.content_dir / "topics")
    nlu = NluClient(settings.nlu_url, settings.nlu_token, settings.nlu_timeout) if settings.nlu_url else None
    dialogue = Dialogue(sessions, catalog, nlu, settings.team, settings.nlu_confidence, settings.nlu_ask_margin)
    return Services(settings, engine, sessions, catalog, Renderer(settings.content_dir), nlu, dialogue)
