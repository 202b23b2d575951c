"""The admin secret, session tokens and CSRF tokens."""
from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
from pathlib import Path

from sqlalchemy.engine import make_url

from bot.settings import ROOT, Settings

log = logging.getLogger(__name__)
SECRET_FILE = "admin-secret-key"
MIN_SECRET_LENGTH = 32


def data_dir(settings: Settings) -> Path:
    """Where generated files live: beside the SQLite database, else data/."""
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return Path(url.database).resolve().parent
    return ROOT / "data"


def load_secret(settings: Settings) -> bytes:
    """ADMIN_SECRET_KEY, or a key generated once into data/ (never committed: data/ is ignored)."""
    if settings.admin_secret_key:
        if len(settings.admin_secret_key) < MIN_SECRET_LENGTH:
            raise ValueError(f"ADMIN_SECRET_KEY must be at least {MIN_SECRET_LENGTH} characters long")
        return settings.admin_secret_key.encode()
    path = data_dir(settings) / SECRET_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        key = path.read_text(encoding="ascii").strip()
        if len(key) >= MIN_SECRET_LENGTH:
            return key.encode()
        raise ValueError(f"{path} holds a key shorter than {MIN_SECRET_LENGTH} characters; delete it or "
                         "set ADMIN_SECRET_KEY")
    key = secrets.token_urlsafe(48)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key + "\n")
    log.info("generated the admin secret key into %s (set ADMIN_SECRET_KEY to share it between workers)", path)
    return key.encode()


def new_token() -> str:
    return secrets.token_urlsafe(32)


class Keys:
    """Everything derived from the secret: stored session ids and CSRF tokens."""

    def __init__(self, secret: bytes):
        self._secret = secret

    def _mac(self, purpose: str, value: str) -> str:
        return hmac.new(self._secret, f"{purpose}\0{value}".encode(), hashlib.sha256).hexdigest()

    def session_id(self, token: str) -> str:
        """What the database keeps of a session token: a stolen table does not log anyone in."""
        return self._mac("session", token)

    def csrf_token(self, bound_to: str) -> str:
        """The CSRF token of a session token (or of the pre-login cookie)."""
        return self._mac("csrf", bound_to)

    def csrf_ok(self, bound_to: str | None, given: str | None) -> bool:
        if not bound_to or not given:
            return False
        return hmac.compare_digest(self.csrf_token(bound_to), given)
