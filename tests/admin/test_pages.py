"""Admin pages over HTTP on seeded data: the log's pager links, the pushes page per role."""
import re
from datetime import timedelta
from html import unescape

from sqlalchemy import select

from bot.storage.conversations import ConversationLog
from bot.storage.households import Member
from tests.admin.conftest import login


def _link(html: str, rel: str) -> str:
    return unescape(re.search(rf'<a rel="{rel}" href="([^"]+)"', html).group(1))


def _texts(html: str) -> list[str]:
    return re.findall(r'<td class="text">(câu \d+)', html)


async def test_log_pager_links_seek_older_and_newer_pages_and_keep_the_filters(client, users, services, seed):
    with services.sessions() as session:
        member = session.scalars(select(Member).where(Member.channel == "telegram")).first()
        session.add_all([ConversationLog(at=seed.now - timedelta(days=3, minutes=i), channel="telegram",
                                         member_id=member.id, household_id=member.household_id, text=f"câu {i}",
                                         understood=True) for i in range(120)])
        session.commit()
    await login(client, "tinh")
    first = (await client.get("/admin/log?channel=telegram")).text
    assert "Trang 1 / 3" in first
    older = _link(first, "next")
    assert "after=" in older and "channel=telegram" in older and "page=2" in older
    second = (await client.get(older)).text
    assert "Trang 2 / 3" in second and _texts(second)[0] == "câu 45"  # 5 seeded telegram rows are newer
    third = (await client.get(_link(second, "next"))).text
    assert "Trang 3 / 3" in third and _texts(third)[-1] == "câu 119" and 'rel="next"' not in third
    back = (await client.get(_link(third, "prev"))).text
    assert "Trang 2 / 3" in back and _texts(back) == _texts(second)
    by_number = (await client.get("/admin/log?channel=telegram&page=3")).text
    assert _texts(by_number) == _texts(third)
    assert (await client.get("/admin/log?after=abc.1")).status_code == 400
    assert (await client.get("/admin/log?after=1.1&before=1.1")).status_code == 400


async def test_pushes_page_counts_in_the_role_scope(client, users, seed):
    await login(client, "tinh")
    overview = (await client.get("/admin/")).text
    assert "Bài đã gửi đến các hộ (30 ngày)" in overview and "/admin/pushes" in overview
    page = (await client.get("/admin/pushes")).text
    assert "toàn tỉnh" in page and "Tổ công nghệ tỉnh" in page
    cells = re.findall(r'<td class="num[^"]*">(\d+)', page.split("<tbody>")[1].split("</tbody>")[0])
    assert cells[:7] == ["3", "0", "2", "1", "0", "2", "2"]  # queued, pending, sent, failed, skipped, opened, completed
    assert (await client.get("/admin/pushes?period=bad")).status_code == 400
    await client.post("/admin/logout", data={"csrf": re.search(r'name="csrf" value="([^"]+)"', page).group(1)})
    await login(client, "xa")
    page = (await client.get("/admin/pushes")).text
    cells = re.findall(r'<td class="num[^"]*">(\d+)', page.split("<tbody>")[1].split("</tbody>")[0])
    assert cells[:7] == ["2", "0", "1", "1", "0", "1", "1"]


async def test_the_header_names_the_user_by_their_staff_name(client, users):
    await login(client, "xa")
    page = (await client.get("/admin/")).text
    assert re.search(r'<div class="who">\s*<span>Cán bộ xã Tân Lập · ', page)
