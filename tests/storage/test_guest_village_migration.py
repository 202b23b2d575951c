"""Migration 0013: help_requests.village_id (a guest's chosen village) and outcomes.recorded_by_id, on rows."""

from datetime import datetime, timezone

import pytest
from sqlalchemy import inspect

from tests.storage.migrating import differences_touching, move, revision_before, upgraded_over

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=timezone.utc)
NEW_COLUMNS = {("help_requests", "village_id"), ("outcomes", "recorded_by_id")}


def _columns(engine) -> set[tuple[str, str]]:
    found = inspect(engine)
    return {(table, c["name"]) for table in ("help_requests", "outcomes") for c in found.get_columns(table)}


ROWS = [
    ("communes", {"id": 1, "name": "Xã A"}),
    ("villages", {"id": 1, "commune_id": 1, "name": "Thôn 1"}),
    ("households", {"id": 1, "village_id": 1, "code": "H1", "join_code": "ABCDEF", "head_name": "Lê Thị Hoa",
                    "created_at": NOW}),
    ("members", {"id": 1, "channel": "telegram", "external_id": "1", "is_guest": False, "created_at": NOW,
                 "last_seen_at": NOW}),
    ("help_requests", {"id": 1, "member_id": 1, "household_id": 1, "status": "open", "created_at": NOW}),
    # A row pointing at help_requests: SQLite must not have to copy that table (foreign keys are on).
    ("help_request_events", {"id": 1, "help_request_id": 1, "at": NOW, "kind": "opened"}),
    ("outcomes", {"id": 1, "member_id": 1, "household_id": 1, "topic_id": "vneid-level2", "platform": "vneid-level2",
                  "result": "done", "source": "citizen", "at": NOW}),
]


@pytest.fixture
def upgraded(database_url):
    with upgraded_over(database_url, "0013", ROWS) as engine:
        yield engine


def test_the_columns_match_the_models_and_keep_the_rows(upgraded):
    assert NEW_COLUMNS <= _columns(upgraded)
    with upgraded.connect() as connection:
        assert differences_touching(connection, [column for _, column in NEW_COLUMNS]) == []
        help_row = connection.exec_driver_sql("SELECT household_id, village_id FROM help_requests").one()
        outcome_row = connection.exec_driver_sql("SELECT result, recorded_by_id FROM outcomes").one()
    assert tuple(help_row) == (1, None) and tuple(outcome_row) == ("done", None)


def test_downgrade_removes_only_the_new_columns(upgraded, database_url):
    if database_url.startswith("sqlite"):  # SQLite copies help_requests: what points at it goes first
        with upgraded.begin() as connection:
            connection.exec_driver_sql("DELETE FROM help_request_events")
    move(upgraded, database_url, revision_before("0013"), down=True)
    assert not NEW_COLUMNS & _columns(upgraded)
    with upgraded.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM outcomes").scalar() == 1
