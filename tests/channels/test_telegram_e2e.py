"""End to end over real HTTP: python-telegram-bot talks to a local fake Bot API; real SQLite, real Rasa."""
from __future__ import annotations

from contextlib import asynccontextmanager

import httpx
import pytest
from sqlalchemy import select

from bot.channels.telegram import TelegramChannel
from bot.people.households import add_household
from bot.services import build_services
from bot.settings import ROOT
from bot.shared.types import Button, Reply
from bot.storage.conversations import ConversationLog
from bot.storage.progress import TutorialRun
from bot.web.app import create_app
from devtools.fakes.telegram_api import FakeTelegramApi

# Fixtures run in the session event loop (pyproject); the bot's polling task must share it with the test.
pytestmark = pytest.mark.asyncio(loop_scope="session")

TOKEN = "123:TEST"
CITIZEN = 4242
WEBHOOK_URL = "https://camtay.example/telegram/webhook"  # never contacted: the fake only records it
SECRET = "s3cret-token"


@asynccontextmanager
async def running_bot(settings, catalog, api: FakeTelegramApi, **changes):
    """Services and a started TelegramChannel pointed at the fake; stopped afterwards."""
    settings = settings.with_(telegram_bot_token=TOKEN, telegram_api_url=api.url, **changes)
    services = build_services(settings, catalog)
    channel = TelegramChannel(services)
    await channel.start()
    try:
        yield services, channel
    finally:
        await channel.stop()
        await services.aclose()


@pytest.fixture
async def nlu_polling_bot(nlu_settings, catalog, telegram_api):
    # A generous NLU timeout: the first parse on a freshly started Rasa can take seconds.
    async with running_bot(nlu_settings, catalog, telegram_api) as running:
        yield running


def new_household(services) -> tuple[int, str]:
    with services.sessions() as session:
        household = add_household(session, "Xã Tân Lập", "Thôn Đồng Bằng", "Nguyễn Văn An")
        session.commit()
        return household.id, household.join_code


def body(message: dict) -> str:
    return message.get("text") or message.get("caption") or ""


def buttons(message: dict) -> list[str]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return [b["callback_data"] for row in rows for b in row if "callback_data" in b]


def button(message: dict, prefix: str) -> str:
    return next(data for data in buttons(message) if data.startswith(prefix))


async def turn(api: FakeTelegramApi, since: int) -> list[dict]:
    """The bot's replies since a mark, once a message with buttons ends the turn (every turn here does)."""
    return await api.wait_for(lambda: (sent := api.sent(CITIZEN, since)) and buttons(sent[-1]) and sent)


async def say(api: FakeTelegramApi, text: str) -> list[dict]:
    since = api.mark()
    api.push_message(CITIZEN, text)
    return await turn(api, since)


async def press(api: FakeTelegramApi, message: dict, data: str) -> list[dict]:
    since = api.mark()
    api.push_callback(CITIZEN, message["message_id"], data)
    return await turn(api, since)


async def join(api: FakeTelegramApi, code: str) -> tuple[dict, dict]:
    """`/start <code>`: household_linked, then (if asked) a form of address; returns it and the menu."""
    replies = await say(api, f"/start {code}")
    menu = replies[-1]
    if any(data.startswith("address:") for data in buttons(menu)):
        [menu] = await press(api, menu, button(menu, "address:"))
    assert any(data.startswith("topic:") for data in buttons(menu))
    return replies[0], menu


@pytest.mark.nlu
async def test_citizen_joins_household_and_completes_vneid_tutorial(nlu_polling_bot, telegram_api, catalog):
    services, _ = nlu_polling_bot
    api = telegram_api
    household_id, code = new_household(services)

    linked, _ = await join(api, code)
    assert "N. V. A." in body(linked) and "Thôn Đồng Bằng" in body(linked)  # household_linked
    assert "Nguyễn Văn An" not in body(linked)  # issue 15: never the head's full name

    topic = catalog["vneid-register"]
    total = len(topic.steps)
    intro, *_, step = await say(api, "lam sao cai vneid")
    assert topic.title in body(intro) and not buttons(intro)
    assert body(step).startswith(f"Bước 1/{total}")

    walk, presses = api.mark(), 0
    for number in range(2, total + 2):
        pressed = step
        *photos, step = await press(api, pressed, button(pressed, "tutorial:next:"))
        presses += 1
        assert all("photo" in photo for photo in photos)  # an image too big to carry a long text
        # The pressed message loses its keyboard so it is not pressed again by mistake. The keyboard is retired
        # beside the turn (bot/channels/telegram.py), so under load it may land just after the next step.
        await api.wait_for(lambda: "reply_markup" not in api.message(CITIZEN, pressed["message_id"]), timeout=5)
        if number <= total:
            assert body(step).startswith(f"Bước {number}/{total}")
    assert body(step).startswith("🎉") and topic.title in body(step)  # tutorial_completed

    answers = api.calls_to("answerCallbackQuery", walk)
    assert len(answers) == presses and all(call.error is None for call in answers)
    assert not [call for call in api.calls if call.error]

    with services.sessions() as session:
        runs = session.scalars(select(TutorialRun).where(TutorialRun.household_id == household_id)).all()
        assert [(run.topic_id, run.status) for run in runs] == [("vneid-register", "completed")]
        kinds = [event.kind for event in runs[0].events]
        assert kinds[0] == "started" and kinds[-1] == "completed"
        assert kinds.count("step_done") == total


async def test_sticker_gets_unsupported_media_reply(polling_bot, telegram_api):
    since = telegram_api.mark()
    telegram_api.push_sticker(CITIZEN)
    [reply] = await turn(telegram_api, since)
    assert "hình dán" in body(reply)
    assert "human" in buttons(reply)


async def test_old_button_pressed_again_is_stale(polling_bot, telegram_api):
    services, _ = polling_bot
    api = telegram_api
    _, code = new_household(services)
    _, menu = await join(api, code)
    since = api.mark()
    step1 = (await press(api, menu, "topic:vneid-register"))[-1]
    next1 = button(step1, "tutorial:next:")
    step2 = (await press(api, step1, next1))[-1]
    assert body(step2).startswith("Bước 2/")

    # A double tap: the first step's button again, though its keyboard was already taken away.
    stale, *_, current = await press(api, step1, next1)
    assert "bước cũ" in body(stale)
    assert body(current).startswith("Bước 2/")
    assert len(api.calls_to("answerCallbackQuery", since)) == 3


async def test_press_too_old_to_answer_still_counts(polling_bot, telegram_api):
    services, _ = polling_bot
    api = telegram_api
    _, code = new_household(services)
    _, menu = await join(api, code)
    step1 = (await press(api, menu, "topic:vneid-register"))[-1]
    # Pressed while the bot was down: Telegram refuses the late answer, the press must still count.
    since = api.mark()
    api.push_callback(CITIZEN, step1["message_id"], button(step1, "tutorial:next:"), expired=True)
    step2 = (await turn(api, since))[-1]
    assert body(step2).startswith("Bước 2/")
    assert api.calls_to("answerCallbackQuery", since)[0].error.startswith("Bad Request: query is too old")


async def test_unknown_callback_data_is_no_longer_usable(polling_bot, telegram_api):
    # A keyboard left in the chat by an older release, with a payload this one does not know.
    old = telegram_api.seed_bot_message(CITIZEN, "Bài cũ", [[("Tiếp", "lesson:next:7")]])
    [reply] = await press(telegram_api, old, "lesson:next:7")
    assert "không còn dùng được" in body(reply)
    assert len(telegram_api.calls_to("answerCallbackQuery")) == 1


async def test_webhook_delivers_once_and_checks_the_secret(settings, catalog, telegram_api):
    api = telegram_api
    async with running_bot(settings, catalog, api, telegram_webhook_url=WEBHOOK_URL,
                           telegram_webhook_secret=SECRET) as (services, channel):
        assert api.webhook["url"] == WEBHOOK_URL and api.webhook["secret_token"] == SECRET
        assert not api.calls_to("getUpdates")
        app = create_app(services, channel)
        update = api.message_update(CITIZEN, "/start")
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://camtay.test") as client:
            # Telegram retries a delivery it thinks failed: the same update_id arrives twice.
            for _ in range(2):
                response = await client.post("/telegram/webhook", json=update,
                                             headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})
                assert response.status_code == 200
            forged = await client.post("/telegram/webhook", json=api.message_update(CITIZEN, "/menu"),
                                       headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"})
            assert forged.status_code == 401
        # The webhook handler awaits the turn, so every reply has been sent by now.
        [welcome] = api.sent(CITIZEN)
        assert "mã hộ gia đình" in body(welcome)


async def test_a_press_on_the_webhook_is_answered_in_the_http_response(settings, catalog, telegram_api):
    """Telegram carries out the answerCallbackQuery given as the webhook's reply: no Bot API call for it."""
    api = telegram_api
    async with running_bot(settings, catalog, api, telegram_webhook_url=WEBHOOK_URL,
                           telegram_webhook_secret=SECRET) as (services, channel):
        app = create_app(services, channel)
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://camtay.test") as client:
            typed = await client.post("/telegram/webhook", json=api.message_update(CITIZEN, "/start"), headers=headers)
            assert typed.status_code == 200 and typed.content == b""  # a message: nothing to answer
            [welcome] = api.sent(CITIZEN)
            since = api.mark()
            update = api.callback_update(CITIZEN, welcome["message_id"], button(welcome, "household:guest"))
            pressed = await client.post("/telegram/webhook", json=update, headers=headers)
        assert pressed.status_code == 200
        assert pressed.json() == {"method": "answerCallbackQuery",
                                  "callback_query_id": update["callback_query"]["id"]}
        assert not api.calls_to("answerCallbackQuery")
        assert not buttons(api.message(CITIZEN, welcome["message_id"]))  # the keyboard is still retired
        assert api.sent(CITIZEN, since)  # and the turn answered


def first_image_step(catalog):
    return next(((topic, index) for topic in catalog if topic.is_tutorial
                 for index, step in enumerate(topic.steps) if step.image), None)


async def test_image_step_is_sent_with_send_photo(polling_bot, telegram_api, catalog):
    found = first_image_step(catalog)
    if found is None:
        pytest.skip("no tutorial step has an image yet")
    topic, index = found
    # A menu message offering the topic, as the bot's own clarify/menu replies do.
    menu = telegram_api.seed_bot_message(CITIZEN, "Menu", [[(topic.title, f"topic:{topic.id}")]])
    step = (await press(telegram_api, menu, f"topic:{topic.id}"))[-1]
    for _ in range(index):
        step = (await press(telegram_api, step, button(step, "tutorial:next:")))[-1]
    image = ROOT / "content" / "images" / topic.steps[index].image
    assert telegram_api.photos[-1]["size"] == image.stat().st_size
    assert any("photo" in message for message in telegram_api.sent(CITIZEN))


@pytest.mark.parametrize("length, messages", [(200, 1), (1500, 2)])
async def test_reply_with_image_uploads_a_photo(settings, catalog, telegram_api, tmp_path, length, messages):
    """The photo path of TelegramChannel.send, on a temporary content dir holding one image."""
    content = tmp_path / "content"
    (content / "images").mkdir(parents=True)
    (content / "templates").symlink_to(ROOT / "content" / "templates")
    png = b"\x89PNG\r\n\x1a\n" + bytes(2048)
    (content / "images" / "step.png").write_bytes(png)
    telegram_api.user(CITIZEN)  # the citizen has written to the bot before
    async with running_bot(settings.with_(content_dir=content), catalog, telegram_api) as (_, channel):
        step = {"text": "x" * length, "tip": None, "warning": None}
        reply = Reply("tutorial_step", {"topic_id": "t", "number": 1, "total": 1, "step": step},
                      buttons=((Button("next", "tutorial:next:1:0"),),), image="step.png")
        await channel.send(CITIZEN, reply)
    sent = telegram_api.sent(CITIZEN)
    assert len(sent) == messages and "photo" in sent[0]
    assert telegram_api.photos == [{"chat_id": CITIZEN, "message_id": sent[0]["message_id"],
                                    "filename": "step.png", "size": len(png)}]
    assert buttons(sent[-1]) == ["tutorial:next:1:0"]  # the keyboard goes with the text


@pytest.mark.nlu
async def test_a_procedure_with_no_tutorial_is_said_plainly_with_where_and_a_person(nlu_polling_bot, telegram_api,
                                                                                      catalog):
    services, _ = nlu_polling_bot
    api = telegram_api
    passport = catalog.procedures["passport"]
    [answer] = await say(api, "bác muốn làm hộ chiếu thì nộp ở đâu")
    assert passport.title in body(answer) and "chưa có hướng dẫn từng bước" in body(answer)
    assert passport.where.split(".")[0] in body(answer)
    assert buttons(answer) == ["human", "menu"]
    assert not any(data.startswith("tutorial:") for data in buttons(answer))  # nothing started

    with services.sessions() as session:
        assert session.scalars(select(TutorialRun)).all() == []
        logged = session.scalars(select(ConversationLog).where(ConversationLog.payload.is_(None))).all()[-1]
        assert (logged.intent, logged.understood, logged.replies) == ("procedure_passport", True, "not_covered")

    replies = await press(api, answer, "human")
    assert any("Tổ công nghệ số" in body(m) for m in replies)  # the offer of a person leads to one
