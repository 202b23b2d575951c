"""Migration 0017: support_sessions.cancelled_at, on a database with a session and who came to it."""
from datetime import datetime, timezone

import pytest
from sqlalchemy import inspect

from tests.storage.migrating import differences_touching, move, revision_before, upgraded_over

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=timezone.utc)


def _columns(engine) -> set[str]:
    return {c["name"] for c in inspect(engine).get_columns("support_sessions")}


ROWS = [
    ("communes", {"id": 1, "name": "Xã A"}),
    ("villages", {"id": 1, "commune_id": 1, "name": "Thôn 1"}),
    ("households", {"id": 1, "village_id": 1, "code": "H1", "join_code": "ABCDEF", "head_name": "Lê Thị Hoa",
                    "created_at": NOW}),
    ("support_sessions", {"id": 1, "village_id": 1, "starts_at": NOW, "place": "Nhà văn hóa thôn Đông",
                          "topic_ids": ["vneid-level2"], "created_at": NOW}),
    # Rows pointing at support_sessions (ON DELETE CASCADE): a copy of that table would take them along.
    ("support_session_attendance", {"id": 1, "session_id": 1, "household_id": 1, "platforms": ["vneid-level2"],
                                    "recorded_at": NOW}),
]


@pytest.fixture
def upgraded(database_url):
    with upgraded_over(database_url, "0017", ROWS) as engine:
        yield engine


def test_the_column_matches_the_model_and_the_rows_stay(upgraded):
    assert "cancelled_at" in _columns(upgraded)
    with upgraded.connect() as connection:
        assert differences_touching(connection, ["cancelled_at"]) == []
        row = connection.exec_driver_sql("SELECT place, cancelled_at FROM support_sessions").one()
        came = connection.exec_driver_sql("SELECT count(*) FROM support_session_attendance").scalar()
    assert tuple(row) == ("Nhà văn hóa thôn Đông", None) and came == 1
    with upgraded.begin() as connection:
        connection.exec_driver_sql("UPDATE support_sessions SET cancelled_at = starts_at")
        assert connection.exec_driver_sql("SELECT count(*) FROM support_sessions "
                                          "WHERE cancelled_at IS NOT NULL").scalar() == 1


def test_downgrade_removes_only_the_column_and_keeps_who_came(upgraded, database_url):
    move(upgraded, database_url, revision_before("0017"), down=True)
    assert "cancelled_at" not in _columns(upgraded) and "place" in _columns(upgraded)
    with upgraded.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM support_session_attendance").scalar() == 1
        assert connection.exec_driver_sql("SELECT count(*) FROM support_sessions").scalar() == 1
