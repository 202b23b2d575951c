"""In-person sessions from chat: /buoihotro schedules one (village, day and time, place, topics, confirm),
/diemdanh records who came and what worked, and a citizen's question about the team gets the next ones."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.people import support_sessions
from bot.people.households import village_of
from bot.storage.households import Household, Member
from bot.storage.outcomes import SOURCE_TEAM, Outcome
from bot.storage.places import Village
from bot.storage.sessions import SessionAttendance, SessionDraft, SupportSession
from tests.helpers import payloads, templates, turn
from tests.team.helpers import COMMUNE, VILLAGE, household, join_household, join_team

HELPER, CITIZEN = "900", "100"
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 12, 7, 3, 0, tzinfo=timezone.utc)  # 10:00 in Hà Nội, Monday 7/12/2026


async def join_helper(services):
    """The helper of the village (the village made first, as a household import would)."""
    with services.sessions() as session:
        village_of(session, COMMUNE, VILLAGE)
        session.commit()
    return await join_team(services, HELPER, "Trần Thị Lan")


async def tg(services, user, **kwargs):
    return await turn(services, user, channel="telegram", **kwargs)


def rows(services):
    with services.sessions() as session:
        return list(session.scalars(select(SupportSession).order_by(SupportSession.id)))


async def schedule_from_chat(services, when_typed: str | None = None):
    """The helper walks /buoihotro to the end; the replies of each step."""
    steps = {"when": await tg(services, HELPER, text="/buoihotro")}
    if when_typed is None:
        first_day = next(p for p in payloads(steps["when"]) if p.startswith("sess:w:"))  # tomorrow, 8:00
        steps["place"] = await tg(services, HELPER, payload=first_day)
    else:
        steps["place"] = await tg(services, HELPER, text=when_typed)
    steps["topics"] = await tg(services, HELPER, text="  Nhà văn hóa   thôn Đông ")
    first = await tg(services, HELPER, payload="sess:t:vneid-level2")
    steps["second"] = await tg(services, HELPER, payload="sess:t:pay-electricity")
    steps["confirm"] = await tg(services, HELPER, payload="sess:ok")
    steps["done"] = await tg(services, HELPER, payload="sess:go")
    assert templates(first) == ["team/session_choose_topics"]
    return steps


async def test_a_member_schedules_a_session_with_buttons_and_typed_words(services):
    await join_helper(services)
    steps = await schedule_from_chat(services)
    assert templates(steps["when"]) == ["team/session_choose_when"]
    assert len([p for p in payloads(steps["when"]) if p.startswith("sess:w:")]) == 6
    assert templates(steps["place"]) == ["team/session_ask_place"]
    assert templates(steps["topics"]) == ["team/session_choose_topics"]
    assert steps["second"].replies[0].context["chosen"] == [
        services.catalog["vneid-level2"].title, services.catalog["pay-electricity"].title]
    assert templates(steps["confirm"]) == ["team/session_confirm"]
    confirm = steps["confirm"].replies[0].context
    assert confirm["place"] == "Nhà văn hóa thôn Đông" and confirm["time"] == "08:00"
    assert templates(steps["done"]) == ["team/session_scheduled"]
    [row] = rows(services)
    assert row.place == "Nhà văn hóa thôn Đông" and row.topic_ids == ["vneid-level2", "pay-electricity"]
    local = row.starts_at.replace(tzinfo=timezone.utc).astimezone(ZONE)
    assert (local.hour, local.minute) == (8, 0) and local.date() > datetime.now(ZONE).date()
    with services.sessions() as session:
        assert session.scalars(select(SessionDraft)).all() == []


async def test_a_typed_day_and_time_and_what_is_not_one(services):
    await join_helper(services)
    await tg(services, HELPER, text="/buoihotro")
    unreadable = await tg(services, HELPER, text="sáng mai nhé")
    assert unreadable.replies[0].context["again"] == "unreadable"
    past = await tg(services, HELPER, text="1/1/2020 8:00")
    assert past.replies[0].context["again"] == "past"
    year = datetime.now(ZONE).year + 1
    steps = await tg(services, HELPER, text=f"15/12/{year} 14h30")
    assert templates(steps) == ["team/session_ask_place"]
    assert steps.replies[0].context["day"] == f"15/12/{year}" and steps.replies[0].context["time"] == "14:30"


async def test_cancel_leaves_nothing_and_later_text_is_not_taken_for_a_place(services):
    await join_helper(services)
    await tg(services, HELPER, text="/buoihotro")
    cancelled = await tg(services, HELPER, payload="sess:x")
    assert templates(cancelled) == ["team/session_cancelled"]
    after = await tg(services, HELPER, text="15/12 8:00")
    assert templates(after) != ["team/session_ask_place"] and rows(services) == []


async def test_only_team_members_and_only_their_villages(services):
    household(services, "Hộ Xa", village="Thôn Xa")
    await join_helper(services)
    assert templates(await tg(services, CITIZEN, text="/buoihotro")) == ["team/not_team_member"]
    assert templates(await tg(services, CITIZEN, text="/diemdanh")) == ["team/not_team_member"]
    with services.sessions() as session:
        far = session.scalar(select(Village.id).where(Village.name == "Thôn Xa"))
    assert templates(await tg(services, HELPER, payload=f"sess:v:{far}")) == ["team/not_team_member"]
    # Steps with no draft behind them (an old button): start again.
    assert templates(await tg(services, HELPER, payload="sess:go")) == ["team/session_expired"]


def past_session(services, hours_ago: float = 2) -> int:
    with services.sessions() as session:
        village = session.scalar(select(Village.id).where(Village.name == "Thôn Đồng Bằng"))
        row = support_sessions.schedule(session, services.catalog, village, datetime.now(timezone.utc)
                                        + timedelta(hours=1), "Nhà văn hóa", ["vneid-level2"], None,
                                        datetime.now(timezone.utc))
        row.starts_at = datetime.now(timezone.utc) - timedelta(hours=hours_ago)
        session.commit()
        return row.id


async def test_after_the_session_the_member_records_who_came_and_what_worked(services):
    household_id, code = household(services, "Lê Thị Hoa")
    await join_household(services, CITIZEN, code)
    household(services, "Hộ Không Đến")
    await join_helper(services)
    session_id = past_session(services)
    listed = await tg(services, HELPER, text="/diemdanh")
    assert templates(listed) == ["team/session_attendance"]
    tap = f"sess:h:{session_id}:{household_id}"
    assert tap in payloads(listed) and len(payloads(listed)) == 2
    came = await tg(services, HELPER, payload=tap)
    assert templates(came) == ["team/session_household_came"]
    worked = await tg(services, HELPER, payload=f"sess:p:{session_id}:{household_id}:vneid-level2")
    assert worked.replies[0].context["platforms"] == [services.catalog.platforms["vneid-level2"].name]
    await tg(services, HELPER, payload=f"sess:p:{session_id}:{household_id}:vneid-level2")  # twice: one row
    with services.sessions() as session:
        [attendance] = session.scalars(select(SessionAttendance)).all()
        assert (attendance.household_id, attendance.platforms) == (household_id, ["vneid-level2"])
        [outcome] = session.scalars(select(Outcome)).all()
        member = session.scalar(select(Member.id).where(Member.external_id == CITIZEN))
        assert (outcome.member_id, outcome.household_id, outcome.platform, outcome.result, outcome.source) == (
            member, household_id, "vneid-level2", "done", SOURCE_TEAM)
    again = await tg(services, HELPER, payload=f"sess:a:{session_id}:0")
    assert again.replies[0].context["came"] == 1


async def test_a_household_of_another_village_or_a_future_session_is_refused(services):
    far_id, _ = household(services, "Hộ Xa", village="Thôn Xa")
    await join_helper(services)
    session_id = past_session(services)
    assert templates(await tg(services, HELPER, payload=f"sess:h:{session_id}:{far_id}")) == ["button_unknown"]
    future = past_session(services, hours_ago=-5)
    assert templates(await tg(services, HELPER, payload=f"sess:a:{future}:0")) == ["button_unknown"]
    assert templates(await tg(services, HELPER, text="/diemdanh")) == ["team/session_attendance"]  # only the past one


async def test_a_citizen_asking_about_the_team_hears_of_their_villages_next_sessions(services):
    _, code = household(services, "Lê Thị Hoa")
    await join_household(services, CITIZEN, code)
    none_yet = await tg(services, CITIZEN, payload="topic:faq-community-tech-team")
    assert templates(none_yet) == ["faq_answer", "sessions_next"]
    assert none_yet.replies[1].context == {"village": "Thôn Đồng Bằng", "sessions": []}
    assert "human" in payloads(none_yet)
    await join_helper(services)
    await schedule_from_chat(services)
    told = await tg(services, CITIZEN, payload="topic:faq-community-tech-team")
    [shown] = told.replies[1].context["sessions"]
    assert shown["place"] == "Nhà văn hóa thôn Đông" and shown["time"] == "08:00"
    assert shown["topics"] == [services.catalog["vneid-level2"].title, services.catalog["pay-electricity"].title]
    # A guest gets the answer as before.
    await tg(services, "200", text="/start")
    await tg(services, "200", payload="household:guest")
    assert templates(await tg(services, "200", payload="topic:faq-community-tech-team"))[:1] == ["faq_answer"]
    assert "sessions_next" not in templates(await tg(services, "200", payload="topic:faq-community-tech-team"))


async def test_a_session_of_another_village_is_not_told(services):
    with services.sessions() as session:
        household_id = session.scalar(select(Household.id))
    assert household_id is None
    far_id, _ = household(services, "Hộ Xa", village="Thôn Xa")
    _, code = household(services, "Lê Thị Hoa")
    await join_household(services, CITIZEN, code)
    with services.sessions() as session:
        far_village = session.get(Household, far_id).village_id
        support_sessions.schedule(session, services.catalog, far_village, datetime.now(timezone.utc)
                                  + timedelta(days=2), "Nhà văn hóa thôn Xa", ["vneid-level2"], None,
                                  datetime.now(timezone.utc))
        session.commit()
    told = await tg(services, CITIZEN, payload="topic:faq-community-tech-team")
    assert told.replies[1].context["sessions"] == []


def future_session(services, village: str = VILLAGE, days: float = 2, place: str = "Nhà văn hóa thôn Đông") -> int:
    with services.sessions() as session:
        village_id = session.scalar(select(Village.id).where(Village.name == village))
        now = datetime.now(timezone.utc)
        row = support_sessions.schedule(session, services.catalog, village_id, now + timedelta(days=days), place,
                                        ["vneid-level2"], None, now)
        session.commit()
        return row.id


async def test_a_member_cancels_an_upcoming_session_and_citizens_no_longer_hear_of_it(services):
    _, code = household(services, "Lê Thị Hoa")
    await join_household(services, CITIZEN, code)
    await join_helper(services)
    kept, gone = future_session(services, days=5, place="Sân thôn"), future_session(services, days=2)
    before = await tg(services, CITIZEN, payload="topic:faq-community-tech-team")
    assert [s["place"] for s in before.replies[1].context["sessions"]] == ["Nhà văn hóa thôn Đông", "Sân thôn"]
    listed = await tg(services, HELPER, text="/huybuoi")
    assert templates(listed) == ["team/session_choose_upcoming"]
    assert payloads(listed) == [f"sess:u:{gone}", f"sess:u:{kept}"]  # soonest first
    shown = await tg(services, HELPER, payload=f"sess:u:{gone}")
    assert templates(shown) == ["team/session_upcoming"]
    assert shown.replies[0].context["place"] == "Nhà văn hóa thôn Đông"
    assert payloads(shown) == [f"sess:c:ask:{gone}", f"sess:c:keep:{gone}"]
    asked = await tg(services, HELPER, payload=f"sess:c:ask:{gone}")
    assert templates(asked) == ["team/session_cancel_confirm"]
    assert payloads(asked) == [f"sess:c:go:{gone}", f"sess:c:keep:{gone}"]
    assert rows(services)[1].cancelled_at is None  # asking is not cancelling
    done = await tg(services, HELPER, payload=f"sess:c:go:{gone}")
    assert templates(done) == ["team/session_called_off"] and done.replies[0].context["reminded"] == 0
    by_id = {row.id: row for row in rows(services)}
    assert by_id[gone].cancelled_at is not None and by_id[kept].cancelled_at is None
    after = await tg(services, CITIZEN, payload="topic:faq-community-tech-team")
    assert [s["place"] for s in after.replies[1].context["sessions"]] == ["Sân thôn"]
    # The old buttons: cancelled already; the list holds only the one left, straight to it.
    again = await tg(services, HELPER, payload=f"sess:c:go:{gone}")
    assert templates(again) == ["team/session_cancel_late"] and again.replies[0].context["cancelled"] is True
    assert templates(await tg(services, HELPER, text="/huybuoi")) == ["team/session_upcoming"]
    assert templates(await tg(services, HELPER, payload=f"sess:c:keep:{kept}")) == ["team/session_kept"]
    assert rows(services)[0].cancelled_at is None


async def test_cancelling_is_for_the_members_villages_sessions_not_yet_begun(services):
    household(services, "Hộ Xa", village="Thôn Xa")
    await join_helper(services)
    assert templates(await tg(services, HELPER, text="/huybuoi")) == ["team/session_none_upcoming"]
    assert templates(await tg(services, CITIZEN, text="/huybuoi")) == ["team/not_team_member"]
    far = future_session(services, village="Thôn Xa")
    assert templates(await tg(services, HELPER, payload=f"sess:c:go:{far}")) == ["button_unknown"]
    assert templates(await tg(services, HELPER, text="/huybuoi")) == ["team/session_none_upcoming"]
    begun = past_session(services)
    late = await tg(services, HELPER, payload=f"sess:c:go:{begun}")
    assert templates(late) == ["team/session_cancel_late"] and late.replies[0].context["cancelled"] is False
    assert all(row.cancelled_at is None for row in rows(services))
    # A cancelled session is no longer one to record who came to.
    with services.sessions() as session:
        session.get(SupportSession, begun).cancelled_at = datetime.now(timezone.utc) - timedelta(hours=3)
        session.commit()
    assert templates(await tg(services, HELPER, text="/diemdanh")) == ["team/session_none_recent"]


async def test_a_member_of_many_villages_picks_one_from_pages_of_eight(services):
    names = [f"Thôn {n:02d}" for n in range(1, 11)]
    for name in names:
        household(services, "Hộ Trong Thôn", village=name)
    await join_team(services, HELPER, "Cán bộ xã", villages=tuple(names))

    def shown(result):
        return [b.context["title"] for r in result.replies for row in r.buttons for b in row if b.label == "topic"]

    def turns(result):
        return {b.label: b.payload for r in result.replies for row in r.buttons for b in row
                if b.label in ("places_more", "places_back")}

    first = await tg(services, HELPER, text="/buoihotro")
    assert templates(first) == ["team/session_choose_village"]
    assert shown(first) == names[:8] and set(turns(first)) == {"places_more"}
    assert payloads(first)[-1] == "sess:x"  # leaving stays the last button
    second = await tg(services, HELPER, payload=turns(first)["places_more"])
    assert shown(second) == names[8:] and set(turns(second)) == {"places_back"}
    assert shown(await tg(services, HELPER, payload=turns(second)["places_back"])) == names[:8]
    assert shown(await tg(services, HELPER, payload="sess:vp:9")) == names[8:]  # past the end: the last page
    picked = next(p for p in payloads(second) if p.startswith("sess:v:"))
    assert templates(await tg(services, HELPER, payload=picked)) == ["team/session_choose_when"]
    assert templates(await tg(services, CITIZEN, payload="sess:vp:1")) == ["team/not_team_member"]


async def test_a_members_villages_come_in_reading_order(services):
    """Đ beside D, as a reader looks for it (an SQL order puts it after every other letter)."""
    names = ["Bản Cà", "Đồng Tâm", "Eo Gió"]
    for name in reversed(names):
        household(services, "Hộ Trong Thôn", village=name)
    await join_team(services, HELPER, "Cán bộ xã", villages=tuple(names))
    first = await tg(services, HELPER, text="/buoihotro")
    assert [b.context["title"] for r in first.replies for row in r.buttons for b in row if b.label == "topic"] == names


@pytest.mark.parametrize("typed, expected", [
    ("15/12 8:00", datetime(2026, 12, 15, 8, 0, tzinfo=ZONE)),
    ("15/12 8h", datetime(2026, 12, 15, 8, 0, tzinfo=ZONE)),
    ("15/12/2026 14h30", datetime(2026, 12, 15, 14, 30, tzinfo=ZONE)),
    ("8:00 15/12", datetime(2026, 12, 15, 8, 0, tzinfo=ZONE)),
    ("15-12 lúc 8 giờ", datetime(2026, 12, 15, 8, 0, tzinfo=ZONE)),
    ("3/1 7:30", datetime(2027, 1, 3, 7, 30, tzinfo=ZONE)),  # already past this year: next year's
    ("31/2 8:00", None),
    ("15/12 25:00", None),
    ("sáng mai", None),
])
def test_parse_when(typed, expected):
    assert support_sessions.parse_when(typed, NOW, ZONE) == expected
