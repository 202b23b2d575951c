"""A web chat guest asks for a person over real HTTP: commune, village, the request in that village's queue, and
an honest answer (the web chat cannot bring a helper's reply, so the commune office's way instead)."""

import secrets

import httpx
from sqlalchemy import select

from bot.render import Renderer
from bot.shared.types import Reply
from bot.storage.help import HelpRequest
from bot.storage.places import Village
from bot.web.app import create_app
from tests.helpers import serving, templates, turn
from tests.team.helpers import COMMUNE, VILLAGE, household, join_team, outbox_to, payloads_of

HELPER = "200"


def _buttons(messages) -> dict[str, str]:
    """label -> payload of every button shown."""
    return {b["label"]: b["payload"] for m in messages for row in m["buttons"] for b in row}


async def test_a_web_guest_reaches_the_village_team_and_is_told_what_will_happen(services):
    household(services, "Nguyễn Văn An")
    household(services, "Lê Văn Cường", village="Thôn Trung", commune="Xã Hòa Bình")
    await join_team(services, HELPER, "Trần Thị Lan")
    session_id = secrets.token_urlsafe(16)
    async with serving(create_app(services)) as url, httpx.AsyncClient(base_url=url, timeout=30) as client:

        async def send(number, **body):
            response = await client.post(
                "/api/chat", json={"session_id": session_id, "message_id": f"m{number}", **body}
            )
            assert response.status_code == 200
            return response.json()["messages"]

        await send(0, text="/start")
        await send(1, payload="household:guest")
        step = await send(2, payload="topic:vneid-register")
        stuck = next(p for p in _buttons(step).values() if p.startswith("tutorial:stuck:"))
        asked = await send(3, payload=stuck)
        assert "xã của mình" in asked[0]["text"]
        assert set(_buttons(asked)) == {COMMUNE, "Xã Hòa Bình"}
        villages = await send(4, payload=_buttons(asked)[COMMUNE])
        assert f"thôn nào của {COMMUNE}" in villages[0]["text"] and list(_buttons(villages)) == [VILLAGE]
        [handed] = await send(5, payload=_buttons(villages)[VILLAGE])
    text = handed["text"]
    assert f"đã báo Tổ công nghệ số cộng đồng ở {VILLAGE}" in text
    # Nothing a helper writes can reach this page: said plainly, with the commune office's way.
    assert "không nhắn lại cho bạn qua đây được" in text and f"Bộ phận Một cửa của UBND {COMMUNE}" in text
    assert "sẽ nhắn cho" not in text
    with services.sessions() as session:
        request = session.scalars(select(HelpRequest)).one()
        village_id = session.scalars(select(Village.id).where(Village.name == VILLAGE)).one()
    assert (request.household_id, request.village_id, request.topic_id) == (None, village_id, "vneid-register")
    # In the village's queue, as a notice to read: no "take", since no answer could reach the guest.
    [notice] = [r for r in outbox_to(services, HELPER) if r["template"] == "team/help_notice"]
    assert notice["context"]["village"] == VILLAGE and payloads_of(notice) == []
    assert "hỏi trên trang web" in Renderer().render(Reply(notice["template"], notice["context"]), None).text
    listed = await turn(services, HELPER, text="/hotro", channel="telegram")
    assert templates(listed) == ["team/help_notice"] and listed.replies[0].context["request_id"] == request.id
