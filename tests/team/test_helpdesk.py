"""'I'm stuck' to a person: notify the village's team, take or pass, relay both ways, close, escalate."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from actions.team import helpdesk
from bot.render import Renderer
from bot.shared.team_settings import TeamSettings
from bot.shared.types import Reply
from bot.storage.help import HelpEvent, HelpRequest
from tests.helpers import payload_starting, templates, turn
from tests.team.helpers import household, join_household, join_team, outbox_to, payloads_of

CITIZEN, HELPER, OTHER, ADMIN = "100", "200", "300", "400"


async def stuck(services, user: str = CITIZEN):
    started = await turn(services, user, payload="topic:vneid-register", channel="telegram")
    return await turn(services, user, payload=payload_starting(started, "tutorial:stuck:"), channel="telegram")


def rendered(queued: dict) -> str:
    """The text a queued reply shows (the outbox stores template and context)."""
    return Renderer().render(Reply(queued["template"], queued["context"]), None).text


def events(services) -> list[str]:
    with services.sessions() as session:
        return list(session.scalars(select(HelpEvent.kind).order_by(HelpEvent.id)))


async def two_waiting(services) -> tuple[int, int]:
    """Two citizens of the village stuck, one helper told of both: the two requests' ids."""
    _, first = household(services, "Nguyễn Văn An")
    _, second = household(services, "Phạm Thị Bình")
    await join_team(services, HELPER, "Trần Thị Lan")
    await join_household(services, CITIZEN, first)
    await join_household(services, OTHER, second)
    await stuck(services, CITIZEN)
    await stuck(services, OTHER)
    first_id, second_id = (n["context"]["request_id"] for n in outbox_to(services, HELPER))
    return first_id, second_id


async def test_team_member_links_with_a_one_time_code(services):
    household(services)
    linked = await join_team(services, HELPER, "Trần Thị Lan")
    assert templates(linked) == ["team/member_linked"]
    assert linked.replies[0].context["villages"] == ["Thôn Đồng Bằng"]
    # The code works once.
    from tests.team.helpers import team_code
    code = team_code(services, "Lê Văn Cường")
    assert templates(await turn(services, OTHER, text=f"/start {code}", channel="telegram")) == ["team/member_linked"]
    again = await turn(services, "999", text=f"/start {code}", channel="telegram")
    assert templates(again) == ["team/link_code_unknown"]


async def test_stuck_notifies_the_village_team_with_context(services):
    _, code = household(services)
    await join_team(services, HELPER, "Trần Thị Lan")
    await join_household(services, CITIZEN, code)
    await turn(services, CITIZEN, text="so dien thoai 0912345678 khong nhan otp", channel="telegram")
    result = await stuck(services)
    assert templates(result) == ["human_handoff"]
    [notice] = outbox_to(services, HELPER)
    assert notice["template"] == "team/help_notice"
    context = notice["context"]
    assert context["name"] == "Nguyễn Văn An" and context["village"] == "Thôn Đồng Bằng"
    assert context["topic_title"] and context["number"] == 1
    assert any("[SĐT]" in m for m in context["last_messages"])
    assert not any("0912345678" in m for m in context["last_messages"])
    assert payloads_of(notice) == [f"help:take:{context['request_id']}", f"help:pass:{context['request_id']}"]
    assert events(services) == ["opened", "notified"]
    # A second press does not open a second request.
    again = await turn(services, CITIZEN, payload="human", channel="telegram")
    assert templates(again) == ["team/help_already_open"]
    with services.sessions() as session:
        assert len(session.scalars(select(HelpRequest)).all()) == 1


async def test_take_relay_both_ways_and_close(services):
    _, code = household(services)
    await join_team(services, HELPER, "Trần Thị Lan")
    await join_team(services, OTHER, "Lê Văn Cường")
    await join_household(services, CITIZEN, code, form="bác")
    await stuck(services)
    request_id = outbox_to(services, HELPER)[0]["context"]["request_id"]

    taken = await turn(services, HELPER, payload=f"help:take:{request_id}", channel="telegram")
    assert templates(taken) == ["team/help_taken_helper"]
    told = outbox_to(services, CITIZEN)[-1]
    assert told["template"] == "team/help_taken" and told["context"]["helper_name"] == "Trần Thị Lan"
    late = await turn(services, OTHER, payload=f"help:take:{request_id}", channel="telegram")
    assert templates(late) == ["team/help_take_late"] and late.replies[0].context["taken_by"] == "Trần Thị Lan"

    # The citizen's text goes to the helper (masked), not to the NLU; the helper's text to the citizen.
    said = await turn(services, CITIZEN, text="chau oi ma otp 482913 nhap vao dau", channel="telegram")
    assert templates(said) == ["team/relay_redacted"]
    relayed = outbox_to(services, HELPER)[-1]
    assert relayed["template"] == "team/relay_from_citizen" and "482913" not in relayed["context"]["text"]
    plain = await turn(services, CITIZEN, text="da bac hieu roi", channel="telegram")
    assert templates(plain) == []
    answer = await turn(services, HELPER, text="Bác bấm nút Đăng ký ở dưới cùng ạ", channel="telegram")
    assert templates(answer) == []
    back = outbox_to(services, CITIZEN)[-1]
    assert back["template"] == "team/relay_from_helper"
    assert back["context"] == {"helper_name": "Trần Thị Lan", "text": "Bác bấm nút Đăng ký ở dưới cùng ạ"}

    # A photo or a voice message cannot be passed on: the other side hears one came, the sender is asked
    # to write it (and is not sent to "talk to a person" while talking to one).
    photo = await turn(services, CITIZEN, media="photo", channel="telegram")
    assert templates(photo) == ["team/relay_media"] and photo.replies[0].context["to_helper"]
    assert rendered(outbox_to(services, HELPER)[-1]) == "💬 Nguyễn Văn An: (ảnh: trợ lý chưa chuyển được)"
    voice = await turn(services, HELPER, media="voice", channel="telegram")
    assert templates(voice) == ["team/relay_media"] and not voice.replies[0].context["to_helper"]
    assert rendered(outbox_to(services, CITIZEN)[-1]) == "💬 Trần Thị Lan: (tin nhắn thoại: trợ lý chưa chuyển được)"

    closed = await turn(services, CITIZEN, payload=f"help:close:{request_id}", channel="telegram")
    assert templates(closed) == ["team/help_closed"]
    assert outbox_to(services, HELPER)[-1]["template"] == "team/help_closed"
    with services.sessions() as session:
        request = session.get(HelpRequest, request_id)
        assert (request.status, request.closed_by) == ("closed", "citizen")
    assert events(services) == ["opened", "notified", "notified", "taken", "closed"]
    # After closing, the citizen's text is the assistant's again (no NLU here: the kind degraded reply).
    after = await turn(services, CITIZEN, text="cam on", channel="telegram")
    assert templates(after) == ["nlu_unavailable"]


async def test_helper_closes_with_a_command(services):
    _, code = household(services)
    await join_team(services, HELPER, "Trần Thị Lan")
    await join_household(services, CITIZEN, code)
    await stuck(services)
    request_id = outbox_to(services, HELPER)[0]["context"]["request_id"]
    await turn(services, HELPER, payload=f"help:take:{request_id}", channel="telegram")
    closed = await turn(services, HELPER, text="/xong", channel="telegram")
    assert templates(closed) == ["team/help_closed"]
    assert closed.replies[0].context["helper"] is True and not closed.replies[0].buttons
    told = outbox_to(services, CITIZEN)[-1]
    assert told["context"] == {"by_you": False, "other_name": "Trần Thị Lan", "helper": False}
    assert payloads_of(told) == ["human", "menu"]  # the citizen's way back to a person, or to the menu


async def test_a_helper_takes_one_conversation_at_a_time(services):
    first_id, second_id = await two_waiting(services)
    await turn(services, HELPER, payload=f"help:take:{first_id}", channel="telegram")
    busy = await turn(services, HELPER, payload=f"help:take:{second_id}", channel="telegram")
    assert templates(busy) == ["team/help_busy"]


async def test_someone_else_cannot_take_or_close(services):
    _, code = household(services)
    household(services, "Hộ khác", village="Thôn Khác")
    await join_team(services, HELPER, "Trần Thị Lan")
    await join_team(services, OTHER, "Người thôn khác", villages=("Thôn Khác",))
    await join_household(services, CITIZEN, code)
    await stuck(services)
    request_id = outbox_to(services, HELPER)[0]["context"]["request_id"]
    assert not outbox_to(services, OTHER)  # only the village's team is told
    for verb in ("take", "pass", "close"):
        result = await turn(services, OTHER, payload=f"help:{verb}:{request_id}", channel="telegram")
        assert templates(result) == ["team/not_team_member"]
    citizen_tries = await turn(services, CITIZEN, payload=f"help:take:{request_id}", channel="telegram")
    assert templates(citizen_tries) == ["team/not_team_member"]


async def test_all_pass_escalates_to_the_commune_admins(services):
    _, code = household(services)
    await join_team(services, HELPER, "Trần Thị Lan")
    await join_team(services, ADMIN, "Cán bộ xã", villages=(), role="commune")
    await join_household(services, CITIZEN, code)
    await stuck(services)
    request_id = outbox_to(services, HELPER)[0]["context"]["request_id"]
    assert templates(await turn(services, HELPER, payload=f"help:pass:{request_id}", channel="telegram")) == \
        ["team/help_passed"]
    [escalated] = outbox_to(services, ADMIN)
    assert escalated["context"]["escalated"] is True
    # The commune's admin may take it.
    taken = await turn(services, ADMIN, payload=f"help:take:{request_id}", channel="telegram")
    assert templates(taken) == ["team/help_taken_helper"]
    assert events(services) == ["opened", "notified", "passed", "escalated", "notified", "taken"]


async def test_no_team_member_in_chat_escalates_at_once(services):
    _, code = household(services)
    await join_team(services, ADMIN, "Cán bộ xã", villages=(), role="commune")
    await join_household(services, CITIZEN, code)
    await stuck(services)
    assert outbox_to(services, ADMIN)[0]["context"]["escalated"] is True


async def test_untaken_request_escalates_after_30_working_minutes(services, catalog):
    _, code = household(services)
    await join_team(services, HELPER, "Trần Thị Lan")
    await join_team(services, ADMIN, "Cán bộ xã", villages=(), role="commune")
    await join_household(services, CITIZEN, code)
    await stuck(services)
    settings = TeamSettings()
    # Opened on Friday 16:50 local (09:50 UTC): 10 working minutes that day, then Monday from 07:30.
    opened = datetime(2026, 3, 6, 9, 50, tzinfo=timezone.utc)
    with services.sessions() as session:
        session.get(HelpRequest, 1).created_at = opened
        session.commit()
    for now, expected in [(opened + timedelta(minutes=40), 0),        # Friday 17:30: 10 working minutes
                          (datetime(2026, 3, 8, 3, 0, tzinfo=timezone.utc), 0),   # Sunday
                          (datetime(2026, 3, 9, 0, 45, tzinfo=timezone.utc), 0),  # Monday 07:45: 25 minutes
                          (datetime(2026, 3, 9, 0, 51, tzinfo=timezone.utc), 1)]:  # Monday 07:51: 31 minutes
        with services.sessions() as session:
            assert helpdesk.escalate_due(session, catalog, settings, now) == expected
            session.commit()
    assert outbox_to(services, ADMIN)[-1]["context"]["waited_minutes"] == 31
    with services.sessions() as session:
        assert helpdesk.escalate_due(session, catalog, settings, now + timedelta(hours=3)) == 0  # once only


async def test_two_takes_at_once_end_in_one_relay(services, monkeypatch):
    """A helper double-presses two requests: both takes pass the check before either is written (as
    two workers would); the take itself refuses the second, and the citizen of the first is the peer."""
    first_id, second_id = await two_waiting(services)
    monkeypatch.setattr(helpdesk, "active_as_helper", lambda session, team_member: None)  # the stale check
    await turn(services, HELPER, payload=f"help:take:{first_id}", channel="telegram")
    second_take = await turn(services, HELPER, payload=f"help:take:{second_id}", channel="telegram")
    monkeypatch.undo()
    assert templates(second_take) in (["team/help_busy"], ["team/help_take_late"])
    with services.sessions() as session:
        statuses = dict(session.execute(select(HelpRequest.id, HelpRequest.status)).all())
        assert statuses == {first_id: "taken", second_id: "open"}
    assert [n["template"] for n in outbox_to(services, OTHER)] == []  # nobody told the second citizen


async def test_two_takes_at_once_on_postgresql_end_in_one_relay(settings, catalog, postgres_url):
    """Two workers handle a helper's two presses at the same moment: the second take waits for the first
    (the helper's row is locked) and then refuses, rather than start a second relay."""
    import threading

    from actions.context import ActionContext
    from bot.services import build_services
    from bot.storage.households import Member

    services = build_services(settings.with_(database_url=postgres_url), catalog)
    try:
        first_id, second_id = await two_waiting(services)

        def context(session):
            helper = session.scalars(select(Member).where(Member.external_id == HELPER)).one()
            return ActionContext.open(session, helper, catalog, services.settings.team)

        results = {}

        def second_worker():
            with services.sessions() as session:
                results["second"] = [r.template for r in helpdesk.take(context(session), str(second_id))]
                session.commit()

        with services.sessions() as session:
            assert [r.template for r in helpdesk.take(context(session), str(first_id))] == ["team/help_taken_helper"]
            worker = threading.Thread(target=second_worker)
            worker.start()
            worker.join(0.5)
            assert worker.is_alive()  # waiting for the first take's transaction
            session.commit()
        worker.join(10)
        assert results["second"] == ["team/help_busy"]
        with services.sessions() as session:
            statuses = dict(session.execute(select(HelpRequest.id, HelpRequest.status)).all())
        assert statuses == {first_id: "taken", second_id: "open"}
    finally:
        await services.aclose()
