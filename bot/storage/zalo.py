"""Zalo: the OA's tokens and the webhook inbox."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.base import Base, utcnow


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


class ZaloInboxEvent(Base):
    """A webhook event Zalo was told 200 for: stored before answering, handled from here, found again after
    a crash. The row is also the dedupe record of its delivery id; the raw text stays only until handled.
    """

    __tablename__ = "zalo_inbox"
    __table_args__ = (
        UniqueConstraint("delivery_id", name="uq_zalo_inbox_delivery_id"),
        Index("ix_zalo_inbox_processed_at_lease_until", "processed_at", "lease_until"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    delivery_id: Mapped[str] = mapped_column(String(160))
    user_id: Mapped[str] = mapped_column(String(64))
    text: Mapped[str | None] = mapped_column(Text)      # as typed; cleared once the turn is done
    payload: Mapped[str | None] = mapped_column(Text)   # a button's payload; cleared likewise
    media: Mapped[str | None] = mapped_column(String(32))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # The worker handling it, until when; another worker takes over an event whose lease ran out.
    claimed_by: Mapped[str | None] = mapped_column(String(32))
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    processed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    def __repr__(self) -> str:
        return (f"ZaloInboxEvent(id={self.id!r}, delivery_id={self.delivery_id!r}, "
                f"processed_at={self.processed_at!r})")
