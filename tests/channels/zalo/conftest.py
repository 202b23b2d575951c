"""Fixtures for the Zalo channel: the fake Zalo API, and a database on SQLite or PostgreSQL."""
import pytest

from devtools.fakes.zalo_api import FakeZaloApi


@pytest.fixture
def zalo_api():
    with FakeZaloApi() as api:
        yield api


@pytest.fixture
def database_url(both_databases_url):
    return both_databases_url
