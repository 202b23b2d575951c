"""`/push` from chat: where, which tutorial, to whom, confirm; audiences; who may push where; the report."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import select, update

from actions.team import push
from bot.delivery.clock import LocalTime
from bot.services import build_services
from bot.storage.delivery import OutboxItem
from bot.storage.households import Member
from bot.storage.places import Village
from bot.storage.progress import TutorialRun
from tests.helpers import payload_starting, payloads, templates, turn
from tests.team.helpers import household, join_household, join_team, outbox

HELPER, ADMIN = "900", "901"
TOPIC = "vneid-register"


async def three_households(services):
    """One has not started, one is midway, one has finished the tutorial; a fourth never joined."""
    for user, name in (("1", "Hộ Một"), ("2", "Hộ Hai"), ("3", "Hộ Ba")):
        _, code = household(services, name)
        await join_household(services, user, code)
    household(services, "Hộ Chưa Vào")
    await turn(services, "2", payload=f"topic:{TOPIC}", channel="telegram")
    started = await turn(services, "3", payload=f"topic:{TOPIC}", channel="telegram")
    with services.sessions() as session:
        session.execute(update(TutorialRun).where(TutorialRun.member_id == session.scalar(
            select(Member.id).where(Member.external_id == "3"))).values(status="completed"))
        session.commit()
    return started


async def push_to_everyone(services):
    """The helper pushes TOPIC to every household of their village from chat; the reply to the last tap."""
    menu = await turn(services, HELPER, text="/push", channel="telegram")
    chosen = await turn(services, HELPER, payload=[p for p in payloads(menu) if p.endswith(f":{TOPIC}")][0],
                        channel="telegram")
    everyone = next(p for p in payloads(chosen) if p.startswith("push:a:") and p.endswith(":a"))
    confirm = await turn(services, HELPER, payload=everyone, channel="telegram")
    return await turn(services, HELPER, payload=payload_starting(confirm, "push:go:"), channel="telegram")


async def test_a_member_pushes_to_their_village_from_chat(services):
    await three_households(services)
    await join_team(services, HELPER, "Trần Thị Lan")
    menu = await turn(services, HELPER, text="/push", channel="telegram")
    assert templates(menu) == ["team/push_choose_topic"]  # one village: straight to the topics
    assert all(len(p.encode()) <= 64 for p in payloads(menu))
    chosen = await turn(services, HELPER, payload=[p for p in payloads(menu) if p.endswith(f":{TOPIC}")][0],
                        channel="telegram")
    assert templates(chosen) == ["team/push_choose_audience"]
    counts = chosen.replies[0].context["counts"]
    assert counts["all"] == {"households": 4, "reachable": 3}
    assert counts["not_started"] == {"households": 2, "reachable": 1}
    assert counts["unfinished"] == {"households": 1, "reachable": 1}
    not_started = next(p for p in payloads(chosen) if p.startswith("push:a:") and p.endswith(":n"))
    confirm = await turn(services, HELPER, payload=not_started, channel="telegram")
    assert templates(confirm) == ["team/push_confirm"] and confirm.replies[0].context["reachable"] == 1
    go = payload_starting(confirm, "push:go:")
    queued = await turn(services, HELPER, payload=go, channel="telegram")
    assert templates(queued) == ["team/push_queued"] and queued.replies[0].context["queued"] == 1
    [item] = outbox(services, kind="push")
    assert item.chat_key == "telegram:1"
    # A double tap does not push twice.
    again = await turn(services, HELPER, payload=go, channel="telegram")
    assert again.replies[0].context["again"] is True and len(outbox(services, kind="push")) == 1


async def test_report_counts_sent_opened_and_completed(services):
    await three_households(services)
    with services.sessions() as session:
        village_id = session.scalar(select(Village.id).where(Village.name == "Thôn Đồng Bằng"))
        created, _ = push.create_push(session, services.catalog, TOPIC, "all", "village", village_id, "t", None,
                                      datetime.now(timezone.utc))
        session.commit()
        session.execute(update(OutboxItem).values(status="sent", sent_at=datetime(2020, 1, 1, tzinfo=timezone.utc)))
        session.commit()
        report = push.report(session, services.catalog, created.id).as_dict()
    assert (report["queued"], report["sent"], report["not_joined"]) == (3, 3, 1)
    assert (report["opened"], report["completed"]) == (2, 0)  # Hộ Hai and Hộ Ba walked it since; none finished since


async def test_pushing_elsewhere_or_without_being_a_member_is_refused(services):
    await three_households(services)
    household(services, "Hộ Xa", village="Thôn Xa")
    await join_team(services, HELPER, "Trần Thị Lan")
    assert templates(await turn(services, "1", text="/push", channel="telegram")) == ["team/not_team_member"]
    with services.sessions() as session:
        far = session.scalar(select(Village.id).where(Village.name == "Thôn Xa"))
    refused = await turn(services, HELPER, payload=f"push:t:v:{far}:{TOPIC}", channel="telegram")
    assert templates(refused) == ["team/not_team_member"]
    refused = await turn(services, HELPER, payload="push:s:p:0", channel="telegram")
    assert templates(refused) == ["team/not_team_member"]


async def test_a_commune_admin_chooses_a_village_or_the_whole_commune(services):
    await three_households(services)
    household(services, "Hộ Xa", village="Thôn Xa")
    await join_team(services, ADMIN, "Cán bộ xã", villages=(), role="commune")
    menu = await turn(services, ADMIN, text="/push", channel="telegram")
    assert templates(menu) == ["team/push_choose_place"]
    choices = payloads(menu)
    # The commune, then its two villages, then the way out.
    assert choices[0].startswith("push:s:c:") and len(choices) == 4 and choices[-1] == "push:x"
    topics = await turn(services, ADMIN, payload=choices[0], channel="telegram")
    assert templates(topics) == ["team/push_choose_topic"]


async def test_a_commune_admin_of_many_villages_turns_pages_of_eight(services):
    names = [f"Thôn {n:02d}" for n in range(1, 10)] + ["Thôn Đông"]  # Đ beside D, not after Z
    for name in reversed(names):
        household(services, "Hộ Trong Thôn", village=name)
    await join_team(services, ADMIN, "Cán bộ xã", villages=(), role="commune")

    def shown(result):
        return [b.context["title"] for r in result.replies for row in r.buttons for b in row if b.label == "topic"]

    def turns(result):
        return {b.label: b.payload for r in result.replies for row in r.buttons for b in row
                if b.label in ("places_more", "places_back")}

    first = await turn(services, ADMIN, text="/push", channel="telegram")
    assert templates(first) == ["team/push_choose_place"] and payloads(first)[0].startswith("push:s:c:")
    assert shown(first) == names[:8] and set(turns(first)) == {"places_more"} and payloads(first)[-1] == "push:x"
    second = await turn(services, ADMIN, payload=turns(first)["places_more"], channel="telegram")
    assert templates(second) == ["team/push_choose_place"]
    assert shown(second) == names[8:] and set(turns(second)) == {"places_back"} and payloads(second)[-1] == "push:x"
    assert not any(p.startswith("push:s:c:") for p in payloads(second))  # the whole commune: on the first page
    back = await turn(services, ADMIN, payload=turns(second)["places_back"], channel="telegram")
    assert shown(back) == names[:8]
    past = await turn(services, ADMIN, payload="push:vp:9", channel="telegram")  # villages removed since
    assert shown(past) == names[8:]
    with services.sessions() as session:
        dong = session.scalar(select(Village.id).where(Village.name == "Thôn Đông"))
    assert f"push:s:v:{dong}" in payloads(second)
    topics = await turn(services, ADMIN, payload=f"push:s:v:{dong}", channel="telegram")
    assert templates(topics) == ["team/push_choose_topic"] and topics.replies[0].context["place"].startswith("Thôn Đông,")
    assert templates(await turn(services, "1", payload="push:vp:1", channel="telegram")) == ["team/not_team_member"]


async def test_guibai_opens_push_and_every_step_has_a_way_out(services):
    await three_households(services)
    await join_team(services, HELPER, "Trần Thị Lan")
    menu = await turn(services, HELPER, text="/guibai", channel="telegram")
    assert templates(menu) == ["team/push_choose_topic"] and payloads(menu)[-1] == "push:x"
    chosen = await turn(services, HELPER, payload=[p for p in payloads(menu) if p.endswith(f":{TOPIC}")][0],
                        channel="telegram")
    assert payloads(chosen)[-1] == "push:x"
    confirm = await turn(services, HELPER, payload=payload_starting(chosen, "push:a:"), channel="telegram")
    assert payloads(confirm)[-1] == "push:x"
    cancelled = await turn(services, HELPER, payload="push:x", channel="telegram")
    assert templates(cancelled) == ["team/push_cancelled"] and outbox(services, kind="push") == []


def quiet_now_in_utc() -> str:
    """Quiet hours in UTC from an hour ago to an hour and a half from now, ending off the hour: never the
    end of the default quiet hours (07:00 in Hà Nội, 00:00 UTC)."""
    now = datetime.now(timezone.utc)
    end = now + timedelta(minutes=90)
    if end.minute == 0:
        end += timedelta(minutes=1)
    return f"{now - timedelta(hours=1):%H:%M}-{end:%H:%M}"


async def test_a_push_from_chat_keeps_the_configured_quiet_hours_time_zone_and_zalo_window(settings, catalog):
    team = settings.team.with_(timezone="UTC", quiet_hours=quiet_now_in_utc(), zalo_window_hours=1.0)
    services = build_services(settings.with_(team=team), catalog)
    try:
        _, telegram_code = household(services, "Hộ Telegram")
        _, zalo_code = household(services, "Hộ Zalo")
        await join_household(services, "1", telegram_code)
        await join_household(services, "z1", zalo_code, channel="zalo")
        with services.sessions() as session:  # the Zalo household last wrote two hours ago
            session.execute(update(Member).where(Member.external_id == "z1")
                            .values(last_seen_at=datetime.now(timezone.utc) - timedelta(hours=2)))
            session.commit()
        await join_team(services, HELPER, "Trần Thị Lan")
        await push_to_everyone(services)
        rows = {item.channel: item for item in outbox(services, kind="push")}
        # Quiet now in the configured time zone: the Telegram row waits for the end of the configured hours.
        quiet_end = LocalTime.of(team).quiet_ends(datetime.now(timezone.utc))
        assert rows["telegram"].status == "queued" and rows["telegram"].not_before == quiet_end.timestamp()
        # One hour is the configured Zalo window: two hours after their last message the household is skipped.
        assert rows["zalo"].status == "skipped"
    finally:
        await services.aclose()


async def test_the_report_button_after_a_push_from_chat_shows_the_report(services):
    await three_households(services)
    await join_team(services, HELPER, "Trần Thị Lan")
    queued = await push_to_everyone(services)
    report = await turn(services, HELPER, payload=payload_starting(queued, "push:r:"), channel="telegram")
    assert templates(report) == ["team/push_report"]
    assert payload_starting(report, "push:r:") == payload_starting(queued, "push:r:")  # refresh it again
