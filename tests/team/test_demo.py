"""`camtay demo seed` (issue 14 part 7): a fresh database gets a demo commune with numbers on every admin page
and a province login printed once; a database that holds real rows is refused, and nothing is written."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import httpx
import pyotp
import pytest
from sqlalchemy import func, select

from bot.cli import main
from bot.people.households import add_household
from bot.storage.consent import Consent
from bot.storage.db import make_engine, migrate, session_factory
from bot.storage.households import Household, Member
from bot.storage.outcomes import Outcome
from bot.storage.sessions import SupportSession
from bot.storage.staff import Staff
from bot.team import demo
from bot.web.app import create_app
from tests.admin.conftest import csrf_of

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@pytest.fixture(autouse=True)
def fast_password_hashes(monkeypatch):
    from argon2 import PasswordHasher
    monkeypatch.setattr("bot.admin.auth._hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def settings(settings):
    return settings.with_(admin_secret_key="test-secret-" + "k" * 40)


def _counts(url: str) -> dict[str, int]:
    engine = make_engine(url)
    try:
        return demo.rows_held(engine)
    finally:
        engine.dispose()


async def test_seeded_database_gives_every_admin_page_numbers(settings, services, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    capsys.readouterr()
    assert main(["demo", "seed"]) == 0
    out = capsys.readouterr().out
    password = re.search(r"username demo-tinh  password (\S+)", out).group(1)
    assert len(password) >= 16 and "QR" in out and "admin set-password demo-tinh" in out
    with services.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Household)) == demo.HOUSEHOLDS
        members = session.scalar(select(func.count()).select_from(Member))
        assert members and session.scalar(select(func.count()).select_from(Consent)) == members
        sources = set(session.scalars(select(Outcome.source)))
        assert sources == {"citizen", "team"}
        admin = session.scalars(select(Staff).where(Staff.username == "demo-tinh")).one()
        assert admin.role == "province" and not admin.totp_enabled
        admin.totp_secret, admin.totp_enabled_at = SECRET, datetime.now(timezone.utc) - timedelta(days=1)
        household_id = session.scalars(select(Household.id).order_by(Household.id)).first()
        session_id = session.scalars(select(SupportSession.id).order_by(SupportSession.id)).first()
        commune_id = session.scalars(select(Staff.commune_id).where(Staff.role == "team")).one()
        session.commit()

    app = create_app(services)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=("10.1.2.3", 5000)),
                                 base_url="http://admin.test") as client:
        page = await client.get("/admin/login")
        step = await client.post("/admin/login", data={"username": "demo-tinh", "password": password,
                                                        "csrf": csrf_of(page.text), "next": "/admin/"})
        code_page = await client.get(step.headers["location"])
        done = await client.post("/admin/login/code", data={"code": pyotp.TOTP(SECRET).now(),
                                                             "csrf": csrf_of(code_page.text), "next": "/admin/"})
        assert done.status_code == 303 and done.headers["location"] == "/admin/"
        expected = {
            "/admin/": "40", "/admin/funnel": "%", "/admin/households": "DEMO-001",
            f"/admin/households/{household_id}": "Hộ mẫu", "/admin/places": demo.COMMUNE,
            f"/admin/places/{commune_id}": "Thôn Đông", "/admin/sessions": "Nhà văn hóa",
            f"/admin/sessions/{session_id}": "DEMO-", "/admin/log": "DEMO-0", "/admin/unknown": "điện thoại bị đơ",
            "/admin/ratings": "%", "/admin/report": "40", "/admin/pushes": "Tổ công nghệ số (mẫu)",
        }
        for path, text in expected.items():
            response = await client.get(path)
            assert response.status_code == 200, path
            assert text in response.text, path


def test_a_database_with_rows_is_refused_and_nothing_is_written(settings, catalog, capsys, monkeypatch):
    engine = make_engine(settings.database_url)
    migrate(engine)
    with session_factory(engine)() as session:
        add_household(session, commune="Xã Thật", village="Thôn 1", head_name="Nguyễn Văn Thật")
        session.commit()
        with pytest.raises(demo.NotEmpty):
            demo.seed(session, catalog)
        session.rollback()
    engine.dispose()
    before = _counts(settings.database_url)
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    capsys.readouterr()
    assert main(["demo", "seed"]) == 1
    assert "already holds rows (1 in households)" in capsys.readouterr().err
    assert _counts(settings.database_url) == before == {"households": 1}
