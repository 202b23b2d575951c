"""In-person sessions end to end on the Telegram fake: a team member schedules one with buttons and typed words,
then, once it has taken place, records a household that came and what worked for it."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select, update

from bot.people import team_members as team
from bot.storage.outcomes import SOURCE_TEAM, Outcome
from bot.storage.sessions import SessionAttendance, SupportSession
from devtools.fakes.telegram_api import FakeTelegramApi
from tests.channels.test_telegram_e2e import CITIZEN, body, button, buttons, new_household, press, say

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def press_plain(api: FakeTelegramApi, message: dict, data: str) -> dict:
    """A press whose answer has no buttons: the last message sent since."""
    since = api.mark()
    api.push_callback(CITIZEN, message["message_id"], data)
    return (await api.wait_for(lambda: api.sent(CITIZEN, since)))[-1]


def labels(message: dict) -> list[str]:
    return [b["text"] for row in (message.get("reply_markup") or {}).get("inline_keyboard", []) for b in row]


async def test_a_member_schedules_a_session_and_records_who_came(polling_bot, telegram_api, catalog):
    services, _ = polling_bot
    api = telegram_api
    household_id, _ = new_household(services)
    with services.sessions() as session:
        _, code = team.add_member(session, "Trần Thị Lan", ["Thôn Đồng Bằng"], "Xã Tân Lập", "team", None,
                                  datetime.now(timezone.utc), 7)
        session.commit()
    since = api.mark()
    api.push_message(CITIZEN, f"/start {code}")  # the team member's link: a reply without buttons
    await api.wait_for(lambda: api.sent(CITIZEN, since))

    [when] = await say(api, "/buoihotro")
    assert "Thôn Đồng Bằng" in body(when) and "15/12 8:00" in body(when)
    assert labels(when)[0].startswith("Thứ ") or labels(when)[0].startswith("Chủ nhật")
    [place] = await press(api, when, button(when, "sess:w:"))
    assert "Buổi họp ở đâu" in body(place)
    [topics] = await say(api, "Nhà văn hóa thôn Đồng Bằng")
    [chosen] = await press(api, topics, "sess:t:vneid-level2")
    assert "✅ " + catalog["vneid-level2"].title in labels(chosen) and "Xong ▶" in labels(chosen)
    [confirm] = await press(api, chosen, "sess:ok")
    assert "Nhà văn hóa thôn Đồng Bằng" in body(confirm) and "Lên lịch ✅" in labels(confirm)
    done = await press_plain(api, confirm, "sess:go")
    assert "Đã lên lịch" in body(done) and "/diemdanh" in body(done)

    with services.sessions() as session:  # the session took place this morning
        session.execute(update(SupportSession).values(starts_at=datetime.now(timezone.utc) - timedelta(hours=2)))
        session.commit()
    [listed] = await say(api, "/diemdanh")
    [household_button] = labels(listed)
    assert "đã ghi 0 trên 1 hộ" in body(listed) and household_button.startswith("Nguyễn Văn An (")
    [came] = await press(api, listed, buttons(listed)[0])
    assert "Đã ghi hộ Nguyễn Văn An" in body(came)
    [worked] = await press(api, came, next(d for d in buttons(came) if d.endswith(":vneid-level2")))
    assert "✅ " + catalog.platforms["vneid-level2"].name in labels(worked)
    with services.sessions() as session:
        [attendance] = session.scalars(select(SessionAttendance)).all()
        assert (attendance.household_id, attendance.platforms) == (household_id, ["vneid-level2"])
        assert session.scalars(select(Outcome.source)).all() in ([], [SOURCE_TEAM])  # no chat member: none
    assert not [call for call in api.calls if call.error]
