"""Attendance at in-person sessions is personal data: /dulieu and both exports list it, the household's
deletion removes it, a member's erasure removes the team outcomes naming them and a team member's draft."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select

from bot.admin.privacy import delete_household, export_household
from bot.people import support_sessions
from bot.people.member_data import export_member
from bot.storage.households import Member
from bot.storage.outcomes import SOURCE_TEAM, Outcome
from bot.storage.sessions import SessionAttendance, SessionDraft, SupportSession
from tests.helpers import templates, turn
from tests.team.helpers import household, join_household, join_team

CITIZEN, HELPER = "100", "900"


def _attended(services) -> tuple[int, int]:
    """The citizen's household came to a session that was yesterday, and VNeID level 2 worked there."""
    now = datetime.now(timezone.utc)
    with services.sessions() as session:
        member = session.scalars(select(Member).where(Member.external_id == CITIZEN)).one()
        assert member.household_id is not None
        village = member.household.village_id if member.household else 0
        row = support_sessions.schedule(session, services.catalog, village, now + timedelta(hours=1),
                                        "Nhà văn hóa thôn Đông", ["vneid-level2"], None, now)
        row.starts_at = now - timedelta(days=1)
        support_sessions.record_attendance(session, services.catalog, row, member.household_id, ["vneid-level2"],
                                           None, now)
        session.commit()
        return member.household_id, row.id


async def _linked(services) -> None:
    _, code = household(services, "Lê Thị Hoa")
    await join_household(services, CITIZEN, code)


def _count(session, table) -> int:
    return session.scalar(select(func.count()).select_from(table)) or 0


async def test_dulieu_and_the_exports_list_the_sessions_the_household_came_to(services, catalog):
    await _linked(services)
    household_id, _ = _attended(services)
    data = (await turn(services, CITIZEN, text="/dulieu", channel="telegram")).replies[0].context
    assert [(s["place"], s["platforms"]) for s in data["sessions"]] == [
        ("Nhà văn hóa thôn Đông", [catalog.platforms["vneid-level2"].name])]
    with services.sessions() as session:
        member = session.scalars(select(Member).where(Member.external_id == CITIZEN)).one()
        exported = export_member(session, member, catalog, b"k" * 32)
        assert [(s["place"], s["platforms"]) for s in exported["sessions_attended"]] == [
            ("Nhà văn hóa thôn Đông", ["vneid-level2"])]
        assert [(o["platform"], o["result"]) for o in exported["outcomes"]] == [("vneid-level2", "done")]
        whole = export_household(session, household_id)
        assert [(s["place"], s["platforms"]) for s in whole["sessions_attended"]] == [
            ("Nhà văn hóa thôn Đông", ["vneid-level2"])]
        assert [o["source"] for o in whole["outcomes"]] == [SOURCE_TEAM]


async def test_deleting_the_household_deletes_its_attendance_and_keeps_the_session(services, catalog):
    await _linked(services)
    household_id, _ = _attended(services)
    with services.sessions() as session:
        counts = delete_household(session, household_id)
        session.commit()
    assert counts["support_session_attendance"] == 1 and counts["outcomes"] == 1
    with services.sessions() as session:
        assert _count(session, SessionAttendance) == 0 and _count(session, Outcome) == 0
        assert _count(session, SupportSession) == 1  # the session itself names nobody


async def test_xoa_removes_the_team_outcome_naming_the_member(services, catalog):
    await _linked(services)
    _attended(services)
    await turn(services, CITIZEN, text="/xoa", channel="telegram")
    assert templates(await turn(services, CITIZEN, payload="privacy:erase", channel="telegram")) == ["privacy_erased"]
    with services.sessions() as session:
        assert _count(session, Outcome) == 0
        assert _count(session, SessionAttendance) == 1  # the household's, kept while it is listed


async def test_a_team_members_erasure_removes_the_place_they_typed(services, catalog):
    household(services, "Lê Thị Hoa")
    await join_team(services, HELPER, "Trần Thị Lan")
    await turn(services, HELPER, text="/buoihotro", channel="telegram")
    await turn(services, HELPER, text="15/12 8:00", channel="telegram")
    await turn(services, HELPER, text="Nhà ông Sáu, xóm Chùa", channel="telegram")
    with services.sessions() as session:
        assert session.scalars(select(SessionDraft.place)).all() == ["Nhà ông Sáu, xóm Chùa"]
    await turn(services, HELPER, text="/xoa", channel="telegram")
    await turn(services, HELPER, payload="privacy:erase", channel="telegram")
    with services.sessions() as session:
        assert _count(session, SessionDraft) == 0
