"""Law 91/2025/QH15 in chat: the notice asked once, consent recorded, /dulieu, /xoa, /rutlai, retention."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from actions.team import periodic
from bot.admin.period import Month
from bot.admin.queries.report import monthly
from bot.admin.scope import Scope
from bot.people.households import add_household
from bot.people.member_data import normalize_reference
from bot.services import build_services
from bot.shared.team_settings import TeamSettings
from bot.shared.types import Incoming
from bot.storage.consent import Consent
from bot.storage.conversations import ConversationLog
from bot.storage.help import HelpRequest
from bot.storage.households import Member
from content.privacy import privacy
from tests.helpers import payload_starting, templates, turn
from tests.privacy.scan import texts_holding as _texts_holding

MARK = "Zq7marker"  # in everything the citizen types and is called, so a scan finds any copy


@pytest.fixture
def settings(settings):
    """Consent asked as in a deployment (the shared fixture presumes it for other features' tests)."""
    return settings.with_(team=TeamSettings())


def _household(services, head="Nguyễn Văn An"):
    with services.sessions() as session:
        household = add_household(session, commune="Xã Tân Lập", village="Thôn Đông", head_name=head)
        session.commit()
        return household.id, household.join_code


def _consents(services) -> list[Consent]:
    with services.sessions() as session:
        return list(session.scalars(select(Consent)))


async def test_first_message_gets_its_answer_then_the_notice_once(services):
    first = await turn(services, text="/start")
    assert templates(first) == ["welcome_ask_household", "privacy_notice"]
    notice = first.replies[-1]
    assert notice.context["log_days"] == 90 and notice.context["responsible"] == privacy().responsible
    assert {"privacy:agree", "privacy:later", "privacy:more"} <= {b.payload for row in notice.buttons for b in row}
    assert templates(await turn(services, text="/menu")) == ["menu"]  # asked once, not again
    [row] = _consents(services)
    assert (row.state, row.notice_version) == ("asked", privacy().version)


async def test_silence_is_not_consent_no_text_is_kept(services):
    await turn(services, text="/start")
    await turn(services, text=f"toi ten {MARK}")
    with services.sessions() as session:
        logs = list(session.scalars(select(ConversationLog)))
    assert len(logs) == 2 and all(log.text is None for log in logs)  # the turns are counted, the words not


async def test_agreeing_is_recorded_with_time_and_version_and_text_is_kept(services):
    await turn(services, text="/start")
    result = await turn(services, payload="privacy:agree")
    assert templates(result) == ["privacy_agreed"]
    [row] = _consents(services)
    assert row.state == "given" and row.given_at is not None and row.notice_version == privacy().version
    await turn(services, text="cài vneid thế nào")
    with services.sessions() as session:
        assert session.scalars(select(ConversationLog.text).order_by(ConversationLog.id.desc())).first() \
            == "cài vneid thế nào"


async def test_not_now_is_not_asked_again_until_a_household_is_linked(services):
    _, code = _household(services)
    await turn(services, text="/menu")
    assert templates(await turn(services, payload="privacy:later")) == ["privacy_not_now"]
    assert "privacy_notice" not in templates(await turn(services, text="/menu"))
    result = await turn(services, text=f"/start {code}")
    assert templates(result) == ["privacy_notice"] and result.replies[0].context["to_link"]
    with services.sessions() as session:
        assert session.scalars(select(Member.household_id)).one() is None
    await turn(services, payload="privacy:agree")
    assert templates(await turn(services, text=f"/start {code}"))[0] == "household_linked"


async def test_a_new_notice_version_asks_again(services, monkeypatch):
    await turn(services, text="/start")
    await turn(services, payload="privacy:agree")
    monkeypatch.setattr("actions.privacy.privacy", lambda: type(privacy())("2099-v2", privacy().responsible))
    assert templates(await turn(services, text="/menu")) == ["menu", "privacy_notice"]


async def test_withdrawing_stops_keeping_text_and_unlinks(services):
    _, code = _household(services)
    await turn(services, payload="privacy:agree")
    await turn(services, text=f"/start {code}")
    assert templates(await turn(services, text="/rutlai")) == ["privacy_withdrawn"]
    await turn(services, text=f"sau khi rut {MARK}")
    with services.sessions() as session:
        assert session.scalars(select(Member.household_id)).one() is None
        assert session.scalar(select(func.count()).where(ConversationLog.text.contains(MARK))) == 0
    assert _consents(services)[0].state == "withdrawn"


async def test_dulieu_lists_what_is_kept(services):
    _, code = _household(services)
    await turn(services, payload="privacy:agree")
    await turn(services, text=f"/start {code}")
    await turn(services, payload="address:bác")
    await turn(services, payload="topic:pay-electricity")
    await turn(services, text="toi bi vuong o buoc nay")
    result = await turn(services, text="/dulieu")
    assert templates(result) == ["privacy_data"]
    data = result.replies[0].context
    assert data["household"]["village"] == "Thôn Đông" and data["household"]["code"]
    assert [r["completed"] for r in data["runs"]] == [False]
    assert "toi bi vuong o buoc nay" in data["texts"] and data["text_count"] >= 1
    assert data["consent"] == "given" and data["help_count"] == 0
    assert normalize_reference(data["reference"]) == data["reference"]  # the code the commune office types


async def test_after_xoa_no_table_holds_the_members_text_and_counts_stay(both_databases_settings, catalog):
    services = build_services(both_databases_settings, catalog)
    try:
        _, code = _household(services)
        user = f"user-{MARK}"
        await services.dialogue.handle(Incoming(channel="telegram", user_id=user, text="/start",
                                                display_name=f"Anh {MARK}"))
        await turn(services, user, payload="privacy:agree", channel="telegram")
        await turn(services, user, text=f"/start {code}", channel="telegram")
        await turn(services, user, payload="address:anh", channel="telegram")
        result = await turn(services, user, payload="topic:pay-electricity", channel="telegram")
        while templates(result) != ["tutorial_completed"]:
            result = await turn(services, user, payload=payload_starting(result, "tutorial:next:"), channel="telegram")
        await turn(services, user, text=f"so cua toi la {MARK} xin giup", channel="telegram")
        await turn(services, user, payload="human", channel="telegram")
        month = Month.of(datetime.now(timezone.utc))
        with services.sessions() as session:
            assert _texts_holding(session, MARK)  # the scan sees the member's words before
            assert session.scalar(select(func.count()).select_from(HelpRequest)) == 1
            before = [(r.name, r.completions) for r in monthly(session, Scope(None, None), catalog, month)]
        assert templates(await turn(services, user, text="/xoa", channel="telegram")) == ["privacy_erase_confirm"]
        with services.sessions() as session:
            assert _texts_holding(session, MARK)  # nothing deleted before the confirmation
        assert templates(await turn(services, user, payload="privacy:erase", channel="telegram")) \
            == ["privacy_erased"]
        with services.sessions() as session:
            assert _texts_holding(session, MARK) == []
            assert [(r.name, r.completions) for r in monthly(session, Scope(None, None), catalog, month)] == before
            assert before[0][1] == 1
            old = session.scalars(select(Member).order_by(Member.id)).first()
            assert old.household_id is None and old.display_name is None
        # The same chat again is a new person, asked again.
        assert templates(await turn(services, user, text="/menu", channel="telegram")) == ["menu", "privacy_notice"]
    finally:
        await services.aclose()


async def test_xoa_kept_when_the_citizen_changes_their_mind(services):
    await turn(services, payload="privacy:agree")
    await turn(services, text=f"giu lai {MARK}")
    await turn(services, text="/xoa")
    assert templates(await turn(services, payload="privacy:keep")) == ["privacy_erase_kept"]
    with services.sessions() as session:
        assert session.scalar(select(func.count()).where(ConversationLog.text.contains(MARK))) == 1


async def test_retention_blanks_old_text_and_keeps_the_counts(services, catalog):
    await turn(services, payload="privacy:agree")
    for i in range(5):
        await turn(services, text=f"cau hoi {i}")
    now = datetime(2027, 6, 1, tzinfo=timezone.utc)
    with services.sessions() as session:
        logs = list(session.scalars(select(ConversationLog).where(ConversationLog.text.is_not(None))
                                    .order_by(ConversationLog.id)))
        for log in logs[:3]:
            log.at = now - timedelta(days=91)
        for log in logs[3:]:
            log.at = now - timedelta(days=89)
        session.add(HelpRequest(member_id=logs[0].member_id, status="closed", last_messages='["cũ"]',
                                created_at=now - timedelta(days=40), closed_at=now - timedelta(days=31)))
        session.add(HelpRequest(member_id=logs[0].member_id, status="closed", last_messages='["mới"]',
                                created_at=now - timedelta(days=40), closed_at=now - timedelta(days=29)))
        total = session.scalar(select(func.count()).select_from(ConversationLog))
        session.commit()
    small = services.settings.team.with_(retention_batch=2)
    assert periodic.tick(services.sessions, catalog, small, now)["log_texts"] == 2  # bounded work per tick
    result = periodic.tick(services.sessions, catalog, small, now)
    assert result["log_texts"] == 1 and result["help_texts"] == 0
    with services.sessions() as session:
        kept = session.scalars(select(ConversationLog.text).where(ConversationLog.text.like("cau hoi%"))).all()
        assert sorted(kept) == ["cau hoi 3", "cau hoi 4"]
        assert session.scalar(select(func.count()).select_from(ConversationLog)) == total  # counts unchanged
        assert sorted(str(t) for t in session.scalars(select(HelpRequest.last_messages))) == ["None", '["mới"]']
