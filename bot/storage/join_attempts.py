"""Wrong join codes and team link codes, counted so that codes cannot be guessed at scale.

Personal data: none in clear. A row holds a keyed hash (HMAC-SHA256) of the chat identity (channel and
user id) and, on the web chat, of the client's address, and the time of the wrong code: no code, no
member id, no raw address. Rows older than a day are deleted on every write (bot/people/join_guard.py,
`purge`), so a member's or household's deletion needs no step here: nothing links a row to them, and
within a day of the last wrong code the rows are gone.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.base import Base, utcnow


class JoinAttempt(Base):
    __tablename__ = "join_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    identity_hash: Mapped[str] = mapped_column(String(64))
    address_hash: Mapped[str | None] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    def __repr__(self) -> str:
        return f"JoinAttempt(id={self.id!r}, at={self.at!r})"


# Counting one identity's or one address's wrong codes in the last hour, and purging by age.
Index("ix_join_attempts_identity_hash_at", JoinAttempt.identity_hash, JoinAttempt.at)
Index("ix_join_attempts_address_hash_at", JoinAttempt.address_hash, JoinAttempt.at)
Index("ix_join_attempts_at", JoinAttempt.at)
