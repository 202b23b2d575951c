"""Accounts: argon2 hashes, lockout after repeated failures, sessions, roles' scope, the CLI."""
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.admin import auth
from bot.admin.scope import OutOfScope, Scope
from bot.admin.security import Keys, load_secret
from bot.cli import main as cli_main
from bot.storage.admin_access import AdminLoginAttempt, AdminSession
from bot.storage.base import utcnow
from bot.storage.places import Commune
from bot.storage.staff import Staff
from tests.admin.conftest import PASSWORD


def test_passwords_are_stored_as_argon2_hashes(services, users):
    with services.sessions() as session:
        user = session.scalars(select(Staff).where(Staff.username == "tinh")).one()
        assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash


def test_the_production_hash_costs_follow_rfc_9106():
    from argon2 import PasswordHasher, Type
    hasher = PasswordHasher()
    assert hasher.type is Type.ID and hasher.memory_cost >= 64 * 1024 and hasher.time_cost >= 2
    assert isinstance(auth._hasher, PasswordHasher)


def test_a_right_password_logs_in_and_a_wrong_one_does_not(services, users):
    with services.sessions() as session:
        assert auth.authenticate(session, "tinh", PASSWORD, "1.1.1.1").ok
        assert auth.authenticate(session, "TINH ", PASSWORD, "1.1.1.1").ok  # usernames are case-insensitive
        assert not auth.authenticate(session, "tinh", PASSWORD + "x", "1.1.1.1").ok
        assert not auth.authenticate(session, "nobody", PASSWORD, "1.1.1.1").ok


def test_five_failures_lock_the_account_even_for_the_right_password(services, users):
    now = utcnow()
    with services.sessions() as session:
        for attempt in range(auth.MAX_FAILURES):
            result = auth.authenticate(session, "tinh", "sai-mat-khau", "1.1.1.1", now=now)
        assert result.locked_until is not None  # the fifth failure says so at once
        locked = auth.authenticate(session, "tinh", PASSWORD, "2.2.2.2", now=now + timedelta(minutes=1))
        assert not locked.ok and locked.locked_until == now + auth.LOCKOUT_WINDOW
        # Attempts while locked are not checked nor counted: the lock does not grow.
        attempts = session.scalar(select(func.count()).select_from(AdminLoginAttempt))
        assert attempts == auth.MAX_FAILURES
        later = auth.authenticate(session, "tinh", PASSWORD, "2.2.2.2", now=now + auth.LOCKOUT_WINDOW)
        assert later.ok


def test_a_success_resets_the_failure_count(services, users):
    # "to" logs in with a password only; for the others the success is the code's (tests/admin/test_totp.py).
    now = utcnow()
    with services.sessions() as session:
        for _ in range(auth.MAX_FAILURES - 1):
            auth.authenticate(session, "to", "sai", "1.1.1.1", now=now)
        assert auth.authenticate(session, "to", PASSWORD, "1.1.1.1", now=now).ok
        for _ in range(auth.MAX_FAILURES - 1):
            assert auth.authenticate(session, "to", "sai", "1.1.1.1", now=now).locked_until is None


def test_unknown_usernames_lock_too_so_names_cannot_be_probed(services, users):
    now = utcnow()
    with services.sessions() as session:
        for _ in range(auth.MAX_FAILURES):
            result = auth.authenticate(session, "khong-co", "sai", "1.1.1.1", now=now)
        assert result.locked_until is not None


def test_one_address_trying_many_usernames_is_locked(services, users):
    now = utcnow()
    with services.sessions() as session:
        for i in range(auth.MAX_FAILURES_PER_IP):
            auth.authenticate(session, f"user{i}", "sai", "6.6.6.6", now=now)
        assert not auth.authenticate(session, "tinh", PASSWORD, "6.6.6.6", now=now).ok
        assert auth.authenticate(session, "tinh", PASSWORD, "7.7.7.7", now=now).ok


@contextmanager
def _logged_in(services):
    """A session of "tinh" opened now: (db session, keys, user, token, now)."""
    keys = Keys(b"k" * 40)
    now = utcnow()
    with services.sessions() as session:
        user = session.scalars(select(Staff).where(Staff.username == "tinh")).one()
        token = auth.open_session(session, keys, user, "1.1.1.1", now=now)
        yield session, keys, user, token, now


def test_sessions_expire_when_idle_and_the_table_keeps_only_a_keyed_hash(services, users):
    with _logged_in(services) as (session, keys, user, token, now):
        session.commit()
        stored = session.scalars(select(AdminSession.id)).one()
        assert token not in stored and stored == keys.session_id(token)
        used = now + auth.SESSION_IDLE - timedelta(minutes=1)
        assert auth.session_user(session, keys, token, used) is user  # a use slides the expiry
        assert auth.session_user(session, keys, token, used + auth.SESSION_IDLE + timedelta(minutes=1)) is None
        assert auth.session_user(session, keys, "forged-token", now) is None


def test_a_session_ends_after_the_maximum_even_when_used(services, users):
    with _logged_in(services) as (session, keys, user, token, now):
        moment = now
        every = auth.SESSION_IDLE - timedelta(minutes=1)
        while moment < now + auth.SESSION_MAX - every:
            moment += every
            assert auth.session_user(session, keys, token, moment) is user
        assert auth.session_user(session, keys, token, now + auth.SESSION_MAX + timedelta(minutes=1)) is None


def test_a_new_password_closes_the_users_sessions(services, users):
    keys = Keys(b"k" * 40)
    with services.sessions() as session:
        user = session.scalars(select(Staff).where(Staff.username == "tinh")).one()
        token = auth.open_session(session, keys, user, "1.1.1.1")
        auth.set_password(session, user, "mot-mat-khau-moi")
        assert auth.session_user(session, keys, token) is None
        assert auth.authenticate(session, "tinh", "mot-mat-khau-moi", "1.1.1.1").ok


@pytest.mark.parametrize("kwargs, message", [
    (dict(username="a b", role="province"), "username"),
    (dict(username="x", role="king"), "role"),
    (dict(username="x", role="commune"), "commune"),
    (dict(username="x", role="team"), "village"),
    (dict(username="x", role="province", password="short"), "at least"),
    (dict(username="tinh", role="province"), "exists"),
])
def test_accounts_are_checked_when_created(services, users, kwargs, message):
    with services.sessions() as session:
        with pytest.raises(auth.AccountError, match=message):
            auth.create_user(session, kwargs["username"], kwargs.get("password", PASSWORD), kwargs["role"])


def test_each_role_sees_its_own_scope(services, seed, users):
    with services.sessions() as session:
        by_name = {u.username: u for u in session.scalars(select(Staff))}
        province, commune, team = (Scope.of(session, by_name[n]) for n in ("tinh", "xa", "to"))
    assert province.everything
    assert commune.village_ids == {seed.village_a1, seed.village_a2} and commune.commune_ids == {seed.commune_a}
    assert team.village_ids == {seed.village_a2}
    commune.check_commune(seed.commune_a)
    with pytest.raises(OutOfScope):
        commune.check_commune(seed.commune_b)
    with pytest.raises(OutOfScope):
        team.check_village(seed.village_a1)


def test_the_secret_is_generated_once_beside_the_database(settings):
    generated = settings.with_(admin_secret_key=None)
    first, second = load_secret(generated), load_secret(generated)
    assert first == second and len(first) >= 32
    path = settings.database_url.removeprefix("sqlite:///")
    from pathlib import Path
    key_file = Path(path).parent / "admin-secret-key"
    assert key_file.stat().st_mode & 0o077 == 0  # readable by the service user only
    with pytest.raises(ValueError, match="at least"):
        load_secret(settings.with_(admin_secret_key="too-short"))


def test_cli_creates_users_with_their_scope(settings, services, seed, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO(PASSWORD + "\n"))
    assert cli_main(["admin", "create-user", "Can.Bo", "--role", "team", "--commune", "Xã Tân Lập",
                     "--village", "Thôn 2", "--password-stdin"]) == 0
    assert "created can.bo (team: villages Thôn 2)" in capsys.readouterr().out
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO(PASSWORD + "\n"))
    assert cli_main(["admin", "create-user", "x", "--role", "commune", "--commune", "Xã Không Có",
                     "--password-stdin"]) == 1
    assert "no commune 'Xã Không Có'" in capsys.readouterr().err
    with services.sessions() as session:
        user = session.scalars(select(Staff).where(Staff.username == "can.bo")).one()
        assert [v.name for v in user.villages] == ["Thôn 2"]
        assert session.scalar(select(func.count()).select_from(Commune)) == 2
    assert cli_main(["admin", "list-users"]) == 0
    assert "can.bo\tteam\tThôn 2\tactive" in capsys.readouterr().out


def test_cli_sets_a_password(settings, services, users, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("mot-mat-khau-moi\n"))
    assert cli_main(["admin", "set-password", "TINH", "--password-stdin"]) == 0
    assert "password of tinh changed" in capsys.readouterr().out
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("mot-mat-khau-moi\n"))
    assert cli_main(["admin", "set-password", "khong-co", "--password-stdin"]) == 1
    assert "no user 'khong-co'" in capsys.readouterr().err
    with services.sessions() as session:
        assert auth.authenticate(session, "tinh", "mot-mat-khau-moi", "1.1.1.1").ok


@pytest.mark.parametrize("command", [
    ["admin", "create-user", "moi", "--role", "province"],
    ["admin", "set-password", "tinh"],
])
def test_cli_without_a_terminal_says_to_use_password_stdin(settings, services, users, monkeypatch, capsys, command):
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO(""))  # not a terminal, as under cron or CI
    assert cli_main(command) == 1
    err = capsys.readouterr().err
    assert "--password-stdin" in err and "Traceback" not in err
    with services.sessions() as session:
        assert session.scalars(select(Staff).where(Staff.username == "moi")).first() is None
