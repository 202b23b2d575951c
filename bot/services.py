"""Long-lived services built once at start-up and injected (settings, database, content, NLU)."""
from __future__ import annotations

import hashlib
import hmac

from bot.admin.security import load_secret
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
    # join_attempts keeps keyed hashes of chat identities and addresses: the same key on every worker.
    attempt_key = hmac.new(load_secret(settings), b"join-attempts", hashlib.sha256).digest()
    reference_key = hmac.new(load_secret(settings), b"member-reference", hashlib.sha256).digest()
    team = settings.team.with_(attempt_key=attempt_key, reference_key=reference_key)
    dialogue = Dialogue(sessions, catalog, nlu, team, settings.nlu_confidence, settings.nlu_ask_margin)
    return Services(settings, engine, sessions, catalog, Renderer(settings.content_dir), nlu, dialogue)
