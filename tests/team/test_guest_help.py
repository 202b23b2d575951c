"""A citizen of no household asks for a person: commune, then village, and that village's team gets the request."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.people.erasure import erase_member
from bot.storage.base import utcnow
from bot.storage.help import HELP_CLOSED, HelpRequest
from bot.storage.households import Member
from bot.storage.places import Village
from bot.storage.retention import blank_old_texts
from tests.helpers import payload_starting, templates, turn
from tests.team.helpers import COMMUNE, VILLAGE, household, join_team, outbox_to, payloads_of

GUEST, HELPER, ELSEWHERE, ADMIN = "100", "200", "300", "400"
OTHER_VILLAGE, OTHER_COMMUNE = "Thôn Bãi Sậy", "Xã Hòa Bình"


def _places(services) -> None:
    """Two villages of Tân Lập and one of Hòa Bình; a team member in the first and another in the second."""
    household(services, "Nguyễn Văn An")
    household(services, "Phạm Thị Bình", village=OTHER_VILLAGE)
    household(services, "Lê Văn Cường", village="Thôn Trung", commune=OTHER_COMMUNE)


def _village_id(services, name: str) -> int:
    with services.sessions() as session:
        return session.scalars(select(Village.id).where(Village.name == name)).one()


async def _guest_stuck(services, user: str = GUEST, channel: str = "telegram"):
    await turn(services, user, payload="household:guest", channel=channel)
    started = await turn(services, user, payload="topic:vneid-register", channel=channel)
    return await turn(services, user, payload=payload_starting(started, "tutorial:stuck:"), channel=channel)


def _request(services) -> HelpRequest:
    with services.sessions() as session:
        return session.scalars(select(HelpRequest)).one()


async def test_a_telegram_guest_chooses_commune_and_village_and_that_village_team_is_told(services):
    _places(services)
    await join_team(services, HELPER, "Trần Thị Lan")
    await join_team(services, ELSEWHERE, "Đỗ Văn Hùng", villages=(OTHER_VILLAGE,))
    asked = await _guest_stuck(services)
    assert templates(asked) == ["guest_help_commune"]
    assert [b.context["name"] for r in asked.replies for row in r.buttons for b in row] == [OTHER_COMMUNE, COMMUNE]
    # payload_starting takes the last button: Tân Lập, after Hòa Bình by name.
    communes = await turn(services, GUEST, payload=payload_starting(asked, "guest:c:"), channel="telegram")
    assert communes.replies[0].context["commune"] == COMMUNE
    villages = [b.context["name"] for r in communes.replies for row in r.buttons for b in row]
    assert villages == [OTHER_VILLAGE, VILLAGE]  # as read: "Đồng" after "Bãi", not after "Z"
    village_button = [
        b.payload for r in communes.replies for row in r.buttons for b in row if b.context["name"] == VILLAGE
    ][0]
    assert village_button.endswith(":0")  # the run's step rides along (the first step)
    handed = await turn(services, GUEST, payload=village_button, channel="telegram")
    assert templates(handed) == ["human_handoff"]
    context = handed.replies[0].context
    assert (context["told"], context["village"], context["commune"], context["reachable"]) == (
        1,
        VILLAGE,
        COMMUNE,
        True,
    )
    request = _request(services)
    assert (request.household_id, request.village_id, request.topic_id, request.step_index) == (
        None,
        _village_id(services, VILLAGE),
        "vneid-register",
        0,
    )
    [notice] = [r for r in outbox_to(services, HELPER) if r["template"] == "team/help_notice"]
    assert notice["context"]["village"] == VILLAGE and notice["context"]["reachable"] is True
    assert payloads_of(notice) == [f"help:take:{request.id}", f"help:pass:{request.id}"]
    assert not [r for r in outbox_to(services, ELSEWHERE) if r["template"] == "team/help_notice"]
    # The village's queue has it, another village's does not; its team member takes it and the guest hears here.
    assert templates(await turn(services, HELPER, text="/hotro", channel="telegram")) == ["team/help_notice"]
    assert templates(await turn(services, ELSEWHERE, text="/hotro", channel="telegram")) == ["team/help_list_empty"]
    assert templates(await turn(services, ELSEWHERE, payload=f"help:take:{request.id}", channel="telegram")) == [
        "team/not_team_member"
    ]
    taken = await turn(services, HELPER, payload=f"help:take:{request.id}", channel="telegram")
    assert templates(taken) == ["team/help_taken_helper"] and taken.replies[0].context["village"] == VILLAGE
    assert [r["template"] for r in outbox_to(services, GUEST)] == ["team/help_taken"]


async def test_the_commune_question_is_skipped_with_one_commune(services):
    household(services, "Nguyễn Văn An")
    household(services, "Phạm Thị Bình", village=OTHER_VILLAGE)
    asked = await _guest_stuck(services)
    assert templates(asked) == ["guest_help_village"] and asked.replies[0].context["commune"] == COMMUNE


async def test_with_no_places_the_request_opens_at_once_as_before(services):
    handed = await _guest_stuck(services)
    assert templates(handed) == ["human_handoff"]
    assert _request(services).village_id is None


async def test_an_open_request_is_not_asked_again(services):
    _places(services)
    asked = await _guest_stuck(services)
    communes = await turn(services, GUEST, payload=payload_starting(asked, "guest:c:"), channel="telegram")
    await turn(services, GUEST, payload=payload_starting(communes, "guest:v:"), channel="telegram")
    again = await turn(services, GUEST, payload="human", channel="telegram")
    assert templates(again) == ["team/help_already_open"]
    # A village button pressed twice opens nothing more.
    twice = await turn(services, GUEST, payload=payload_starting(communes, "guest:v:"), channel="telegram")
    assert templates(twice) == ["team/help_already_open"]


async def test_a_forged_place_or_someone_elses_run_is_refused_or_ignored(services):
    _places(services)
    assert templates(await turn(services, GUEST, payload="guest:c:999:0:0", channel="telegram")) == ["button_unknown"]
    assert templates(await turn(services, GUEST, payload="guest:v:999:0:0", channel="telegram")) == ["button_unknown"]
    # Another member's run id does not carry their tutorial into this guest's request.
    started = await turn(services, "555", payload="topic:vneid-register", channel="telegram")
    others_run = int(payload_starting(started, "tutorial:stuck:").split(":")[2])
    village = _village_id(services, VILLAGE)
    handed = await turn(services, GUEST, payload=f"guest:v:{village}:{others_run}:4", channel="telegram")
    assert templates(handed) == ["human_handoff"] and handed.replies[0].context["topic_title"] is None
    request = _request(services)
    assert (request.topic_id, request.step_index, request.village_id) == (None, None, village)


async def test_unreachable_commune_admins_get_an_escalation_for_the_chosen_village(services):
    _places(services)
    await join_team(services, ADMIN, "Cán bộ xã", villages=(), role="commune")
    asked = await _guest_stuck(services)
    communes = await turn(services, GUEST, payload=payload_starting(asked, "guest:c:"), channel="telegram")
    handed = await turn(services, GUEST, payload=payload_starting(communes, "guest:v:"), channel="telegram")
    # No team member in the village: the commune's admin is told at once, the guest hears so.
    assert handed.replies[0].context["told"] == 1
    [notice] = [r for r in outbox_to(services, ADMIN) if r["template"] == "team/help_notice"]
    assert notice["context"]["escalated"] is True


async def test_the_chosen_village_goes_with_erasure_and_retention(services):
    _places(services)
    for user in (GUEST, "101"):
        asked = await _guest_stuck(services, user=user)
        communes = await turn(services, user, payload=payload_starting(asked, "guest:c:"), channel="telegram")
        await turn(services, user, payload=payload_starting(communes, "guest:v:"), channel="telegram")
    now = utcnow()
    with services.sessions() as session:
        first, second = session.scalars(select(HelpRequest).order_by(HelpRequest.id)).all()
        assert first.village_id is not None and second.village_id is not None
        erase_member(session, session.get(Member, first.member_id), now)
        second.status, second.closed_at = HELP_CLOSED, now - timedelta(days=31)
        session.commit()
    with services.sessions() as session:
        blank_old_texts(session, now, log_days=90, help_days=30, batch=100)
        session.commit()
        assert session.scalars(select(HelpRequest.village_id)).all() == [None, None]


def _names(result) -> list[str]:
    return [b.context["name"] for r in result.replies for row in r.buttons for b in row if b.label == "place"]


def _turns(result) -> dict[str, str]:
    """The page buttons under a list of places, by label."""
    return {b.label: b.payload for r in result.replies for row in r.buttons for b in row if b.label != "place"}


async def test_long_lists_of_places_come_eight_at_a_time_with_more_and_back(services):
    communes = [f"Xã Số {n:02d}" for n in range(1, 11)]  # with Tân Lập: 11 communes
    for name in communes:
        household(services, "Hộ Xã Khác", village="Thôn Một", commune=name)
    villages = [f"Thôn {n:02d}" for n in range(1, 20)]  # 19 villages of Tân Lập
    for name in villages:
        household(services, "Hộ Trong Xã", village=name)
    asked = await _guest_stuck(services)
    first = _names(asked)
    assert len(first) == 8 and set(_turns(asked)) == {"places_more"}
    assert max(len(row) for r in asked.replies for row in r.buttons) <= 2  # two places a row, as before
    second = await turn(services, GUEST, payload=_turns(asked)["places_more"], channel="telegram")
    assert templates(second) == ["guest_help_commune"] and set(_turns(second)) == {"places_back"}
    assert sorted(first + _names(second)) == sorted([*communes, COMMUNE]) and len(_names(second)) == 3
    back = await turn(services, GUEST, payload=_turns(second)["places_back"], channel="telegram")
    assert _names(back) == first
    tan_lap = next(b.payload for r in second.replies + asked.replies for row in r.buttons for b in row
                   if b.context.get("name") == COMMUNE)
    pages = [await turn(services, GUEST, payload=tan_lap, channel="telegram")]
    while "places_more" in _turns(pages[-1]):
        pages.append(await turn(services, GUEST, payload=_turns(pages[-1])["places_more"], channel="telegram"))
    assert [len(_names(p)) for p in pages] == [8, 8, 3]
    assert [set(_turns(p)) for p in pages] == [{"places_more"}, {"places_back", "places_more"}, {"places_back"}]
    assert [name for p in pages for name in _names(p)] == villages  # in order, each once
    assert all(templates(p) == ["guest_help_village"] and p.replies[0].context["commune"] == COMMUNE for p in pages)
    # The last page's village: its team gets the request, the run's step riding along through the pages.
    last = payload_starting(pages[-1], "guest:v:")
    assert last.endswith(":0")
    handed = await turn(services, GUEST, payload=last, channel="telegram")
    assert templates(handed) == ["human_handoff"]
    request = _request(services)
    assert (request.village_id, request.topic_id, request.step_index) == (
        _village_id(services, villages[-1]), "vneid-register", 0)


async def test_a_page_past_the_end_shows_the_last_one_and_a_forged_commune_is_refused(services):
    _places(services)
    asked = await _guest_stuck(services)
    assert _turns(asked) == {}  # two communes: one page, no page buttons
    late = await turn(services, GUEST, payload="guest:cp:5:0:0", channel="telegram")
    assert templates(late) == ["guest_help_commune"] and _names(late) == _names(asked)
    assert templates(await turn(services, GUEST, payload="guest:vp:999:1:0:0", channel="telegram")) == [
        "button_unknown"
    ]
