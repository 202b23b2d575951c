"""Fixtures for the Zalo channel: the fake Zalo API, and a database on SQLite or PostgreSQL."""
import pytest

from devtools.fakes.zalo_api import FakeZaloApi


@pytest.fixture
def zalo_api():
    with FakeZaloApi() as api:
        yield api


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'zalo.sqlite3'}"
    return request.getfixturevalue("postgres_url")
