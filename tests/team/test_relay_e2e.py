"""The help-request relay end to end: python-telegram-bot polling a local fake Bot API, the citizen and the
team member as two chats, the outbox sender delivering to the other side; real SQLite."""
from __future__ import annotations

from contextlib import asynccontextmanager

import pytest
from sqlalchemy import select

from bot.channels.telegram import TelegramChannel
from bot.services import build_services
from bot.storage.help import HelpEvent, HelpRequest
from bot.team.runtime import TeamRuntime
from devtools.fakes.telegram_api import FakeTelegramApi
from nlu import intents
from nlu.client import Understanding
from tests.team.helpers import household, team_code

pytestmark = pytest.mark.asyncio(loop_scope="session")
TOKEN = "123:TEST"
CITIZEN, HELPER = 4242, 5151


class RecordingNlu:
    """Stands in for Rasa: records what it was asked, understands nothing."""

    def __init__(self):
        self.asked: list[str] = []

    async def parse(self, text: str) -> Understanding:
        self.asked.append(text)
        return Understanding(intents.OUT_OF_SCOPE, 0.99)

    async def aclose(self) -> None:
        pass


@asynccontextmanager
async def running(settings, catalog, api):
    settings = settings.with_(telegram_bot_token=TOKEN, telegram_api_url=api.url,
                              team=settings.team.with_(outbox_poll=0.05))
    services = build_services(settings, catalog)
    services.nlu = services.dialogue.nlu = RecordingNlu()
    channel = TelegramChannel(services)
    await channel.start()
    team = await TeamRuntime(services).start()
    try:
        yield services
    finally:
        await team.stop()
        await channel.stop()
        await services.aclose()


def texts(api, chat: int, since: int) -> list[str]:
    return [m.get("text") or m.get("caption") or "" for m in api.sent(chat, since)]


def buttons(message: dict) -> list[str]:
    return [b["callback_data"] for row in (message.get("reply_markup") or {}).get("inline_keyboard", [])
            for b in row]


async def said(api, chat: int, since: int, needle: str) -> dict:
    """The first message to a chat since a mark whose text holds `needle`."""
    return await api.wait_for(lambda: next((m for m in api.sent(chat, since)
                                            if needle in (m.get("text") or m.get("caption") or "")), None))


async def press(api, chat: int, message: dict, prefix: str) -> int:
    since = api.mark()
    api.push_callback(chat, message["message_id"], next(d for d in buttons(message) if d.startswith(prefix)))
    return since


async def test_citizen_and_team_member_talk_through_the_assistant(settings, catalog):
    with FakeTelegramApi(TOKEN) as api:
        async with running(settings, catalog, api) as services:
            _, join = household(services)
            api.user(HELPER, "Lan")
            since = api.mark()
            api.push_message(HELPER, f"/start {team_code(services, 'Trần Thị Lan')}")
            await said(api, HELPER, since, "thành viên Tổ công nghệ số")

            since = api.mark()
            api.push_message(CITIZEN, f"/start {join}")
            ask = await said(api, CITIZEN, since, "nên gọi")
            since = await press(api, CITIZEN, ask, "address:bác")
            menu = await said(api, CITIZEN, since, "Từ giờ cháu xin gọi là bác")
            since = await press(api, CITIZEN, menu, "topic:vneid-register")
            step = await said(api, CITIZEN, since, "Bước 1/")

            # "Tôi bị vướng": the village's team member is told, with the context and two buttons.
            mark = await press(api, CITIZEN, step, "tutorial:stuck:")
            await said(api, CITIZEN, mark, "đã báo Tổ công nghệ số")
            notice = await said(api, HELPER, mark, "Yêu cầu hỗ trợ số")
            assert "Nguyễn Văn An" in notice["text"] and "bước 1" in notice["text"]
            assert [d.split(":")[1] for d in buttons(notice)] == ["take", "pass"]

            # The member takes it: the citizen is told who helps, in the form of address chosen.
            mark = await press(api, HELPER, notice, "help:take:")
            await said(api, HELPER, mark, "đã nhận giúp Nguyễn Văn An")
            told = await said(api, CITIZEN, mark, "đang hỗ trợ bác")
            assert "Trần Thị Lan" in told["text"]

            # Relayed both ways; an OTP typed by the citizen never reaches the member.
            mark = api.mark()
            api.push_message(CITIZEN, "chau oi ma otp 482913 nhap vao dau")
            relayed = await said(api, HELPER, mark, "💬 Nguyễn Văn An:")
            assert "482913" not in relayed["text"] and "[MÃ SỐ]" in relayed["text"]
            await said(api, CITIZEN, mark, "đã được che đi cho an toàn")
            mark = api.mark()
            api.push_message(HELPER, "Bác nhập mã vào ô thứ hai, đừng đọc cho ai nhé")
            answer = await said(api, CITIZEN, mark, "💬 Trần Thị Lan: Bác nhập mã vào ô thứ hai")
            assert not buttons(answer)
            assert services.nlu.asked == []  # relayed text never went to the NLU

            # The member ends it from the last relayed message; the citizen hears of it.
            mark = await press(api, HELPER, relayed, "help:close:")
            await said(api, HELPER, mark, "Đã kết thúc cuộc trò chuyện hỗ trợ với Nguyễn Văn An")
            await said(api, CITIZEN, mark, "Trần Thị Lan đã kết thúc cuộc trò chuyện hỗ trợ")
            mark = api.mark()
            api.push_message(CITIZEN, "cam on chau")
            await api.wait_for(lambda: api.sent(CITIZEN, mark))
            assert services.nlu.asked == ["cam on chau"]  # the assistant's again

            with services.sessions() as session:
                request = session.scalars(select(HelpRequest)).one()
                kinds = list(session.scalars(select(HelpEvent.kind).order_by(HelpEvent.id)))
            assert (request.status, request.closed_by) == ("closed", "helper")
            assert kinds == ["opened", "notified", "taken", "closed"]
            assert not [c for c in api.calls if c.error and c.method != "answerCallbackQuery"]
