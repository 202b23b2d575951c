"""Every kind of bad input gets a defined, kind reply and loses nothing."""
import pytest
from sqlalchemy import func, select

from bot.storage.conversations import ConversationLog
from bot.storage.help import HelpRequest
from bot.storage.progress import TutorialRun
from nlu.client import NluClient
from nlu.server import free_port
from tests.helpers import payload_starting, payloads, templates, turn


@pytest.mark.parametrize("text, expected", [
    ("", "message_empty"),
    ("   \n ", "message_empty"),
    ("a" * 4097, "message_too_long"),
    ("/unknown", "menu"),
])
async def test_text_that_cannot_be_understood(services, text, expected):
    assert templates(await turn(services, text=text)) == [expected]


@pytest.mark.parametrize("media", ["sticker", "photo", "voice", "location"])
async def test_media_gets_a_kind_reply_and_a_person(services, media):
    result = await turn(services, media=media)
    assert templates(result) == ["unsupported_media"]
    assert "human" in payloads(result)


@pytest.mark.parametrize("payload", [
    "nonsense", "tutorial:next", "tutorial:next:abc:0", "tutorial:next:999:0", "tutorial:fly:1:0",
    "topic:no-such-topic", "topic:", ":::", "tutorial:next:1:0:extra",
])
async def test_unknown_callback_data(services, payload):
    assert templates(await turn(services, payload=payload)) == ["button_unknown"]


async def test_nlu_down_gives_a_kind_reply_and_buttons_keep_working(services):
    services.dialogue.nlu = NluClient(f"http://127.0.0.1:{free_port()}", timeout=1)
    started = await turn(services, payload="topic:vneid-register")
    result = await turn(services, text="lam sao cai vneid")
    assert templates(result) == ["nlu_unavailable"]
    assert payload_starting(result, "tutorial:resume:")  # a way back into the tutorial
    nxt = await turn(services, payload=payload_starting(started, "tutorial:next:"))
    assert templates(nxt) == ["tutorial_step"] and nxt.replies[0].context["number"] == 2
    await services.dialogue.nlu.aclose()


async def test_same_update_twice_is_processed_once(services):
    first = await turn(services, payload="topic:vneid-register", key="update-1")
    second = await turn(services, payload="topic:vneid-register", key="update-1")
    assert templates(first) == ["tutorial_intro", "tutorial_step"]
    assert second.duplicate and second.replies == []
    with services.sessions() as session:
        assert session.scalar(select(func.count()).select_from(TutorialRun)) == 1
        assert session.scalar(select(func.count()).select_from(ConversationLog)) == 1


async def test_stuck_button_opens_a_help_request_with_context(services):
    started = await turn(services, payload="topic:vneid-register")
    result = await turn(services, payload=payload_starting(started, "tutorial:stuck:"))
    assert templates(result) == ["human_handoff"]
    # Nobody of the team is in chat here: the citizen is not promised a message that will not come.
    assert result.replies[0].context["told"] == 0
    with services.sessions() as session:
        request = session.scalars(select(HelpRequest)).one()
    assert (request.topic_id, request.step_index, request.status) == ("vneid-register", 0, "open")


async def test_logged_text_is_redacted(services):
    services.dialogue.nlu = NluClient(f"http://127.0.0.1:{free_port()}", timeout=1)
    await turn(services, text="so cccd cua toi la 001203004567, sdt 0912345678, otp 482913")
    await services.dialogue.nlu.aclose()
    with services.sessions() as session:
        logged = session.scalars(select(ConversationLog.text)).one()
    for secret in ("001203004567", "0912345678", "482913"):
        assert secret not in logged
