"""The OA access token, kept fresh from the single-use refresh token, stored atomically in the database.

Any number of workers share one `zalo_tokens` row. Reading the access token needs no lock; refreshing
takes the row lock (SELECT ... FOR UPDATE on PostgreSQL, BEGIN IMMEDIATE on SQLite), looks again, and
only then spends the refresh token, so two workers racing never both use it: the second one waits for
the lock and then reads the access token the first one stored.
"""
from __future__ import annotations

import hashlib
import logging
import threading
from datetime import datetime, timedelta
from typing import Callable

import httpx
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.channels.zalo.wire import ApiError, Grant
from bot.delivery.clock import aware
from bot.storage.base import utcnow
from bot.storage.zalo import ZaloToken

log = logging.getLogger(__name__)
# Refresh this long before the access token expires, so a send never uses an expired one.
REFRESH_MARGIN = timedelta(minutes=30)


class TokenError(Exception):
    """No usable access token; the message says what the operator should do."""


def _sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


class TokenStore:
    """`access_token()` for one Zalo app; `refresh` is the HTTP call that spends a refresh token."""

    def __init__(self, sessions: sessionmaker, app_id: str, seed: str | None,
                 refresh: Callable[[str], Grant], *, margin: timedelta = REFRESH_MARGIN,
                 clock: Callable[[], datetime] = utcnow):
        self.sessions = sessions
        self.app_id = app_id
        self.seed = seed
        self.refresh = refresh
        self.margin = margin
        self.clock = clock
        self._cached: tuple[str, datetime] | None = None
        self._mutex = threading.Lock()  # one refresher per process; the row lock covers other processes

    def access_token(self, rejected: str | None = None) -> str:
        """A token valid for at least `margin`; `rejected` is one Zalo just refused, never returned again."""
        with self._mutex:
            now = self.clock()
            if self._cached and self._usable(*self._cached, now, rejected):
                return self._cached[0]
            with self.sessions() as session:
                row = self._row(session)
                if self._current_seed(row) and self._usable(row.access_token, row.expires_at, now, rejected):
                    return self._remember(row)
            return self._refresh(rejected)

    def _usable(self, token: str | None, expires_at: datetime | None, now: datetime, rejected: str | None) -> bool:
        return bool(token) and token != rejected and expires_at is not None \
            and aware(expires_at) - self.margin > now

    def _current_seed(self, row: ZaloToken) -> bool:
        return self.seed is None or row.seed_sha256 == _sha256(self.seed)

    def _remember(self, row: ZaloToken) -> str:
        """Cache and return the row's access token (called once it is checked usable, or just stored)."""
        if row.access_token is None or row.expires_at is None:
            raise RuntimeError(f"Zalo app {self.app_id}: a token row without an access token was taken as usable")
        self._cached = (row.access_token, aware(row.expires_at))
        return row.access_token

    def _row(self, session: Session) -> ZaloToken:
        """The app's row, created from the seed on first use (two first uses may race: one insert wins)."""
        row = session.get(ZaloToken, self.app_id)
        if row is not None:
            return row
        if not self.seed:
            raise TokenError("no Zalo refresh token stored yet: set ZALO_REFRESH_TOKEN (from the OA's "
                             "authorization) and restart")
        session.add(ZaloToken(app_id=self.app_id, refresh_token=self.seed, seed_sha256=_sha256(self.seed),
                              version=0, updated_at=self.clock()))
        try:
            session.commit()
        except IntegrityError:
            session.rollback()
        row = session.get(ZaloToken, self.app_id, populate_existing=True)
        if row is None:  # the insert lost a race to a row that is now gone
            raise TokenError(f"the Zalo token row of app {self.app_id} vanished while it was created; try again")
        return row

    def _lock(self, session: Session) -> ZaloToken:
        """The row, locked for writing until the session commits or rolls back."""
        if session.get_bind().dialect.name == "sqlite":
            # SQLite has no row locks: take the database's write lock now instead of at the first UPDATE.
            session.execute(text("BEGIN IMMEDIATE"))
        return session.execute(select(ZaloToken).where(ZaloToken.app_id == self.app_id).with_for_update()
                               .execution_options(populate_existing=True)).scalar_one()

    def _refresh(self, rejected: str | None) -> str:
        with self.sessions() as session:
            row = self._lock(session)
            now = self.clock()
            seed = self.seed
            if seed is not None and not self._current_seed(row):  # (a None seed is always current)
                log.warning("ZALO_REFRESH_TOKEN changed: starting again from the new refresh token")
                row.refresh_token, row.seed_sha256 = seed, _sha256(seed)
                row.access_token = row.expires_at = None
            elif self._usable(row.access_token, row.expires_at, now, rejected):
                session.commit()  # another worker refreshed while we waited for the lock
                return self._remember(row)
            try:
                grant = self.refresh(row.refresh_token)
            except (ApiError, httpx.HTTPError) as exc:
                session.rollback()
                log.error("Zalo refused to refresh the access token: %s", exc)
                raise TokenError(f"could not refresh the Zalo access token ({exc}); if the refresh token "
                                 "expired or was used elsewhere, authorize the OA again and set "
                                 "ZALO_REFRESH_TOKEN") from exc
            row.access_token, row.refresh_token = grant.access_token, grant.refresh_token
            row.expires_at = now + grant.expires_in
            row.version += 1
            row.refreshed_at = row.updated_at = now
            session.commit()
            log.info("Zalo access token refreshed (version %d, valid until %s)", row.version, row.expires_at)
            return self._remember(row)
