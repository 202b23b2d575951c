"""The second factor: enrolment with a one-time QR, codes at login (lockout, no replay), recovery codes, reset."""
import re
from datetime import datetime, timedelta, timezone

import pyotp
import pytest
from sqlalchemy import func, select

from bot.admin import auth, totp
from bot.admin.period import as_utc
from bot.cli import main as cli_main
from bot.settings import Settings
from bot.storage.admin_access import AdminAuditLog, AdminLoginAttempt, AdminRecoveryCode, AdminSession
from bot.storage.places import Commune
from bot.storage.staff import Staff
from tests.admin.conftest import PASSWORD, TOTP_SECRETS, csrf_of, fresh_code, login


def _actions(services) -> list[str]:
    with services.sessions() as session:
        return list(session.scalars(select(AdminAuditLog.action).order_by(AdminAuditLog.id)))


def _user(session, name) -> Staff:
    return session.scalars(select(Staff).where(Staff.username == name)).one()


@pytest.fixture
def newcomers(services, seed, users):
    """A province and a commune user who have not enrolled yet."""
    with services.sessions() as session:
        auth.create_user(session, "moi.tinh", PASSWORD, "province")
        auth.create_user(session, "moi.xa", PASSWORD, "commune", commune=session.get(Commune, seed.commune_a))
        session.commit()
    return ["moi.tinh", "moi.xa"]


async def _password(client, username, password=PASSWORD):
    page = await client.get("/admin/login")
    return await client.post("/admin/login", data={"username": username, "password": password,
                                                   "csrf": csrf_of(page.text), "next": "/admin/households"})


async def _code(client, code, next_url="/admin/households"):
    page = await client.get("/admin/login/code")
    return await client.post("/admin/login/code", data={"code": code, "csrf": csrf_of(page.text),
                                                        "next": next_url})


async def _enrol(client, username):
    """Password, the enrolment page, a right code; returns (secret, recovery codes)."""
    response = await _password(client, username)
    assert response.headers["location"] == "/admin/enrol?next=%2Fadmin%2Fhouseholds"
    page = await client.get(response.headers["location"])
    secret = re.search(r'<code class="secret">([A-Z2-7]+)</code>', page.text).group(1)
    done = await client.post("/admin/enrol", data={"code": fresh_code(secret, (id(client), username)),
                                                   "csrf": csrf_of(page.text),
                                                   "next": "/admin/households"})
    assert done.status_code == 200 and "Mã dự phòng của bạn" in done.text
    return secret, re.findall(r"<li><code>([a-z0-9]{5}-[a-z0-9]{5})</code></li>", done.text)


@pytest.mark.parametrize("username", ["moi.tinh", "moi.xa"])
async def test_province_and_commune_users_must_enrol_before_any_page(client, services, newcomers, username):
    response = await _password(client, username)
    assert response.status_code == 303 and response.headers["location"].startswith("/admin/enrol")
    for path in ("/admin/", "/admin/households", "/admin/log"):
        blocked = await client.get(path)
        assert blocked.status_code == 303 and blocked.headers["location"].startswith("/admin/enrol?next=")
    assert (await client.post("/admin/logout", data={"csrf": "x"})).status_code == 403
    page = await client.get("/admin/enrol")
    assert page.status_code == 200 and "<svg" in page.text and "Bật xác thực hai bước" in page.text
    with services.sessions() as session:
        user = _user(session, username)
        assert user.totp_secret in page.text and not user.totp_enabled  # pending until a code confirms it
    assert "login" not in _actions(services)


async def test_enrolment_then_login_with_a_code(client, services, newcomers):
    secret, codes = await _enrol(client, "moi.tinh")
    assert len(codes) == totp.RECOVERY_CODES == len(set(codes))
    assert (await client.get("/admin/households")).status_code == 200
    with services.sessions() as session:
        user = _user(session, "moi.tinh")
        assert user.totp_enabled and user.totp_secret == secret
        hashes = list(session.scalars(select(AdminRecoveryCode.code_hash)))
        assert len(hashes) == 8 and all(h.startswith("$argon2id$") for h in hashes)
        assert not any(code.replace("-", "") in h for code in codes for h in hashes)
    assert _actions(services)[-2:] == ["totp_enrolled", "login"]
    # The secret is never shown again: the enrolment page is closed once enrolled.
    again = await client.get("/admin/enrol")
    assert again.status_code == 303 and secret not in again.text
    page = await client.get("/admin/")
    await client.post("/admin/logout", data={"csrf": csrf_of(page.text)})
    response = await _password(client, "moi.tinh")
    assert response.headers["location"] == "/admin/login/code?next=%2Fadmin%2Fhouseholds"
    code_page = await client.get(response.headers["location"])
    assert secret not in code_page.text
    assert (await client.get("/admin/households")).headers["location"].startswith("/admin/login/code")
    done = await _code(client, fresh_code(secret, (id(client), "moi.tinh")))
    assert done.status_code == 303 and done.headers["location"] == "/admin/households"
    assert (await client.get("/admin/households")).status_code == 200


async def test_a_wrong_enrolment_code_is_refused_and_the_secret_not_shown_again(client, services, newcomers):
    response = await _password(client, "moi.xa")
    page = await client.get(response.headers["location"])
    refused = await client.post("/admin/enrol", data={"code": "000000", "csrf": csrf_of(page.text)})
    with services.sessions() as session:
        user = _user(session, "moi.xa")
        assert not user.totp_enabled
        assert refused.status_code == 401 and user.totp_secret not in refused.text
    assert "tải lại trang" in refused.text


async def test_a_wrong_code_is_refused_and_the_fifth_locks(client, services, users):
    for _ in range(auth.MAX_FAILURES - 1):
        await _password(client, "tinh")
        response = await _code(client, "000000")
        assert response.status_code == 401 and "Mã xác thực chưa đúng" in response.text
    await _password(client, "tinh")
    response = await _code(client, "000000")
    assert response.status_code == 429 and "tạm khoá" in response.text
    # Locked: the password and even a right code are refused.
    assert (await _password(client, "tinh")).status_code == 429
    with services.sessions() as session:
        failures = session.scalar(select(func.count()).select_from(AdminLoginAttempt)
                                  .where(AdminLoginAttempt.success.is_(False)))
        assert failures == auth.MAX_FAILURES
        assert session.scalar(select(func.count()).select_from(AdminSession)) == 0
    assert _actions(services) == ["login_failed"] * 5 + ["login_locked"] * 2


async def test_a_right_password_does_not_reset_the_count_of_wrong_codes(client, services, users):
    for _ in range(auth.MAX_FAILURES - 1):
        assert (await _password(client, "xa")).status_code == 303
        assert (await _code(client, "123456")).status_code == 401
    assert (await _password(client, "xa")).status_code == 303
    assert (await _code(client, fresh_code(TOTP_SECRETS["xa"], (id(client), "xa")) + "9")).status_code == 429


async def test_a_code_cannot_be_replayed(client, services, users):
    code = pyotp.TOTP(TOTP_SECRETS["tinh"]).now()
    await _password(client, "tinh")
    assert (await _code(client, code)).status_code == 303
    page = await client.get("/admin/")
    await client.post("/admin/logout", data={"csrf": csrf_of(page.text)})
    await _password(client, "tinh")
    replay = await _code(client, code)
    assert replay.status_code == 401


def test_codes_are_accepted_one_step_either_side_and_not_further(services, users):
    now = datetime.now(timezone.utc)
    with services.sessions() as session:
        user = _user(session, "tinh")
        otp = pyotp.TOTP(user.totp_secret)
        assert not totp.check_code(user, otp.at(now - timedelta(seconds=60)), now)
        assert not totp.check_code(user, otp.at(now + timedelta(seconds=60)), now)
        assert totp.check_code(user, otp.at(now - timedelta(seconds=30)), now)
        assert totp.check_code(user, otp.at(now + timedelta(seconds=30)), now)
        # The later step was used: the current one, earlier, is now refused too.
        assert not totp.check_code(user, otp.at(now), now)
        assert not totp.check_code(user, "abcdef", now) and not totp.check_code(user, "", now)


async def test_a_recovery_code_works_once(client, services, newcomers):
    _, codes = await _enrol(client, "moi.tinh")
    page = await client.get("/admin/")
    await client.post("/admin/logout", data={"csrf": csrf_of(page.text)})
    await _password(client, "moi.tinh")
    used = await _code(client, codes[3].upper())  # read off paper: case does not matter
    assert used.status_code == 303 and (await client.get("/admin/households")).status_code == 200
    with services.sessions() as session:
        assert session.scalar(select(func.count()).select_from(AdminRecoveryCode)) == 7
        row = session.scalars(select(AdminAuditLog).where(AdminAuditLog.action == "recovery_code_used")).one()
        assert row.detail == '{"left": 7}' and codes[3] not in (row.detail or "")
    page = await client.get("/admin/")
    await client.post("/admin/logout", data={"csrf": csrf_of(page.text)})
    await _password(client, "moi.tinh")
    assert (await _code(client, codes[3])).status_code == 401


async def test_team_members_log_in_with_a_password_only(client, services, users):
    response = await login(client, "to")
    assert response.status_code == 303 and response.headers["location"] == "/admin/"
    assert (await client.get("/admin/households")).status_code == 200


async def test_an_idle_session_ends_with_a_kind_message(client, services, users):
    await login(client, "tinh")
    assert (await client.get("/admin/households")).status_code == 200
    idle = timedelta(minutes=services.settings.admin_idle_minutes)
    with services.sessions() as session:
        row = session.scalars(select(AdminSession)).one()
        # As if the last request was longer ago than the idle limit.
        row.created_at -= idle + timedelta(minutes=2)
        row.last_seen_at -= idle + timedelta(minutes=2)
        row.expires_at -= idle + timedelta(minutes=2)
        session.commit()
    response = await client.get("/admin/households")
    assert response.status_code == 303
    assert response.headers["location"] == "/admin/login?next=%2Fadmin%2Fhouseholds&expired=1"
    page = await client.get(response.headers["location"])
    assert "Phiên đăng nhập đã kết thúc vì lâu không dùng" in page.text
    with services.sessions() as session:
        assert session.scalar(select(func.count()).select_from(AdminSession)) == 0


def test_the_idle_limit_follows_the_setting_and_a_request_writes_at_most_once_a_minute(services, users):
    from bot.admin.security import Keys
    keys, idle = Keys(b"k" * 40), timedelta(minutes=5)
    now = datetime.now(timezone.utc)
    with services.sessions() as session:
        user = _user(session, "to")
        token = auth.open_session(session, keys, user, "1.1.1.1", now, idle=idle)
        row = session.scalars(select(AdminSession)).one()
        assert auth.session_user(session, keys, token, now + timedelta(seconds=30), idle=idle) is user
        assert as_utc(row.last_seen_at) == now  # not touched within the minute
        assert auth.session_user(session, keys, token, now + timedelta(minutes=4), idle=idle) is user
        assert as_utc(row.last_seen_at) == now + timedelta(minutes=4)
        assert auth.session_user(session, keys, token, now + timedelta(minutes=9, seconds=1), idle=idle) is None


@pytest.mark.parametrize("value, error", [("abc", "whole number"), ("0", "from 1"), ("99999", "from 1")])
def test_a_wrong_idle_setting_names_the_variable_and_the_fix(monkeypatch, value, error):
    monkeypatch.setenv("ADMIN_IDLE_MINUTES", value)
    with pytest.raises(ValueError, match=f"ADMIN_IDLE_MINUTES.*{error}.*fix it in .env"):
        Settings.from_env()


def test_cli_resets_the_second_factor(settings, services, users, monkeypatch, capsys):
    from bot.admin.security import Keys
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    with services.sessions() as session:
        token = auth.open_session(session, Keys(b"k" * 40), _user(session, "tinh"), "1.1.1.1")
        session.add(AdminRecoveryCode(user_id=_user(session, "tinh").id, code_hash="x"))
        session.commit()
    assert cli_main(["admin", "reset-totp", "TINH"]) == 0
    assert "second factor of tinh reset" in capsys.readouterr().out
    assert cli_main(["admin", "reset-totp", "khong-co"]) == 1
    assert "no user 'khong-co'" in capsys.readouterr().err
    with services.sessions() as session:
        user = _user(session, "tinh")
        assert user.totp_secret is None and not user.totp_enabled
        assert session.scalar(select(func.count()).select_from(AdminRecoveryCode)) == 0
        assert auth.session_user(session, Keys(b"k" * 40), token) is None
        row = session.scalars(select(AdminAuditLog).where(AdminAuditLog.action == "totp_reset")).one()
        assert (row.username, row.target) == ("(cli)", "tinh")
        # The next login enrols again.
        assert auth.authenticate(session, "tinh", PASSWORD, "1.1.1.1").second_factor


def test_deleting_a_user_deletes_the_second_factor(services, users):
    with services.sessions() as session:
        user = _user(session, "tinh")
        session.add(AdminRecoveryCode(user_id=user.id, code_hash="x"))
        session.commit()
        session.delete(user)
        session.commit()
        assert session.scalar(select(func.count()).select_from(AdminRecoveryCode)) == 0


def test_the_idle_setting_is_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("ADMIN_IDLE_MINUTES", "5")
    assert Settings.from_env().admin_idle_minutes == 5
    monkeypatch.delenv("ADMIN_IDLE_MINUTES")
    assert Settings.from_env().admin_idle_minutes == 30


async def test_a_half_done_login_ends_after_ten_minutes(client, services, users):
    await _password(client, "tinh")
    with services.sessions() as session:
        row = session.scalars(select(AdminSession)).one()
        assert row.pending == "code"
        assert as_utc(row.expires_at) - as_utc(row.created_at) == auth.PENDING_MAX
        row.expires_at -= auth.PENDING_MAX
        session.commit()
    response = await client.get("/admin/login/code")
    assert response.status_code == 303 and response.headers["location"] == "/admin/login"


async def test_team_members_have_no_enrolment_page(client, services, users):
    await login(client, "to")
    assert (await client.get("/admin/enrol")).headers["location"] == "/admin/"
    with services.sessions() as session:
        assert _user(session, "to").totp_secret is None
