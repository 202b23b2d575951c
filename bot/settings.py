"""One typed settings object, read from the environment and an optional `.env`."""
from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from dotenv import dotenv_values

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_TELEGRAM_API_URL = "https://api.telegram.org"


def _env() -> dict[str, str]:
    """The process environment over the values of `.env` (the environment wins)."""
    values = {k: v for k, v in dotenv_values(ROOT / ".env").items() if v is not None}
    values.update(os.environ)
    return values


@dataclass(frozen=True)
class Settings:
    database_url: str = f"sqlite:///{ROOT / 'data' / 'camtay.sqlite3'}"
    nlu_url: str | None = None
    nlu_token: str | None = None
    nlu_timeout: float = 3.0
    nlu_confidence: float = 0.6
    telegram_bot_token: str | None = None
    telegram_api_url: str = DEFAULT_TELEGRAM_API_URL
    telegram_webhook_url: str | None = None
    telegram_webhook_secret: str | None = None
    host: str = "127.0.0.1"
    port: int = 8080
    content_dir: Path = ROOT / "content"
    models_dir: Path = ROOT / "models"
    rasa_venv: Path = ROOT / ".venv-rasa"
    extra: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls, **overrides) -> "Settings":
        env = _env()
        values = dict(
            database_url=env.get("DATABASE_URL") or cls.database_url,
            nlu_url=env.get("NLU_URL") or None,
            nlu_token=env.get("NLU_TOKEN") or None,
            telegram_bot_token=env.get("TELEGRAM_BOT_TOKEN") or None,
            telegram_api_url=(env.get("TELEGRAM_API_URL") or DEFAULT_TELEGRAM_API_URL).rstrip("/"),
            telegram_webhook_url=env.get("TELEGRAM_WEBHOOK_URL") or None,
            telegram_webhook_secret=env.get("TELEGRAM_WEBHOOK_SECRET") or None,
            host=env.get("HOST") or cls.host,
            port=int(env.get("PORT") or cls.port),
            extra={k: v for k, v in env.items() if k.startswith("ZALO_")},
        )
        values.update(overrides)
        return cls(**values)

    def with_(self, **changes) -> "Settings":
        return replace(self, **changes)
