"""Platforms a household has on its page ("Đã làm được" counted), and the ratings page, in each role's scope."""
from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from bot.admin.queries.ratings import TopicRatings, worst
from bot.storage.households import Member
from bot.storage.outcomes import Outcome
from bot.storage.ratings import Rating
from tests.admin.conftest import login


def _member(session, code: str, seed) -> Member:
    return session.scalars(select(Member).where(Member.household_id == seed.households[code])
                           .order_by(Member.id)).first()


async def test_household_page_shows_each_platform_a_member_has(client, users, services, seed):
    with services.sessions() as session:
        hoa = _member(session, "HA1", seed)
        for topic, platform, result in [("vneid-level2", "vneid-level2", "done"),
                                        ("pay-electricity", "online-electricity-payment", "failed"),
                                        ("health-insurance-vssid", "vssid", "later")]:
            session.add(Outcome(member_id=hoa.id, household_id=hoa.household_id, topic_id=topic, platform=platform,
                                result=result, at=seed.now - timedelta(days=2)))
        session.commit()
    await login(client, "tinh")
    page = (await client.get(f"/admin/households/{seed.households['HA1']}")).text
    platforms = page.split('id="platforms"')[1].split("</table>")[0]
    assert "Tài khoản định danh điện tử mức 2 (VNeID)" in platforms
    assert "Thanh toán tiền điện" not in platforms and "VssID" not in platforms  # not done: not had
    other = (await client.get(f"/admin/households/{seed.households['HA2']}")).text
    assert "Chưa có thành viên nào báo đã làm được" in other


async def test_ratings_page_shows_the_share_by_topic_and_the_worst_in_scope(client, users, services, seed):
    with services.sessions() as session:
        hoa, mai = _member(session, "HA1", seed), _member(session, "HB1", seed)
        at = seed.now - timedelta(days=1)
        ratings = [(hoa, "faq-vneid-what", True, None)] * 3 + [(hoa, "faq-vneid-what", False, "unclear")] \
            + [(hoa, "vneid-level2", False, "wrong")] * 3 + [(mai, "faq-dvc-what", True, None)] * 4
        session.add_all([Rating(member_id=m.id, household_id=m.household_id, topic_id=t, helpful=h, reason=r, at=at)
                         for m, t, h, r in ratings])
        session.commit()
    await login(client, "tinh")
    page = (await client.get("/admin/ratings")).text
    assert "11 lượt đánh giá, 64% thấy có ích" in page
    worst_table = page.split('id="worst"')[1].split("</table>")[0]
    assert re.findall(r"<tr><td>([^<]+)</td>", worst_table) == [
        "Làm và kích hoạt tài khoản định danh mức 2", "VNeID là gì, mức 1 và mức 2 khác nhau thế nào"]
    assert "Không giống máy của người dân (3)" in worst_table and "Khó hiểu (1)" in worst_table
    by_topic = page.split('id="by-topic"')[1]
    assert "75%" in by_topic and "100%" in by_topic
    assert (await client.get("/admin/ratings?period=bad")).status_code == 400
    await client.post("/admin/logout", data={"csrf": re.search(r'name="csrf" value="([^"]+)"', page).group(1)})
    await login(client, "xa")  # Xã Tân Lập: Mai's (Xã Hòa Bình) ratings are not in scope
    page = (await client.get("/admin/ratings")).text
    assert "7 lượt đánh giá" in page and "Dịch vụ công trực tuyến là gì" not in page


def test_worst_needs_enough_ratings_and_some_unhappy():
    rows = [TopicRatings("a", 2, 0), TopicRatings("b", 5, 5), TopicRatings("c", 4, 1), TopicRatings("d", 10, 5)]
    assert [t.topic_id for t in worst(rows)] == ["c", "d"]
