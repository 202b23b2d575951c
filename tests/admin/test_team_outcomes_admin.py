"""The household page's small form: what a team member helped make work in person (platform, member, done),
shown with who recorded it and when, counted as the household's platform, audited (issue 14 part 2)."""

from __future__ import annotations

import json

from sqlalchemy import select

from bot.storage.admin_access import AdminAuditLog
from bot.storage.households import Member
from bot.storage.outcomes import SOURCE_TEAM, Outcome
from bot.storage.staff import Staff
from tests.admin.conftest import csrf_of, login


def _members(services, code: str) -> list[Member]:
    from bot.storage.households import Household

    with services.sessions() as session:
        household = session.scalars(select(Household).where(Household.code == code)).one()
        return list(session.scalars(select(Member).where(Member.household_id == household.id).order_by(Member.id)))


async def test_a_commune_official_records_what_worked_for_a_member_of_the_household(client, users, services, seed):
    household_id = seed.households["HA1"]
    second = _members(services, "HA1")[1]  # "Cháu Hoa", the web chat member: not the first
    await login(client, "xa")
    page = await client.get(f"/admin/households/{household_id}")
    assert 'id="team-outcomes"' in page.text and "Chưa có kết quả nào do Tổ công nghệ số ghi." in page.text
    response = await client.post(
        f"/admin/households/{household_id}/outcome",
        data={"csrf": csrf_of(page.text), "platform": "vssid", "member": str(second.id)},
    )
    assert response.status_code == 303 and "recorded=" in response.headers["location"]
    shown = (await client.get(response.headers["location"])).text
    with services.sessions() as session:
        staff = session.scalars(select(Staff).where(Staff.username == "xa")).one()
        [outcome] = session.scalars(select(Outcome).where(Outcome.source == SOURCE_TEAM)).all()
        assert (outcome.member_id, outcome.household_id, outcome.platform, outcome.result, outcome.recorded_by_id) == (
            second.id,
            household_id,
            "vssid",
            "done",
            staff.id,
        )
        [audit] = session.scalars(select(AdminAuditLog).where(AdminAuditLog.action == "record_outcome")).all()
        assert (audit.user_id, audit.username, audit.target, audit.ip) == (staff.id, "xa", "HA1", "10.1.2.3")
        assert json.loads(audit.detail) == {"member": f"member:{second.id}", "platform": "vssid"}
    table = shown.split('id="team-outcomes"')[1].split("</table>")[0]
    assert 'id="recorded"' in shown
    assert "Ứng dụng VssID (Bảo hiểm xã hội số)" in table and "Cháu Hoa" in table and staff.name in table
    # Counted as the household's platform, as a citizen's own "Đã làm được" is.
    platforms = shown.split('id="platforms"')[1].split("</table>")[0]
    assert "Ứng dụng VssID (Bảo hiểm xã hội số)" in platforms


async def test_a_member_of_another_household_or_an_unknown_platform_is_refused(client, users, services, seed):
    household_id = seed.households["HA1"]
    elsewhere = _members(services, "HA2")[0]
    mine = _members(services, "HA1")[0]
    await login(client, "xa")
    page = await client.get(f"/admin/households/{household_id}")
    for data in (
        {"platform": "vssid", "member": str(elsewhere.id)},
        {"platform": "vssid", "member": "x"},
        {"platform": "no-such", "member": str(mine.id)},
        {"platform": "vssid"},
    ):
        response = await client.post(
            f"/admin/households/{household_id}/outcome", data={"csrf": csrf_of(page.text), **data}
        )
        assert response.status_code == 400, data
    no_csrf = await client.post(
        f"/admin/households/{household_id}/outcome", data={"platform": "vssid", "member": str(mine.id)}
    )
    assert no_csrf.status_code in (400, 403)
    with services.sessions() as session:
        assert session.scalars(select(Outcome).where(Outcome.source == SOURCE_TEAM)).all() == []


async def test_only_within_ones_scope(client, users, services, seed):
    await login(client, "to")  # Thôn 2 of Xã Tân Lập only
    theirs = seed.households["HA3"]
    page = await client.get(f"/admin/households/{theirs}")
    assert page.status_code == 200
    # HA3 has no chat member: nothing to record, and the page says why.
    assert "Chưa ai trong hộ kết nối với trợ lý, nên chưa ghi được" in page.text
    other = _members(services, "HA1")[0]
    response = await client.post(
        f"/admin/households/{seed.households['HA1']}/outcome",
        data={"csrf": csrf_of(page.text), "platform": "vssid", "member": str(other.id)},
    )
    assert response.status_code == 403
