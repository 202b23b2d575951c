"""Tables of the zalo feature (kept apart so features do not edit one file)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.models import Base, utcnow


class ZaloToken(Base):
    """The OA's tokens for one Zalo app: the refresh token works once, so the newest one lives here.

    Workers read the access token freely; only the one holding the row lock refreshes it.
    """

    __tablename__ = "zalo_tokens"

    app_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    refresh_token: Mapped[str] = mapped_column(Text)
    access_token: Mapped[str | None] = mapped_column(Text)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # sha256 of the ZALO_REFRESH_TOKEN this chain started from: a new seed from the operator replaces it.
    seed_sha256: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer, default=0)
    refreshed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    def __repr__(self) -> str:
        return f"ZaloToken(app_id={self.app_id!r}, version={self.version!r}, expires_at={self.expires_at!r})"
