"""Migration 0014: in-person sessions, their attendance and chat drafts, on a database with rows already."""
from datetime import datetime, timezone

import pytest
from sqlalchemy import MetaData, inspect

from tests.storage.migrating import differences_touching, move, revision_before, upgraded_over

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=timezone.utc)
NEW_TABLES = {"support_sessions", "support_session_attendance", "support_session_drafts"}
LATER_COLUMNS = ("cancelled_at",)  # migration 0017


ROWS = [
    ("communes", {"id": 1, "name": "Xã A"}),
    ("villages", {"id": 1, "commune_id": 1, "name": "Thôn 1"}),
    ("households", {"id": 1, "village_id": 1, "code": "H1", "join_code": "ABCDEF", "head_name": "Lê Thị Hoa",
                    "created_at": NOW}),
]


@pytest.fixture
def upgraded(database_url):
    with upgraded_over(database_url, "0014", ROWS) as engine:
        yield engine


def test_the_tables_match_the_models_and_take_rows(upgraded, database_url):
    assert NEW_TABLES <= set(inspect(upgraded).get_table_names())
    with upgraded.connect() as connection:
        assert differences_touching(connection, NEW_TABLES, later=LATER_COLUMNS) == []
    tables = MetaData()
    tables.reflect(upgraded)
    with upgraded.begin() as connection:
        connection.execute(tables.tables["support_sessions"].insert(), {
            "id": 1, "village_id": 1, "starts_at": NOW, "place": "Nhà văn hóa thôn Đông",
            "topic_ids": ["vneid-level2"], "created_at": NOW})
        connection.execute(tables.tables["support_session_attendance"].insert(), {
            "session_id": 1, "household_id": 1, "platforms": ["vneid-level2"], "recorded_at": NOW})
        row = connection.exec_driver_sql("SELECT place, household_id FROM support_sessions "
                                         "JOIN support_session_attendance ON session_id = support_sessions.id").one()
    assert tuple(row) == ("Nhà văn hóa thôn Đông", 1)


def test_downgrade_removes_only_the_new_tables(upgraded, database_url):
    move(upgraded, database_url, revision_before("0014"), down=True)
    names = set(inspect(upgraded).get_table_names())
    assert not NEW_TABLES & names and "households" in names
