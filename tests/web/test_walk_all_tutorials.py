"""Every tutorial of the catalog can be walked start to finish in the web chat, over real HTTP."""
from __future__ import annotations

import itertools
import re
import secrets

import httpx
import pytest
from sqlalchemy import select

from bot.storage.progress import TutorialRun
from bot.web.app import create_app
from content.address_forms import AddressForms
from content.screen_checks import MAX_IMAGE_BYTES
from content.screens import Screens
from tests.content.samples import SPEC_KINDS
from tests.helpers import serving

TUTORIALS = [t for t, kind in SPEC_KINDS.items() if kind == "tutorial"]
# Each walk uses another form of address, so every form is seen once in a while.
FORMS = dict(zip(TUTORIALS, itertools.cycle(AddressForms.load().forms)))
STEP_HEADER = re.compile(r"^Bước (\d+)/(\d+)\n")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SCREENS = Screens.load()


class WebChat:
    """One citizen's browser: posts to /api/chat with its own session id and numbered messages."""

    def __init__(self, client: httpx.AsyncClient):
        self.client = client
        self.session_id = secrets.token_hex(16)
        self.sent = 0

    async def send(self, **body) -> list[dict]:
        self.sent += 1
        response = await self.client.post("/api/chat", json={"session_id": self.session_id,
                                                            "message_id": f"m{self.sent}", **body})
        assert response.status_code == 200, response.text
        return response.json()["messages"]

    async def press(self, messages: list[dict], prefix: str) -> list[dict]:
        """Press the last button whose payload starts with `prefix`."""
        found = [b["payload"] for m in messages for row in m["buttons"] for b in row
                 if b["payload"].startswith(prefix)]
        assert found, f"no {prefix!r} button in {messages}"
        return await self.send(payload=found[-1])


@pytest.fixture
async def web(services):
    async with serving(create_app(services)) as url:
        async with httpx.AsyncClient(base_url=url, timeout=30) as client:
            yield client


async def _guest(chat: WebChat, form: str) -> None:
    """Onboarding as a guest who chooses a form of address."""
    await chat.send(text="/start")
    await chat.send(payload="household:guest")
    saved = await chat.send(payload=f"address:{form}")
    assert saved and saved[0]["text"]


def _step_number(message: dict, total: int) -> int:
    header = STEP_HEADER.match(message["text"])
    assert header, f"not a step: {message['text'][:80]!r}"
    assert int(header[2]) == total
    return int(header[1])


async def _check_image(web: httpx.AsyncClient, message: dict, image: str | None) -> None:
    if image is None:
        assert message["image"] is None and message["alt"] is None
        return
    assert message["image"] == f"/images/{image}"
    screen = SCREENS.by_file[image]
    # The alt text is the content's (screens.yml's alt: with the screen's words), never empty.
    assert message["alt"] == SCREENS.alt_text(image) and f"“{screen.tap}”" in message["alt"]
    await _check_served(web, message["image"])


async def _check_served(web: httpx.AsyncClient, url: str) -> None:
    response = await web.get(url)
    assert response.status_code == 200, url
    assert response.headers["content-type"] == "image/png"
    assert response.content.startswith(PNG_SIGNATURE)
    assert len(response.content) <= MAX_IMAGE_BYTES, url


@pytest.mark.parametrize("topic_id", TUTORIALS)
async def test_tutorial_walks_start_to_finish(web, services, catalog, topic_id):
    topic, form = catalog[topic_id], FORMS[topic_id]
    total = len(topic.steps)
    chat = WebChat(web)
    await _guest(chat, form)

    intro, *messages = await chat.send(payload=f"topic:{topic_id}")
    assert intro["text"].startswith(f"📘 {topic.title}\n")
    assert f"Có {total} bước." in intro["text"]
    shown = []
    for _ in range(total):
        [message] = messages
        number = _step_number(message, total)
        shown.append(number)
        step = topic.steps[number - 1]
        assert services.renderer._say(step.text, form) in message["text"]
        await _check_image(web, message, step.image)
        messages = await chat.press(messages, "tutorial:next:")
    assert shown == list(range(1, total + 1))

    [done] = messages
    assert done["text"].startswith("🎉"), done["text"]
    offered = [b for row in done["buttons"] for b in row if b["payload"].startswith("topic:")]
    following = catalog.get(topic.next_topic)
    if following is None:
        assert offered == []
    else:
        assert [(b["payload"], b["label"]) for b in offered] == [(f"topic:{following.id}", following.title)]
        assert following.title in done["text"]
    with services.sessions() as session:
        run = session.scalars(select(TutorialRun)).one()
    assert (run.topic_id, run.status, run.step_index) == (topic_id, "completed", total - 1)


async def test_back_and_repeat_in_the_web_chat(web, services, catalog):
    topic = catalog["vneid-register"]
    total = len(topic.steps)
    chat = WebChat(web)
    await _guest(chat, "bác")
    _, step_1 = await chat.send(payload="topic:vneid-register")
    [step_2] = await chat.press([step_1], "tutorial:next:")
    assert _step_number(step_2, total) == 2

    [back] = await chat.press([step_2], "tutorial:back:")
    assert _step_number(back, total) == 1 and back["text"] == step_1["text"]
    [again] = await chat.press([back], "tutorial:repeat:")
    assert _step_number(again, total) == 1 and again["text"] == step_1["text"]
    await _check_image(web, again, topic.steps[0].image)

    messages = [again]
    shown = []
    while not messages[0]["text"].startswith("🎉"):
        shown.append(_step_number(messages[0], total))
        messages = await chat.press(messages, "tutorial:next:")
        assert len(shown) <= total, "the tutorial never ends"
    assert shown == list(range(1, total + 1))


async def test_every_screen_a_step_shows_is_served(web, catalog):
    """The walks above fetch each step's image; here every described screen, once, is reached and served."""
    shown = {step.image for topic in catalog if topic.is_tutorial for step in topic.steps if step.image}
    assert shown == set(SCREENS.by_file)
    for image in sorted(shown):
        await _check_served(web, f"/images/{image}")
