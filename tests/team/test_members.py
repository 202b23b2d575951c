"""Team members: a one-time link code that expires, several villages for one member, the province's admin."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import select, update

from bot.people import team_members as team
from bot.storage.places import Village
from bot.storage.staff import Staff
from tests.helpers import payload_starting, payloads, templates, turn
from tests.team.helpers import COMMUNE, VILLAGE, household, join_household, join_team, outbox, outbox_to, team_code
from tests.team.test_helpdesk import stuck

HELPER, ADMIN = "200", "400"
FAR = "Thôn Xa"
TOPIC = "vneid-register"


async def test_a_link_code_that_has_expired_does_not_link(services):
    household(services)
    code = team_code(services, "Trần Thị Lan")
    with services.sessions() as session:
        session.execute(update(Staff).values(link_code_expires_at=datetime.now(timezone.utc) - timedelta(minutes=1)))
        session.commit()
    assert templates(await turn(services, HELPER, text=f"/start {code}", channel="telegram")) == \
        ["team/link_code_unknown"]
    assert templates(await turn(services, HELPER, text=f"/team {code.lower()}", channel="telegram")) == \
        ["team/link_code_unknown"]


async def test_adding_a_member_again_adds_a_village_and_only_the_newest_code_works(services):
    household(services)
    household(services, "Hộ Xa", village=FAR)
    first = team_code(services, "Trần Thị Lan")
    second = team_code(services, "Trần Thị Lan", villages=(FAR,))
    with services.sessions() as session:
        [member] = session.scalars(select(Staff)).all()
        assert sorted(v.name for v in member.villages) == [FAR, VILLAGE]
        assert member.link_code_hash == team.code_hash(second) != team.code_hash(first)
    assert templates(await turn(services, HELPER, text=f"/start {first}", channel="telegram")) == \
        ["team/link_code_unknown"]
    linked = await turn(services, HELPER, text=f"/start {second}", channel="telegram")
    assert sorted(linked.replies[0].context["villages"]) == [FAR, VILLAGE]


async def test_a_member_of_two_villages_helps_and_pushes_in_both_and_nowhere_else(services):
    _, near_code = household(services, "Hộ Gần")
    _, far_code = household(services, "Hộ Xa", village=FAR)
    household(services, "Hộ Khác", village="Thôn Khác")
    await join_team(services, HELPER, "Trần Thị Lan", villages=(VILLAGE, FAR))
    await join_household(services, "1", near_code)
    await join_household(services, "2", far_code)
    await stuck(services, "1")
    await stuck(services, "2")
    notices = [r for r in outbox_to(services, HELPER) if r["template"] == "team/help_notice"]
    assert sorted(n["context"]["village"] for n in notices) == [FAR, VILLAGE]
    menu = await turn(services, HELPER, text="/push", channel="telegram")
    assert templates(menu) == ["team/push_choose_place"]
    *places, cancel = payloads(menu)
    assert len(places) == 2 and all(p.startswith("push:s:v:") for p in places) and cancel == "push:x"
    for place in places:
        topics = await turn(services, HELPER, payload=place, channel="telegram")
        assert templates(topics) == ["team/push_choose_topic"]
    with services.sessions() as session:
        other = session.scalar(select(Village.id).where(Village.name == "Thôn Khác"))
    assert templates(await turn(services, HELPER, payload=f"push:s:v:{other}", channel="telegram")) == \
        ["team/not_team_member"]
    assert templates(await turn(services, HELPER, payload="push:s:p:0", channel="telegram")) == \
        ["team/not_team_member"]


async def test_the_province_admin_pushes_to_every_commune_from_chat(services):
    codes = [household(services, "Hộ Một")[1], household(services, "Hộ Hai", village="Thôn Núi", commune="Xã Khác")[1]]
    for user, code in zip(("1", "2"), codes):
        await join_household(services, user, code)
    await join_team(services, ADMIN, "Cán bộ tỉnh", villages=(), commune=COMMUNE, role="province")
    menu = await turn(services, ADMIN, text="/push", channel="telegram")
    assert payloads(menu)[0] == "push:s:p:0"
    topics = await turn(services, ADMIN, payload="push:s:p:0", channel="telegram")
    audience = await turn(services, ADMIN, payload=payload_starting(topics, "push:t:p:0:" + TOPIC), channel="telegram")
    assert audience.replies[0].context["place"] == "toàn tỉnh"
    confirm = await turn(services, ADMIN, payload=next(p for p in payloads(audience) if p.endswith(":a")),
                         channel="telegram")
    queued = await turn(services, ADMIN, payload=payload_starting(confirm, "push:go:"), channel="telegram")
    assert queued.replies[0].context["queued"] == 2
    assert sorted(item.chat_key for item in outbox(services, kind="push")) == ["telegram:1", "telegram:2"]
