"""Migration 0011: admin users and team members become one staff table, with every row pointing at them kept."""
from datetime import datetime, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import MetaData, delete, inspect, select

from bot.storage.db import make_engine, migrate, session_factory
from bot.storage.schema import metadata
from tests.storage.migrating import move

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=timezone.utc)
OLD_TABLES = {"admin_users", "admin_user_villages", "team_members", "team_member_villages"}
# (table, column, ON DELETE) of every foreign key that pointed at admin_users or team_members.
POINTING = {("admin_sessions", "user_id", "CASCADE"), ("admin_recovery_codes", "user_id", "CASCADE"),
            ("admin_audit_log", "user_id", "SET NULL"), ("help_requests", "taken_by_id", None),
            ("help_request_events", "team_member_id", None), ("pushes", "team_member_id", None),
            ("staff_villages", "staff_id", "CASCADE")}





def _rows_at_0010(engine) -> None:
    """Both old tables with rows, and a row of every table pointing at them; team member ids with a gap."""
    tables = MetaData()
    tables.reflect(engine)
    rows = [
        ("communes", [{"id": 1, "name": "Xã A"}]),
        ("villages", [{"id": 1, "commune_id": 1, "name": "Thôn 1"}, {"id": 2, "commune_id": 1, "name": "Thôn 2"}]),
        ("households", [{"id": 1, "village_id": 1, "code": "H1", "join_code": "ABCDEF", "head_name": "Lê Thị Hoa",
                         "created_at": NOW}]),
        ("members", [{"id": m, "channel": "telegram", "external_id": str(m), "is_guest": False, "created_at": NOW,
                      "last_seen_at": NOW} for m in (1, 2)]),
        ("team_members", [
            {"id": 1, "name": "Trần Thị Lan", "role": "member", "member_id": 1, "phone": "0912345678",
             "active": True, "created_at": NOW, "commune_id": 1},
            {"id": 3, "name": "Cán bộ xã", "role": "commune", "commune_id": 1, "link_code_hash": "f" * 64,
             "link_code_expires_at": NOW, "active": True, "created_at": NOW}]),
        ("team_member_villages", [{"team_member_id": 1, "village_id": 1}]),
        ("admin_users", [
            {"id": 1, "username": "tinh", "password_hash": "hash-1", "role": "province", "active": True,
             "created_at": NOW, "last_login_at": NOW},
            {"id": 2, "username": "xa", "password_hash": "hash-2", "role": "commune", "commune_id": 1,
             "display_name": "Cán bộ Xã A", "active": True, "created_at": NOW, "totp_secret": "BASE32SECRET",
             "totp_enabled_at": NOW, "totp_last_step": 42},
            {"id": 3, "username": "doi", "password_hash": "hash-3", "role": "team", "active": False,
             "created_at": NOW}]),
        ("admin_user_villages", [{"user_id": 3, "village_id": 2}]),
        ("admin_sessions", [{"id": "s" * 64, "user_id": 2, "created_at": NOW, "last_seen_at": NOW,
                             "expires_at": NOW, "pending": "code"}]),
        ("admin_recovery_codes", [{"id": 1, "user_id": 2, "code_hash": "argon2-hash", "created_at": NOW}]),
        ("admin_audit_log", [{"id": 1, "at": NOW, "user_id": 1, "username": "tinh", "action": "login"},
                             {"id": 2, "at": NOW, "user_id": None, "username": "(cli)", "action": "create_user"}]),
        ("help_requests", [{"id": 1, "member_id": 2, "household_id": 1, "status": "taken", "created_at": NOW,
                            "taken_by_id": 1}]),
        ("help_request_events", [{"id": 1, "help_request_id": 1, "at": NOW, "kind": "taken", "team_member_id": 3}]),
        ("pushes", [{"id": 1, "topic_id": "vneid-register", "audience": "all", "scope": "village", "scope_id": 1,
                     "team_member_id": 1, "created_by": "Trần Thị Lan", "created_at": NOW, "households": 1,
                     "not_joined": 0}]),
        ("outbox", [{"id": 1, "kind": "push", "channel": "telegram", "external_id": "2", "chat_key": "telegram:2",
                     "push_id": 1, "reply": "{}", "priority": 5, "status": "sent", "attempts": 1, "not_before": 0.0,
                     "created_at": NOW}]),
    ]
    with engine.begin() as connection:
        for name, values in rows:
            for value in values:
                connection.execute(tables.tables[name].insert(), value)


@pytest.fixture
def upgraded(database_url):
    engine = make_engine(database_url)
    move(engine, database_url, "0010")
    _rows_at_0010(engine)
    move(engine, database_url, "0011")
    yield engine
    engine.dispose()


def _all(engine, sql: str) -> list[tuple]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.exec_driver_sql(sql)]


def test_team_members_keep_their_ids_and_admin_users_follow_them(upgraded):
    assert not OLD_TABLES & set(inspect(upgraded).get_table_names())
    staff = _all(upgraded, "SELECT id, name, role, commune_id, username, password_hash, member_id, phone, "
                           "link_code_hash, totp_secret, totp_last_step, active FROM staff ORDER BY id")
    assert [row[:7] for row in staff] == [
        (1, "Trần Thị Lan", "team", 1, None, None, 1),
        (3, "Cán bộ xã", "commune", 1, None, None, None),
        (4, "tinh", "province", None, "tinh", "hash-1", None),
        (5, "Cán bộ Xã A", "commune", 1, "xa", "hash-2", None),
        (6, "doi", "team", None, "doi", "hash-3", None)]
    assert (staff[0][7], staff[1][8]) == ("0912345678", "f" * 64)
    assert staff[3][9:11] == ("BASE32SECRET", 42)
    assert [bool(row[11]) for row in staff] == [True, True, True, True, False]
    assert _all(upgraded, "SELECT staff_id, village_id FROM staff_villages ORDER BY staff_id") == [(1, 1), (6, 2)]


def test_every_row_pointing_at_them_points_at_the_same_person(upgraded):
    assert _all(upgraded, "SELECT user_id FROM admin_sessions") == [(5,)]
    assert _all(upgraded, "SELECT user_id FROM admin_recovery_codes") == [(5,)]
    assert _all(upgraded, "SELECT id, user_id FROM admin_audit_log ORDER BY id") == [(1, 4), (2, None)]
    assert _all(upgraded, "SELECT taken_by_id FROM help_requests") == [(1,)]
    assert _all(upgraded, "SELECT team_member_id FROM help_request_events") == [(3,)]
    assert _all(upgraded, "SELECT team_member_id FROM pushes") == [(1,)]
    assert _all(upgraded, "SELECT push_id FROM outbox") == [(1,)]


def test_the_foreign_keys_point_at_staff_and_still_hold(upgraded, database_url):
    inspector = inspect(upgraded)
    found = set()
    for table in inspector.get_table_names():
        for fk in inspector.get_foreign_keys(table):
            assert fk["referred_table"] not in OLD_TABLES, (table, fk)
            if fk["referred_table"] == "staff":
                found.add((table, fk["constrained_columns"][0], (fk.get("options") or {}).get("ondelete")))
    assert found == POINTING
    migrate(upgraded)  # on to the newest migration: the schema is the models'
    with upgraded.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), metadata) == []
    from bot.admin.auth import create_user
    from bot.storage.admin_access import AdminRecoveryCode, AdminSession
    from bot.storage.staff import Staff
    with session_factory(upgraded)() as session:
        new = create_user(session, "moi", "a long enough password", "province")
        assert new.id == 7  # after the copied admin users, on PostgreSQL too
        session.execute(delete(Staff).where(Staff.username == "xa"))
        session.commit()
        assert session.scalars(select(AdminSession)).all() == []
        assert session.scalars(select(AdminRecoveryCode)).all() == []


def test_there_is_no_way_back(upgraded, database_url):
    with pytest.raises(NotImplementedError, match="Restore a backup"):
        move(upgraded, database_url, "0010", down=True)
    assert "staff" in inspect(upgraded).get_table_names()


