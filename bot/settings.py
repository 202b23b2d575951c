"""One typed settings object, read from the environment and an optional `.env`."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from dotenv import dotenv_values

from bot.shared.team_settings import TeamSettings

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_TELEGRAM_API_URL = "https://api.telegram.org"
DEFAULT_ZALO_API_URL = "https://openapi.zalo.me"  # the paths on it are in bot/channels/zalo/wire.py
DEFAULT_ZALO_OAUTH_URL = "https://oauth.zaloapp.com"
_ORIGIN = re.compile(r"^https?://[a-z0-9.-]+(:[0-9]{1,5})?$")


def _env() -> dict[str, str]:
    """The process environment over the values of `.env` (the environment wins)."""
    values = {k: v for k, v in dotenv_values(ROOT / ".env").items() if v is not None}
    values.update(os.environ)
    return values


@dataclass(frozen=True)
class Settings:
    database_url: str = f"sqlite:///{ROOT / 'data' / 'camtay.sqlite3'}"
    nlu_url: str | None = None
    nlu_token: str | None = field(default=None, repr=False)
    nlu_timeout: float = 3.0
    # A topic starts at this confidence or more: on the tuning set 0.7 starts as many right topics as 0.6
    # and fewer wrong ones (the gate grid in docs/NLU.md).
    nlu_confidence: float = 0.7
    # Ask which of two topics citizens mix up when their confidences are closer than this (nlu/meaning.py).
    nlu_ask_margin: float = 0.5
    telegram_bot_token: str | None = field(default=None, repr=False)
    telegram_api_url: str = DEFAULT_TELEGRAM_API_URL
    telegram_webhook_url: str | None = None
    telegram_webhook_secret: str | None = field(default=None, repr=False)
    telegram_bot_username: str | None = None  # for deep links t.me/<bot>?start=<code>; else asked with getMe
    host: str = "127.0.0.1"
    port: int = 8080
    forwarded_allow_ips: str | None = None  # reverse proxies trusted for X-Forwarded-For, e.g. "127.0.0.1"
    # Web chat API requests per client address (`limits` notation); over it: 429 with Retry-After.
    web_chat_rate_limit: str = "60/minute"
    content_dir: Path = ROOT / "content"
    models_dir: Path = ROOT / "models"
    rasa_venv: Path = ROOT / ".venv-rasa"
    admin_secret_key: str | None = field(default=None, repr=False)  # signs admin sessions and CSRF tokens; generated into data/ when unset
    learned_examples_path: Path = ROOT / "nlu" / "data" / "learned.yml"  # written by the admin web
    admin_idle_minutes: int = 30  # an admin session unused this long ends (the user logs in again)
    zalo_app_id: str | None = None
    zalo_oa_name: str | None = None  # as citizens find the OA in Zalo's search; printed on the join cards
    zalo_app_secret: str | None = field(default=None, repr=False)  # the app's secret key: token refresh
    zalo_oa_secret_key: str | None = field(default=None, repr=False)  # the app-OA link's: webhook signatures
    zalo_refresh_token: str | None = field(default=None, repr=False)  # a seed: the newest lives in the database
    zalo_api_url: str = DEFAULT_ZALO_API_URL
    zalo_oauth_url: str = DEFAULT_ZALO_OAUTH_URL
    public_base_url: str | None = None  # how Zalo's servers reach /images/... (step images by URL)
    widget_origins: tuple[str, ...] = ()  # websites allowed to embed the web chat widget
    chromium: str = "/usr/bin/chromium"  # prints join sheets to PDF
    team: TeamSettings = field(default_factory=TeamSettings)  # outbox, help requests, reminders

    def __post_init__(self):
        from limits import parse
        try:
            parse(self.web_chat_rate_limit)
        except ValueError:
            raise ValueError(f"WEB_CHAT_RATE_LIMIT: {self.web_chat_rate_limit!r} is not a rate like 60/minute "
                             "(fix it in .env or the environment)") from None
        if not 1 <= self.admin_idle_minutes <= 24 * 60:
            raise ValueError(f"ADMIN_IDLE_MINUTES: {self.admin_idle_minutes!r} is not a number of minutes from 1 "
                             "to 1440 (fix it in .env or the environment)")

    @property
    def zalo_configured(self) -> bool:
        return bool(self.zalo_app_id and self.zalo_app_secret and self.zalo_oa_secret_key)

    @classmethod
    def from_env(cls, **overrides) -> "Settings":
        env = _env()
        values: dict[str, Any] = dict(
            database_url=env.get("DATABASE_URL") or cls.database_url,
            nlu_url=env.get("NLU_URL") or None,
            nlu_token=env.get("NLU_TOKEN") or None,
            telegram_bot_token=env.get("TELEGRAM_BOT_TOKEN") or None,
            telegram_api_url=(env.get("TELEGRAM_API_URL") or DEFAULT_TELEGRAM_API_URL).rstrip("/"),
            telegram_webhook_url=env.get("TELEGRAM_WEBHOOK_URL") or None,
            telegram_webhook_secret=env.get("TELEGRAM_WEBHOOK_SECRET") or None,
            telegram_bot_username=(env.get("TELEGRAM_BOT_USERNAME") or "").lstrip("@") or None,
            chromium=env.get("CHROMIUM") or cls.chromium,
            team=TeamSettings.from_env(env),
            host=env.get("HOST") or cls.host,
            port=int(env.get("PORT") or cls.port),
            forwarded_allow_ips=env.get("FORWARDED_ALLOW_IPS") or None,
            web_chat_rate_limit=env.get("WEB_CHAT_RATE_LIMIT") or cls.web_chat_rate_limit,
            admin_secret_key=env.get("ADMIN_SECRET_KEY") or None,
            admin_idle_minutes=_minutes(env.get("ADMIN_IDLE_MINUTES"), cls.admin_idle_minutes),
            zalo_app_id=env.get("ZALO_APP_ID") or None,
            zalo_oa_name=env.get("ZALO_OA_NAME") or None,
            zalo_app_secret=env.get("ZALO_APP_SECRET") or None,
            zalo_oa_secret_key=env.get("ZALO_OA_SECRET_KEY") or None,
            zalo_refresh_token=env.get("ZALO_REFRESH_TOKEN") or None,
            zalo_api_url=(env.get("ZALO_API_URL") or DEFAULT_ZALO_API_URL).rstrip("/"),
            zalo_oauth_url=(env.get("ZALO_OAUTH_URL") or DEFAULT_ZALO_OAUTH_URL).rstrip("/"),
            public_base_url=(env.get("PUBLIC_BASE_URL") or "").rstrip("/") or None,
            widget_origins=parse_origins(env.get("WIDGET_ORIGINS") or ""),
        )
        values.update(overrides)
        return cls(**values)

    def with_(self, **changes) -> "Settings":
        return replace(self, **changes)


def parse_origins(value: str) -> tuple[str, ...]:
    """`https://xa-a.gov.vn, http://localhost:8000` -> normalized origins; a clear error for anything else."""
    origins = []
    for item in re.split(r"[,\s]+", value.strip()):
        if not item:
            continue
        origin = item.rstrip("/").lower()
        if not _ORIGIN.match(origin):
            raise ValueError(f"WIDGET_ORIGINS: {item!r} is not an origin like https://xa-tanlap.gov.vn "
                             "(scheme and host, an optional port, no path)")
        origins.append(origin)
    return tuple(dict.fromkeys(origins))


def _minutes(value: str | None, default: int) -> int:
    """A whole number of minutes from the environment; a clear error naming the variable otherwise."""
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"ADMIN_IDLE_MINUTES: {value!r} is not a whole number of minutes "
                         "(fix it in .env or the environment)") from None
