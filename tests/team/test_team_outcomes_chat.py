"""`/ketqua`: a team member records in chat what works for a household helped in person (issue 14 part 2)."""

from __future__ import annotations

import json

from sqlalchemy import select

from bot.admin.queries.outcomes import household_platforms
from bot.people.erasure import erase_member
from bot.people.member_data import export_member
from bot.people.team_outcomes import RECORD_OUTCOME
from bot.storage.admin_access import AdminAuditLog
from bot.storage.base import utcnow
from bot.storage.households import Household, Member
from bot.storage.outcomes import SOURCE_TEAM, Outcome
from bot.storage.staff import Staff
from tests.helpers import payload_starting, payloads, templates, turn
from tests.team.helpers import household, join_household, join_team

CITIZEN, HELPER, ELSEWHERE = "100", "200", "300"


async def _setup(services, *, joined: bool = True) -> tuple[int, str]:
    household_id, join_code = household(services, "Lê Thị Hoa")
    household(services, "Phạm Văn Bình", village="Thôn Khác")
    await join_team(services, HELPER, "Trần Thị Lan")
    if joined:
        await join_household(services, CITIZEN, join_code)
    with services.sessions() as session:
        return household_id, session.get(Household, household_id).code


async def _chat(services, user: str = HELPER, **kwargs):
    return await turn(services, user, channel="telegram", **kwargs)


async def test_household_platform_done_records_a_team_outcome_counted_for_the_household(services, catalog):
    household_id, code = await _setup(services)
    listed = await _chat(services, text="/ketqua")
    assert templates(listed) == ["team/result_choose_household"]
    assert listed.replies[0].context["households"] == 1  # only the member's village
    platforms = await _chat(services, payload=f"res:h:{household_id}")
    assert templates(platforms) == ["team/result_choose_platform"]
    assert f"res:p:{household_id}:vneid-level2" in payloads(platforms)
    confirm = await _chat(services, payload=f"res:p:{household_id}:vneid-level2")
    assert templates(confirm) == ["team/result_confirm"]
    done = await _chat(services, payload=payload_starting(confirm, "res:ok:"))
    assert templates(done) == ["team/result_recorded"]
    assert done.replies[0].context["platform"] == catalog.platforms["vneid-level2"].name
    await _chat(services, payload=payload_starting(confirm, "res:ok:"))  # a second press records nothing more
    with services.sessions() as session:
        [outcome] = session.scalars(select(Outcome)).all()
        staff = session.scalars(select(Staff).where(Staff.name == "Trần Thị Lan")).one()
        citizen = session.scalars(select(Member).where(Member.external_id == CITIZEN)).one()
        assert (outcome.source, outcome.recorded_by_id, outcome.member_id, outcome.household_id, outcome.result) == (
            SOURCE_TEAM,
            staff.id,
            citizen.id,
            household_id,
            "done",
        )
        assert catalog[outcome.topic_id].platform == "vneid-level2"
        [audit] = session.scalars(select(AdminAuditLog).where(AdminAuditLog.action == RECORD_OUTCOME)).all()
        assert (audit.user_id, audit.target) == (staff.id, code)
        assert json.loads(audit.detail) == {"member": f"member:{citizen.id}", "platform": "vneid-level2"}
        assert "Lê Thị Hoa" not in audit.detail
        assert [p.platform for p in household_platforms(session, household_id)] == ["vneid-level2"]
    # The platform now shows as the household's.
    again = await _chat(services, payload=f"res:h:{household_id}")
    [chosen] = [b for r in again.replies for row in r.buttons for b in row if b.payload.endswith(":vneid-level2")]
    assert chosen.context["has"] is True


async def test_a_typed_household_code_goes_straight_to_its_platforms(services):
    _, code = await _setup(services)
    assert templates(await _chat(services, text=f"/ketqua {code.lower()}")) == ["team/result_choose_platform"]
    unknown = await _chat(services, text="/ketqua HH999999")
    assert templates(unknown) == ["team/result_no_household"] and unknown.replies[0].context["code"] == "HH999999"


async def test_only_the_households_of_the_members_villages(services):
    household_id, _ = await _setup(services)
    await join_team(services, ELSEWHERE, "Đỗ Văn Hùng", villages=("Thôn Khác",))
    assert templates(await _chat(services, ELSEWHERE, payload=f"res:h:{household_id}")) == ["button_unknown"]
    assert templates(await _chat(services, ELSEWHERE, payload=f"res:ok:{household_id}:vneid-level2")) == [
        "button_unknown"
    ]
    assert templates(await _chat(services, CITIZEN, text="/ketqua")) == ["team/not_team_member"]
    assert templates(await _chat(services, CITIZEN, payload=f"res:ok:{household_id}:vneid-level2")) == [
        "team/not_team_member"
    ]
    assert templates(await _chat(services, payload=f"res:ok:{household_id}:no-such-platform")) == ["button_unknown"]
    with services.sessions() as session:
        assert session.scalars(select(Outcome)).all() == []


async def test_a_household_with_no_chat_member_is_refused_plainly(services):
    household_id, _ = await _setup(services, joined=False)
    refused = await _chat(services, payload=f"res:ok:{household_id}:vssid")
    assert templates(refused) == ["team/result_refused"]
    assert refused.replies[0].context["reason"] == "team_outcome.member_required"


async def test_cancel_and_pages(services):
    await _setup(services)
    for number in range(9):
        household(services, f"Hộ Thử {number}")
    first = await _chat(services, text="/ketqua")
    assert "res:l:1" in payloads(first) and len([p for p in payloads(first) if p.startswith("res:h:")]) == 8
    second = await _chat(services, payload="res:l:1")
    assert len([p for p in payloads(second) if p.startswith("res:h:")]) == 2 and "res:l:2" not in payloads(second)
    assert templates(await _chat(services, payload="res:x")) == ["team/result_cancelled"]


async def test_the_team_outcome_is_the_members_export_and_goes_with_their_erasure(services, catalog):
    household_id, _ = await _setup(services)
    await _chat(services, payload=f"res:ok:{household_id}:vssid")
    with services.sessions() as session:
        citizen = session.scalars(select(Member).where(Member.external_id == CITIZEN)).one()
        exported = export_member(session, citizen, catalog, b"k" * 32)
        assert [(o["platform"], o["source"]) for o in exported["outcomes"]] == [("vssid", SOURCE_TEAM)]
        counts = erase_member(session, citizen, utcnow())
        session.commit()
        assert counts["outcomes"] == 1 and session.scalars(select(Outcome)).all() == []
