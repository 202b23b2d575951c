"""The access token from the single-use refresh token, stored atomically, on SQLite and PostgreSQL."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from bot.channels.zalo.api import ZaloApi
from bot.channels.zalo.tokens import REFRESH_MARGIN, TokenError, TokenStore
from bot.storage.base import utcnow
from bot.storage.db import make_engine, migrate, session_factory
from bot.storage.zalo import ZaloToken
from devtools.fakes.zalo_api import SEED_REFRESH_TOKEN


class Worker:
    """One bot process: its own engine (connection pool) and token store on the shared database."""

    def __init__(self, url: str, api, seed: str | None = SEED_REFRESH_TOKEN, clock=utcnow):
        self.engine = make_engine(url)
        self.client = ZaloApi(api.url, api.url, api.app_id, api.app_secret)
        self.store = TokenStore(session_factory(self.engine), api.app_id, seed, self.client.refresh, clock=clock)

    def row(self) -> ZaloToken:
        with session_factory(self.engine)() as session:
            return session.get(ZaloToken, self.store.app_id)


@pytest.fixture
def workers(database_url, zalo_api):
    migrate_engine = make_engine(database_url)
    migrate(migrate_engine)
    migrate_engine.dispose()
    made: list[Worker] = []

    def make(**kwargs) -> Worker:
        made.append(Worker(database_url, zalo_api, **kwargs))
        return made[-1]

    yield make
    for worker in made:
        worker.engine.dispose()


def test_first_use_spends_the_seed_and_stores_the_new_tokens(workers, zalo_api):
    worker = workers()
    token = worker.store.access_token()
    assert token in zalo_api.access_tokens
    assert [(r.refresh_token, r.ok) for r in zalo_api.refreshes] == [(SEED_REFRESH_TOKEN, True)]
    row = worker.row()
    assert row.refresh_token == zalo_api.refresh_token != SEED_REFRESH_TOKEN
    assert (row.access_token, row.version) == (token, 1)
    assert timedelta(hours=24) < row.expires_at.replace(tzinfo=None) - utcnow().replace(tzinfo=None) \
        <= timedelta(hours=25)


def test_a_valid_token_is_reused_by_every_worker(workers, zalo_api):
    first, second = workers(), workers()
    token = first.store.access_token()
    assert first.store.access_token() == second.store.access_token() == token
    assert len(zalo_api.refreshes) == 1


def test_the_token_is_refreshed_before_it_expires(workers, zalo_api):
    now = [utcnow()]
    worker = workers(clock=lambda: now[0])
    old = worker.store.access_token()
    now[0] += timedelta(seconds=zalo_api.token_lifetime) - REFRESH_MARGIN + timedelta(minutes=1)
    new = worker.store.access_token()
    assert new != old and [r.ok for r in zalo_api.refreshes] == [True, True]
    assert worker.row().version == 2


def test_a_rejected_token_is_replaced_once(workers, zalo_api):
    first, second = workers(), workers()
    old = first.store.access_token()
    zalo_api.expire_access_tokens()
    new = second.store.access_token(rejected=old)
    # The first worker, told the same, finds the replacement instead of refreshing again.
    assert first.store.access_token(rejected=old) == new != old
    assert len(zalo_api.refreshes) == 2


def test_a_refused_refresh_keeps_the_stored_tokens_and_says_what_to_do(workers, zalo_api):
    worker = workers()
    token = worker.store.access_token()
    before = worker.row()
    zalo_api.refresh_token = "spent-elsewhere"  # e.g. someone refreshed with a copy of the token
    with pytest.raises(TokenError, match="ZALO_REFRESH_TOKEN"):
        worker.store.access_token(rejected=token)
    after = worker.row()
    assert (after.refresh_token, after.access_token, after.version) == \
        (before.refresh_token, before.access_token, before.version)


def test_a_new_seed_from_the_operator_restarts_the_chain(workers, zalo_api):
    workers().store.access_token()
    zalo_api.refresh_token = "re-authorized"  # the OA was authorized again; the operator sets the new token
    restarted = workers(seed="re-authorized")
    token = restarted.store.access_token()
    assert token in zalo_api.access_tokens
    assert [r.refresh_token for r in zalo_api.refreshes] == [SEED_REFRESH_TOKEN, "re-authorized"]
    # Workers still on the old seed do not undo it: their seed's chain is spent, the row says so.
    assert restarted.row().refresh_token == zalo_api.refresh_token


def test_without_any_refresh_token_the_error_says_what_to_set(workers):
    with pytest.raises(TokenError, match="ZALO_REFRESH_TOKEN"):
        workers(seed=None).store.access_token()


@pytest.mark.parametrize("count", [2, 4])
def test_workers_racing_spend_the_refresh_token_only_once(workers, zalo_api, count):
    """Each worker finds no usable token at the same moment; one refreshes, the others wait and read."""
    zalo_api.refresh_delay = 0.4  # the refresh is slow, so the others arrive while it runs
    racers = [workers() for _ in range(count)]
    start = threading.Barrier(count)
    tokens, errors = [None] * count, []

    def race(index: int) -> None:
        start.wait()
        try:
            tokens[index] = racers[index].store.access_token()
        except Exception as exc:  # surfaced below with the others' results
            errors.append(exc)

    threads = [threading.Thread(target=race, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert [(r.refresh_token, r.ok) for r in zalo_api.refreshes] == [(SEED_REFRESH_TOKEN, True)]
    assert len(set(tokens)) == 1 and tokens[0] in zalo_api.access_tokens
    row = racers[0].row()
    assert (row.version, row.refresh_token) == (1, zalo_api.refresh_token)


def test_racing_after_a_rejection_still_refreshes_once(workers, zalo_api):
    racers = [workers(), workers()]
    old = racers[0].store.access_token()
    zalo_api.expire_access_tokens()
    zalo_api.refresh_delay = 0.4
    start = threading.Barrier(2)
    tokens = [None, None]

    def race(index: int) -> None:
        start.wait()
        tokens[index] = racers[index].store.access_token(rejected=old)

    threads = [threading.Thread(target=race, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert tokens[0] == tokens[1] != old
    assert [r.ok for r in zalo_api.refreshes] == [True, True]  # the seed, then one refresh for both
