"""Adoption (issue 14 part 5): households with each platform per village, commune and province, month by month
(cumulative), in the user's scope; the chart, the CSV and the monthly report's table."""
from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from bot.admin.period import Month
from bot.admin.queries.adoption import adoption
from bot.admin.scope import Scope
from bot.storage.households import Member
from bot.storage.outcomes import SOURCE_TEAM, Outcome
from tests.admin import conftest
from tests.admin.conftest import login

NOW = datetime(2026, 11, 20, 5, 0, tzinfo=timezone.utc)
OCTOBER, NOVEMBER = Month(2026, 10), Month(2026, 11)


def seed_outcomes(services, seed) -> None:
    """HA1 (Thôn 1): VNeID level 2 since October (a second member in November: still one household), VssID
    "later"; HA2 (Thôn 1): level 2 failed, electricity done on 1 November local (31 October UTC); HA3 (Thôn 2):
    nothing; HB1 (Thôn Đông): VssID recorded by the team in November, cashless payment in December."""
    with services.sessions() as session:
        members = {}
        for m in session.scalars(select(Member).where(Member.household_id.is_not(None)).order_by(Member.id)):
            members.setdefault(m.household_id, []).append(m)
        hoa, chau_hoa = members[seed.households["HA1"]]
        binh, mai = members[seed.households["HA2"]][0], members[seed.households["HB1"]][0]
        rows = [
            (hoa, "vneid-level2", "vneid-level2", "done", datetime(2026, 10, 15, 3, tzinfo=timezone.utc), "citizen"),
            (chau_hoa, "vneid-level2", "vneid-level2", "done", datetime(2026, 11, 3, tzinfo=timezone.utc), "citizen"),
            (hoa, "health-insurance-vssid", "vssid", "later", datetime(2026, 11, 4, tzinfo=timezone.utc), "citizen"),
            (hoa, "faq-vneid-what", None, "done", datetime(2026, 11, 4, tzinfo=timezone.utc), "citizen"),
            (binh, "vneid-level2", "vneid-level2", "failed", datetime(2026, 11, 5, tzinfo=timezone.utc), "citizen"),
            (binh, "pay-electricity", "online-electricity-payment", "done",
             datetime(2026, 10, 31, 18, tzinfo=timezone.utc), "citizen"),
            (mai, "health-insurance-vssid", "vssid", "done", datetime(2026, 11, 10, tzinfo=timezone.utc), SOURCE_TEAM),
            (mai, "cashless", "cashless-payment", "done", datetime(2026, 12, 2, tzinfo=timezone.utc), "citizen"),
        ]
        session.add_all([Outcome(member_id=m.id, household_id=m.household_id, topic_id=topic, platform=platform,
                                 result=result, at=at, source=source)
                         for m, topic, platform, result, at, source in rows])
        session.commit()


@pytest.fixture
def seed(services):
    seeded = conftest.seed_data(services, NOW)
    seed_outcomes(services, seeded)
    return seeded


def _by_name(figures):
    places = {figures.total.name: figures.total}
    for c in figures.communes:
        places[c.name] = c
        places.update({f"{c.name}/{v.name}": v for v in c.villages})
    return places


def test_counts_and_shares_per_village_commune_and_province_month_by_month(services, seed):
    with services.sessions() as session:
        figures = adoption(session, Scope.all(), services.catalog, NOVEMBER, months=2, total_name="province")
    assert figures.months == [OCTOBER, NOVEMBER]
    places = _by_name(figures)
    households = {name: p.households for name, p in places.items()}
    assert households == {"province": 4, "Xã Hòa Bình": 1, "Xã Hòa Bình/Thôn Đông": 1, "Xã Tân Lập": 3,
                          "Xã Tân Lập/Thôn 1": 2, "Xã Tân Lập/Thôn 2": 1}
    level2 = {name: p.had["vneid-level2"] for name, p in places.items()}
    assert level2 == {"province": [1, 1], "Xã Hòa Bình": [0, 0], "Xã Hòa Bình/Thôn Đông": [0, 0],
                      "Xã Tân Lập": [1, 1], "Xã Tân Lập/Thôn 1": [1, 1], "Xã Tân Lập/Thôn 2": [0, 0]}
    # Electricity on 1 November in Vietnam (31 October UTC): November's.
    assert places["Xã Tân Lập/Thôn 1"].had["online-electricity-payment"] == [0, 1]
    assert places["Xã Tân Lập"].new("online-electricity-payment") == 1
    assert places["Xã Tân Lập"].new("vneid-level2") == 0
    # Recorded by the team: counted as the citizen's own.
    assert places["Xã Hòa Bình"].had["vssid"] == [0, 1] and places["province"].had["vssid"] == [0, 1]
    # December's is not in a window ending with November; "later" and "failed" never count.
    assert places["province"].had["cashless-payment"] == [0, 0]
    assert places["Xã Tân Lập"].share("vneid-level2") == pytest.approx(1 / 3)
    assert places["Xã Tân Lập/Thôn 1"].share("vneid-level2") == 0.5
    assert places["province"].share("vneid-level2") == 0.25
    assert places["Xã Tân Lập/Thôn 2"].share("vneid-level2") == 0
    with services.sessions() as session:
        december = adoption(session, Scope.all(), services.catalog, Month(2026, 12), months=12)
    assert len(december.months) == 12 and december.months[-1] == Month(2026, 12)
    assert december.total.had["cashless-payment"][-2:] == [0, 1]
    assert december.total.had["vneid-level2"][-3:] == [1, 1, 1]


def test_a_scope_counts_only_its_villages(services, seed):
    with services.sessions() as session:
        team = adoption(session, Scope(frozenset({seed.village_a2}), frozenset({seed.commune_a})),
                        services.catalog, NOVEMBER, months=2)
        commune = adoption(session, Scope(frozenset({seed.village_a1, seed.village_a2}), frozenset({seed.commune_a})),
                           services.catalog, NOVEMBER, months=2)
        chosen = adoption(session, Scope.all(), services.catalog, NOVEMBER, months=2, commune_id=seed.commune_b)
    assert [c.name for c in team.communes] == ["Xã Tân Lập"] and [v.name for v in team.communes[0].villages] == ["Thôn 2"]
    assert team.total.households == 1 and all(s == [0, 0] for s in team.total.had.values())
    assert commune.total.households == 3 and commune.total.had["vneid-level2"] == [1, 1]
    assert commune.total.had["vssid"] == [0, 0]  # Xã Hòa Bình's
    assert [c.name for c in chosen.communes] == ["Xã Hòa Bình"] and chosen.total.had["vssid"] == [0, 1]


def _logout(page: str):
    return {"csrf": re.search(r'name="csrf" value="([^"]+)"', page).group(1)}


async def test_the_page_shows_counts_shares_and_a_chart_in_scope(client, users, services, seed):
    await login(client, "tinh")
    page = (await client.get("/admin/adoption?month=2026-11")).text
    table = page.split('id="places"')[1].split("</table>")[0]
    assert "Toàn tỉnh" in table and "Xã Hòa Bình" in table and "Thôn Đông" in table
    total = table.split('class="total"')[1].split("</tr>")[0]
    cells = [" ".join(re.sub(r"<[^>]+>", "", c).split()) for c in re.findall(r'<td class="num">(.*?)</td>', total)]
    # households, then per platform of content/platforms.yml: level 1, level 2, documents, portal, cashless,
    # VssID, electricity
    assert cells == ["4", "0 · 0%", "1 · 25%", "0 · 0%", "0 · 0%", "0 · 0%", "1 · 25%", "1 · 25%"]
    assert "<svg" in page and "10/2026: 0" in page and "12/2025: 0" in page  # the first platform: none yet
    chart = (await client.get("/admin/adoption?month=2026-11&platform=vssid")).text
    assert "10/2026: 0" in chart and "11/2026: 1" in chart
    chart = (await client.get("/admin/adoption?month=2026-11&platform=vneid-level2")).text
    assert "09/2026: 0" in chart and "10/2026: 1" in chart and "11/2026: 1" in chart
    assert (await client.get("/admin/adoption?platform=nope")).status_code == 400
    assert (await client.get("/admin/adoption?month=11-2026")).status_code == 400
    await client.post("/admin/logout", data=_logout(page))

    await login(client, "xa")  # Xã Tân Lập only
    page = (await client.get("/admin/adoption?month=2026-11")).text
    table = page.split('id="places"')[1].split("</table>")[0]
    assert "Trong phạm vi quản lý" in table and "Toàn tỉnh" not in table
    assert "Xã Hòa Bình" not in table and "Thôn Đông" not in table and "Thôn 2" in table
    assert (await client.get(f"/admin/adoption?commune={seed.commune_b}")).status_code == 403
    assert (await client.get(f"/admin/adoption.csv?commune={seed.commune_b}")).status_code == 403
    await client.post("/admin/logout", data=_logout(page))

    await login(client, "to")  # the team of Thôn 2
    page = (await client.get("/admin/adoption?month=2026-11")).text
    table = page.split('id="places"')[1].split("</table>")[0]
    assert "Thôn 2" in table and "Thôn 1" not in table


async def test_the_csv_has_every_place_platform_and_month(client, users, services, seed):
    await login(client, "tinh")
    response = await client.get("/admin/adoption.csv?month=2026-11")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert 'filename="nen-tang-so-2026-11.csv"' in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text.lstrip("\ufeff"))))
    platforms = len(services.catalog.platforms)
    assert len(rows) == 6 * platforms * 12  # province, 2 communes, 3 villages
    got = {(r["cap"], r["xa"], r["thon"], r["thang"]): (r["so_ho"], r["so_ho_co_nen_tang"], r["ti_le_phan_tram"])
           for r in rows if r["nen_tang"] == "vneid-level2"}
    assert got[("tinh", "", "", "2026-11")] == ("4", "1", "25.0")
    assert got[("tinh", "", "", "2026-09")] == ("4", "0", "0.0")
    assert got[("xa", "Xã Tân Lập", "", "2026-10")] == ("3", "1", "33.3")
    assert got[("thon", "Xã Tân Lập", "Thôn 1", "2026-10")] == ("2", "1", "50.0")
    assert got[("thon", "Xã Tân Lập", "Thôn 2", "2026-11")] == ("1", "0", "0.0")
    names = {r["ten_nen_tang"] for r in rows}
    assert "Ứng dụng VssID (Bảo hiểm xã hội số)" in names
    await client.post("/admin/logout", data=_logout((await client.get("/admin/")).text))
    await login(client, "xa")
    rows = list(csv.DictReader(io.StringIO((await client.get("/admin/adoption.csv?month=2026-11")).text.lstrip("\ufeff"))))
    assert {r["xa"] for r in rows} == {"", "Xã Tân Lập"} and {r["cap"] for r in rows} == {"tinh", "xa", "thon"}


async def test_the_monthly_report_carries_the_platforms_table(client, users, services, seed):
    await login(client, "xa")
    page = (await client.get("/admin/report?month=2026-11")).text
    assert "Xã Hòa Bình" not in page.split("<article")[1]
    table = page.split("report-platforms")[1].split("</table>")[0]
    rows = {cells[0]: cells[1:] for cells in
            (re.findall(r"<td[^>]*>([^<]*)</td>", tr) for tr in table.split("<tr>")[2:])}
    assert rows["Tài khoản định danh điện tử mức 2 (VNeID)"] == ["1", "33%", "0"]
    assert rows["Thanh toán tiền điện trực tuyến"] == ["1", "33%", "1"]
    assert rows["Ứng dụng VssID (Bảo hiểm xã hội số)"] == ["0", "0%", "0"]
    october = (await client.get("/admin/report?month=2026-10")).text
    table = october.split("report-platforms")[1].split("</table>")[0]
    assert "<td>Tài khoản định danh điện tử mức 2 (VNeID)</td><td class=\"num\">1</td>" in table
    assert "<td>Thanh toán tiền điện trực tuyến</td><td class=\"num\">0</td>" in table


@pytest.mark.postgres
async def test_the_same_figures_on_postgresql(settings, catalog, postgres_url, services, seed):
    from bot.services import build_services
    pg = build_services(settings.with_(database_url=postgres_url), catalog)
    try:
        pg_seed = conftest.seed_data(pg, NOW)
        seed_outcomes(pg, pg_seed)
        with pg.sessions() as session:
            on_pg = adoption(session, Scope.all(), catalog, NOVEMBER, months=3)
        with services.sessions() as session:
            on_sqlite = adoption(session, Scope.all(), catalog, NOVEMBER, months=3)
        assert {n: (p.households, p.had) for n, p in _by_name(on_pg).items()} \
            == {n: (p.households, p.had) for n, p in _by_name(on_sqlite).items()}
        assert on_pg.total.had["online-electricity-payment"] == [0, 0, 1]  # 1 November in Vietnam
    finally:
        await pg.aclose()
