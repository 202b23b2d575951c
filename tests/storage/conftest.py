"""Storage tests run on SQLite and on PostgreSQL: each test its own database."""
import pytest


@pytest.fixture
def database_url(both_databases_url):
    return both_databases_url
