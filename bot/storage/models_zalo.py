"""Tables of the zalo feature (kept apart so features do not edit one file)."""
from __future__ import annotations

from bot.storage.models import Base  # noqa: F401
