"""A citizen at the commune office: found by the reference /dulieu shows, their data exported or erased, audited."""
from __future__ import annotations

import json
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select

from bot.admin.auth import create_user
from bot.admin.period import Month
from bot.admin.queries.report import monthly
from bot.admin.scope import Scope
from bot.services import build_services
from bot.storage.admin_access import AdminAuditLog
from bot.storage.conversations import ConversationLog
from bot.storage.households import Member
from bot.web.app import create_app
from tests.admin.conftest import PASSWORD, csrf_of, enrolled, login, seed_data
from tests.helpers import turn
from tests.privacy.scan import texts_holding

MINE = "Zq7mine"  # only in what the member asking typed
THEIRS = "Zq7theirs"  # in what another member of the same household typed


@pytest.fixture
def people(services, seed):
    """HA1's two members (the one asking, and their relative) with texts that carry a marker each."""
    with services.sessions() as session:
        asking, relative = session.scalars(select(Member).where(Member.household_id == seed.households["HA1"])
                                           .order_by(Member.id)).all()
        for member, text in [(asking, f"số nhà tôi {MINE} ạ"), (relative, f"cháu hỏi {THEIRS}")]:
            session.add(ConversationLog(at=seed.now - timedelta(minutes=30), channel=member.channel,
                                        member_id=member.id, household_id=member.household_id, text=text,
                                        intent="out_of_scope", understood=False, replies="out_of_scope"))
        session.commit()
        return {"asking": asking.id, "relative": relative.id}


def _audit(services, action: str) -> list[AdminAuditLog]:
    with services.sessions() as session:
        return list(session.scalars(select(AdminAuditLog).where(AdminAuditLog.action == action)))


def _report(session, catalog, seed):
    return [(r.name, r.completions, r.completers, r.completing_households, r.help_created, r.reached)
            for r in monthly(session, Scope.all(), catalog, Month.of(seed.now))]


async def test_the_household_page_lists_each_member_with_consent_and_both_requests(client, users, seed, people):
    await login(client, "xa")
    page = await client.get(f"/admin/households/{seed.households['HA1']}")
    assert page.status_code == 200
    assert "Đồng ý lưu dữ liệu" in page.text and "Liên kết hộ từ" in page.text
    assert f"/admin/members/{people['asking']}/export" in page.text
    assert f"/admin/members/{people['asking']}/erase" in page.text and "Xóa dữ liệu" in page.text


async def test_export_holds_the_members_texts_and_nothing_of_other_members(client, users, seed, people, services):
    await login(client, "tinh")
    page = await client.get(f"/admin/members/{people['asking']}")
    response = await client.post(f"/admin/members/{people['asking']}/export", data={"csrf": csrf_of(page.text)})
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/json")
    assert "attachment" in response.headers["content-disposition"]
    data = json.loads(response.text)
    texts = [t["text"] for t in data["texts"]]
    assert f"số nhà tôi {MINE} ạ" in texts and "trả tiền điện" in texts  # every text of theirs, not only 5
    assert THEIRS not in response.text and "Cho hỏi cái app này là gì?" not in response.text
    assert "Cháu Hoa" not in response.text and "Lê Thị Hoa" not in response.text  # neither relative nor head
    assert data["kept"]["household"]["code"] == "HA1" and data["kept"]["text_count"] == len(texts)
    assert data["member"]["reference"] in page.text
    [row] = _audit(services, "export_member")
    assert (row.username, row.target) == ("tinh", f"member:{people['asking']}")
    assert "Hoa" not in (row.detail or "")


async def test_erase_from_the_admin_removes_their_texts_keeps_counts_and_is_audited(client, users, seed, people,
                                                                                     services):
    with services.sessions() as session:
        before = _report(session, services.catalog, seed)
        assert texts_holding(session, MINE) == ["conversation_log.text"]
    await login(client, "xa")
    confirm = await client.get(f"/admin/members/{people['asking']}/erase")
    assert confirm.status_code == 200 and "lời nhắn còn lưu" in confirm.text and "HA1" in confirm.text
    with services.sessions() as session:
        assert texts_holding(session, MINE)  # the confirmation page deletes nothing
    unconfirmed = await client.post(f"/admin/members/{people['asking']}/erase", data={"csrf": csrf_of(confirm.text)})
    assert unconfirmed.status_code == 400
    done = await client.post(f"/admin/members/{people['asking']}/erase",
                             data={"csrf": csrf_of(confirm.text), "confirm": "yes"})
    assert done.status_code == 200 and "Đã xóa dữ liệu" in done.text
    with services.sessions() as session:
        assert texts_holding(session, MINE) == [] and texts_holding(session, "trả tiền điện") == []
        assert texts_holding(session, THEIRS) == ["conversation_log.text"]  # the relative's words stay
        member = session.get(Member, people["asking"])
        assert member.household_id is None and member.display_name is None
        assert session.scalar(select(Member.household_id).where(Member.id == people["relative"])) \
            == seed.households["HA1"]
        assert _report(session, services.catalog, seed) == before
    [row] = _audit(services, "erase_member")
    assert (row.username, row.target) == ("xa", f"member:{people['asking']}")
    assert json.loads(row.detail)["erased"]["conversation_log"] >= 3 and "Hoa" not in row.detail
    # Erased is gone: the page, the export and a second erasure answer 404.
    assert (await client.get(f"/admin/members/{people['asking']}")).status_code == 404
    again = await client.post(f"/admin/members/{people['asking']}/erase",
                              data={"csrf": csrf_of(confirm.text), "confirm": "yes"})
    assert again.status_code == 404


async def _reference(services, member_id: int) -> str:
    """The reference the member's /dulieu shows them."""
    with services.sessions() as session:
        member = session.get(Member, member_id)
        channel, external_id = member.channel, member.external_id
    reply = (await turn(services, external_id, text="/dulieu", channel=channel)).replies[0]
    assert reply.template == "privacy_data"
    return reply.context["reference"]


def _member_of(services, household_id: int) -> int:
    with services.sessions() as session:
        return session.scalars(select(Member.id).where(Member.household_id == household_id)).first()


async def test_the_reference_dulieu_shows_finds_the_member_in_scope_only(client, users, seed, people, services):
    typed = (await _reference(services, people["asking"])).lower().replace("-", " ")  # as an official types it
    elsewhere = await _reference(services, _member_of(services, seed.households["HB1"]))
    await login(client, "xa")
    found = await client.get("/admin/members/find", params={"ref": typed})
    assert found.status_code == 303 and found.headers["location"] == f"/admin/members/{people['asking']}"
    assert (await client.get(found.headers["location"])).status_code == 200
    assert (await client.get("/admin/members/find", params={"ref": "ABCD-EFGH"})).status_code == 404
    # A member of Xã Hòa Bình is not found by Xã Tân Lập's official, even with the right reference.
    missing = await client.get("/admin/members/find", params={"ref": elsewhere})
    assert missing.status_code == 404 and "Không tìm thấy thành viên" in missing.text


@pytest.mark.parametrize("username, household", [("xa", "HB1"), ("to", "HA1")])
async def test_another_communes_official_or_a_team_member_is_refused(client, users, seed, people, services,
                                                                     username, household):
    member = _member_of(services, seed.households[household])
    await login(client, username)
    csrf = csrf_of((await client.get("/admin/")).text)
    for response in [await client.get(f"/admin/members/{member}"),
                     await client.get(f"/admin/members/{member}/erase"),
                     await client.post(f"/admin/members/{member}/export", data={"csrf": csrf}),
                     await client.post(f"/admin/members/{member}/erase", data={"csrf": csrf, "confirm": "yes"})]:
        assert response.status_code == 403
    with services.sessions() as session:
        assert session.get(Member, member).household_id == seed.households[household]  # not erased
    assert _audit(services, "export_member") == [] and _audit(services, "erase_member") == []


async def test_a_guest_is_handled_by_the_province_only(client, users, seed, services):
    with services.sessions() as session:
        guest = session.scalars(select(Member).where(Member.is_guest)).one().id
    await login(client, "xa")
    assert (await client.get(f"/admin/members/{guest}")).status_code == 403
    client.cookies.clear()
    await login(client, "tinh")
    assert (await client.get(f"/admin/members/{guest}")).status_code == 200


async def test_export_and_erase_need_the_csrf_token(client, users, seed, people, services):
    await login(client, "tinh")
    member = people["asking"]
    assert (await client.post(f"/admin/members/{member}/export", data={})).status_code == 403
    assert (await client.post(f"/admin/members/{member}/erase", data={"confirm": "yes"})).status_code == 403
    assert (await client.post(f"/admin/members/{member}/erase",
                              data={"csrf": "forged", "confirm": "yes"})).status_code == 403
    with services.sessions() as session:
        assert texts_holding(session, MINE)
    assert _audit(services, "export_member") == [] and _audit(services, "erase_member") == []
    assert len(_audit(services, "csrf_rejected")) == 3


@pytest.mark.postgres
async def test_find_export_and_erase_on_postgresql(settings, catalog, postgres_url):
    pg = build_services(settings.with_(database_url=postgres_url), catalog)
    try:
        seed = seed_data(pg)
        with pg.sessions() as session:
            enrolled(create_user(session, "tinh", PASSWORD, "province"))
            session.commit()
        member = _member_of(pg, seed.households["HA1"])
        typed = await _reference(pg, member)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(pg)),
                                     base_url="http://pg.test") as client:
            await login(client, "tinh")
            found = await client.get("/admin/members/find", params={"ref": typed})
            assert found.headers["location"] == f"/admin/members/{member}"
            page = await client.get(found.headers["location"])
            exported = await client.post(f"/admin/members/{member}/export", data={"csrf": csrf_of(page.text)})
            assert "trả tiền điện" in exported.text and "Cho hỏi cái app" not in exported.text
            erased = await client.post(f"/admin/members/{member}/erase",
                                       data={"csrf": csrf_of(page.text), "confirm": "yes"})
            assert erased.status_code == 200
        with pg.sessions() as session:
            assert texts_holding(session, "trả tiền điện") == []
        assert [r.target for r in _audit(pg, "erase_member")] == [f"member:{member}"]
    finally:
        await pg.aclose()
