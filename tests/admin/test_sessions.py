"""The admin's in-person sessions: scheduling for a village of one's scope, the next and past sessions,
recording who came and what worked (outcome rows with source "team"), each step in the audit log."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import select

from bot.admin.auth import create_user
from bot.admin.messages import message
from bot.people import support_sessions
from bot.services import build_services
from bot.storage.admin_access import AdminAuditLog
from bot.storage.outcomes import SOURCE_TEAM, Outcome
from bot.storage.places import Commune
from bot.storage.sessions import SessionAttendance, SupportSession
from bot.storage.staff import Staff
from bot.web.app import create_app
from tests.admin import conftest
from tests.admin.conftest import csrf_of, login

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


def _tomorrow() -> str:
    return (datetime.now(ZONE).date() + timedelta(days=1)).isoformat()


async def _schedule(client, village: int, **fields):
    page = await client.get("/admin/sessions")
    data = {"csrf": csrf_of(page.text), "village": str(village), "day": _tomorrow(), "time": "08:30",
            "place": "Nhà văn hóa thôn 1", "topic": ["vneid-level2", "pay-electricity"], **fields}
    return await client.post("/admin/sessions", data=data)


def _past(services, village: int) -> int:
    now = datetime.now(timezone.utc)
    with services.sessions() as session:
        row = support_sessions.schedule(session, services.catalog, village, now + timedelta(hours=1), "Nhà văn hóa",
                                        ["vneid-level2"], None, now)
        row.starts_at = now - timedelta(hours=3)
        session.commit()
        return row.id


async def test_a_commune_official_schedules_for_their_village_and_sees_it(client, users, services, seed):
    await login(client, "xa")
    response = await _schedule(client, seed.village_a1)
    assert response.status_code == 303 and "added=" in response.headers["location"]
    with services.sessions() as session:
        [row] = session.scalars(select(SupportSession)).all()
        assert (row.village_id, row.place, row.topic_ids) == (seed.village_a1, "Nhà văn hóa thôn 1",
                                                              ["vneid-level2", "pay-electricity"])
        audit = session.scalars(select(AdminAuditLog).where(AdminAuditLog.action == "schedule_session")).one()
        assert audit.target == f"session:{row.id}" and audit.username == "xa"
    page = (await client.get("/admin/sessions")).text
    upcoming = page.split('id="upcoming"')[1].split("</table>")[0]
    assert "08:30" in upcoming, upcoming[-600:]
    assert "Nhà văn hóa thôn 1" in upcoming and "Thôn 1" in upcoming


async def test_out_of_scope_and_bad_forms_are_refused(client, users, services, seed):
    await login(client, "xa")
    assert (await _schedule(client, seed.village_b1)).status_code == 403  # another commune's village
    assert (await _schedule(client, seed.village_a1, day="2020-01-01")).status_code == 400
    assert (await _schedule(client, seed.village_a1, place=" ")).status_code == 400
    assert (await _schedule(client, seed.village_a1, topic=[])).status_code == 400
    assert (await _schedule(client, seed.village_a1, topic=["no-such-topic"])).status_code == 400
    assert (await _schedule(client, seed.village_a1, csrf="wrong")).status_code == 403
    with services.sessions() as session:
        assert session.scalars(select(SupportSession)).all() == []


async def test_a_team_member_sees_only_their_villages_sessions(client, users, services, seed):
    theirs, other = _past(services, seed.village_a2), _past(services, seed.village_a1)
    await login(client, "to")  # Thôn 2 only
    page = (await client.get("/admin/sessions")).text
    assert f"/sessions/{theirs}" in page and f"/sessions/{other}" not in page
    assert (await client.get(f"/admin/sessions/{other}")).status_code == 403
    assert (await client.get(f"/admin/sessions/{theirs}")).status_code == 200


async def test_who_came_and_what_worked_are_recorded_as_team_outcomes(client, users, services, seed):
    session_id = _past(services, seed.village_a1)
    await login(client, "xa")
    page = await client.get(f"/admin/sessions/{session_id}")
    assert "Lê Thị Hoa" in page.text and "Trần Văn Bình" in page.text and "Phạm Văn Cường" not in page.text
    response = await client.post(f"/admin/sessions/{session_id}/attendance", data={
        "csrf": csrf_of(page.text), "household": str(seed.households["HA1"]), "platform": ["vneid-level2"]})
    assert response.status_code == 303
    response = await client.post(f"/admin/sessions/{session_id}/attendance", data={
        "csrf": csrf_of(page.text), "household": str(seed.households["HA2"])})  # came, nothing worked yet
    assert response.status_code == 303
    other_village = await client.post(f"/admin/sessions/{session_id}/attendance", data={
        "csrf": csrf_of(page.text), "household": str(seed.households["HA3"])})
    assert other_village.status_code == 400
    with services.sessions() as session:
        came = {a.household_id: a.platforms for a in session.scalars(select(SessionAttendance))}
        assert came == {seed.households["HA1"]: ["vneid-level2"], seed.households["HA2"]: []}
        [outcome] = session.scalars(select(Outcome).where(Outcome.source == SOURCE_TEAM)).all()
        assert (outcome.household_id, outcome.platform, outcome.result) == (seed.households["HA1"], "vneid-level2",
                                                                            "done")
        xa = session.scalars(select(Staff).where(Staff.username == "xa")).one()
        assert outcome.recorded_by_id == xa.id  # who recorded it, as /ketqua and the household page do
        audits = session.scalars(select(AdminAuditLog).where(AdminAuditLog.action == "record_attendance")).all()
        assert [a.target for a in audits] == [f"session:{session_id}"] * 2
        assert "Lê Thị Hoa" not in "".join(a.detail or "" for a in audits)  # the household's code, not a name
    household = (await client.get(f"/admin/households/{seed.households['HA1']}")).text
    assert "Tài khoản định danh điện tử mức 2 (VNeID)" in household.split('id="platforms"')[1].split("</table>")[0]


async def test_attendance_waits_for_the_session(client, users, services, seed):
    await login(client, "xa")
    await _schedule(client, seed.village_a1)
    with services.sessions() as session:
        session_id = session.scalar(select(SupportSession.id))
    page = await client.get(f"/admin/sessions/{session_id}")
    assert 'id="attendance"' not in page.text
    response = await client.post(f"/admin/sessions/{session_id}/attendance", data={
        "csrf": csrf_of(page.text), "household": str(seed.households["HA1"])})
    assert response.status_code == 400


async def _cancel(client, session_id, **fields):
    page = await client.get("/admin/sessions")
    return await client.post("/admin/sessions", data={"csrf": csrf_of(page.text), "cancel": str(session_id),
                                                      **fields})


async def test_an_official_cancels_a_session_not_yet_begun_and_the_page_shows_it(client, users, services, seed):
    await login(client, "xa")
    await _schedule(client, seed.village_a1)
    with services.sessions() as session:
        session_id = session.scalar(select(SupportSession.id))
    listing = (await client.get("/admin/sessions")).text
    upcoming = listing.split('id="upcoming"')[1].split("</table>")[0]
    assert f'name="cancel" value="{session_id}"' in upcoming and "data-confirm=" in upcoming
    assert (await _cancel(client, session_id, csrf="wrong")).status_code == 403
    response = await _cancel(client, session_id)
    assert response.status_code == 303 and f"cancelled={session_id}" in response.headers["location"]
    with services.sessions() as session:
        row = session.get(SupportSession, session_id)
        assert row.cancelled_at is not None
        assert support_sessions.upcoming(session, seed.village_a1, datetime.now(timezone.utc)) == []
        [audit] = session.scalars(select(AdminAuditLog).where(AdminAuditLog.action == "cancel_session")).all()
        assert (audit.target, audit.username) == (f"session:{session_id}", "xa") and audit.ip
    page = (await client.get(f"/admin/sessions?cancelled={session_id}")).text
    assert 'id="cancelled"' in page
    upcoming = page.split('id="upcoming"')[1].split("</table>")[0]
    assert "Đã huỷ" in upcoming and 'name="cancel"' not in upcoming
    assert 'id="cancelled"' in (await client.get(f"/admin/sessions/{session_id}")).text
    # Twice (a second tab): nothing more is written.
    assert (await _cancel(client, session_id)).status_code == 303
    with services.sessions() as session:
        assert len(session.scalars(select(AdminAuditLog).where(AdminAuditLog.action == "cancel_session")).all()) == 1


async def test_the_audit_page_names_a_cancelled_session(client, users, services, seed):
    await login(client, "xa")
    await _schedule(client, seed.village_a1)
    with services.sessions() as session:
        session_id = session.scalar(select(SupportSession.id))
    assert (await _cancel(client, session_id)).status_code == 303
    await login(client, "tinh")
    rows = (await client.get("/admin/audit")).text.split("<tbody>")[1]
    assert f"<td>Huỷ buổi hỗ trợ</td><td>session:{session_id}</td>" in rows


async def test_a_begun_or_out_of_scope_session_is_not_cancelled(client, users, services, seed):
    begun = _past(services, seed.village_a1)
    await login(client, "to")  # Thôn 2 only
    assert (await _cancel(client, begun)).status_code == 403
    await login(client, "xa")
    refused = await _cancel(client, begun)
    assert refused.status_code == 400
    assert message("sessions.cancel_begun") in refused.text  # not the scheduling form's "pick a day ahead"
    assert (await _cancel(client, "x1")).status_code == 400
    assert (await _cancel(client, 999999)).status_code == 404
    with services.sessions() as session:
        assert session.get(SupportSession, begun).cancelled_at is None
    past = (await client.get("/admin/sessions")).text.split('id="past"')[1].split("</table>")[0]
    assert "Ghi người đến dự" in past and 'name="cancel"' not in past


async def test_a_cancelled_session_takes_no_attendance(client, users, services, seed):
    session_id = _past(services, seed.village_a1)
    with services.sessions() as session:
        session.get(SupportSession, session_id).cancelled_at = datetime.now(timezone.utc) - timedelta(hours=5)
        session.commit()
    await login(client, "xa")
    page = await client.get(f"/admin/sessions/{session_id}")
    assert 'id="attendance"' not in page.text and 'id="cancelled"' in page.text
    response = await client.post(f"/admin/sessions/{session_id}/attendance", data={
        "csrf": csrf_of(page.text), "household": str(seed.households["HA1"])})
    assert response.status_code == 400
    past = (await client.get("/admin/sessions")).text.split('id="past"')[1].split("</table>")[0]
    assert "Đã huỷ" in past and "Ghi người đến dự" not in past


@pytest.fixture
async def pg_services(settings, catalog, postgres_url):
    built = build_services(settings.with_(database_url=postgres_url), catalog)
    yield built
    await built.aclose()


@pytest.mark.postgres
async def test_scheduling_and_attendance_on_postgresql(pg_services):
    seed = conftest.seed_data(pg_services)
    with pg_services.sessions() as session:
        conftest.enrolled(create_user(session, "xa", conftest.PASSWORD, "commune",
                                      commune=session.get(Commune, seed.commune_a)))
        session.commit()
    past = _past(pg_services, seed.village_a1)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(pg_services)),
                                 base_url="http://pg.test") as client:
        await login(client, "xa")
        assert (await _schedule(client, seed.village_a1)).status_code == 303
        page = await client.get(f"/admin/sessions/{past}")
        response = await client.post(f"/admin/sessions/{past}/attendance", data={
            "csrf": csrf_of(page.text), "household": str(seed.households["HA1"]), "platform": ["vneid-level2"]})
        assert response.status_code == 303
        listing = (await client.get("/admin/sessions")).text
    assert "08:30" in listing.split('id="upcoming"')[1].split("</table>")[0]
    assert ">1</td>" in listing.split('id="past"')[1].split("</table>")[0]
    with pg_services.sessions() as session:
        assert session.scalars(select(SessionAttendance.platforms)).all() == [["vneid-level2"]]
