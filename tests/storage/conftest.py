"""Storage tests run on SQLite and on PostgreSQL: each test its own database."""
import pytest


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'storage.sqlite3'}"
    return request.getfixturevalue("postgres_url")
