"""Running the Zalo channel against the fake, and acting as a citizen on Zalo."""
from __future__ import annotations

from contextlib import asynccontextmanager

from bot.channels.zalo import ZaloChannel
from bot.people.households import add_household
from bot.services import build_services
from bot.web.app import create_app
from devtools.fakes.zalo_api import FakeZaloApi, Sent
from nlu.server import free_port
from tests.helpers import serving

CITIZEN = "4411682737790366300"


def zalo_settings(settings, api: FakeZaloApi, **changes):
    return settings.with_(zalo_app_id=api.app_id, zalo_app_secret=api.app_secret,
                          zalo_oa_secret_key=api.oa_secret_key, zalo_refresh_token=api.refresh_token,
                          zalo_api_url=api.url, zalo_oauth_url=api.url, **changes)


@asynccontextmanager
async def running_zalo(settings, catalog, api: FakeZaloApi, *, public_images: bool = False, **changes):
    """Services, a started ZaloChannel and the web app on a local port, wired to the fake; stopped after."""
    port = free_port()
    if public_images:
        changes["public_base_url"] = f"http://127.0.0.1:{port}"
    services = build_services(zalo_settings(settings, api, **changes), catalog)
    channel = ZaloChannel(services)
    await channel.start()
    try:
        async with serving(create_app(services), port=port) as url:
            api.webhook_url = url + "/zalo/webhook"
            yield services, channel, url
    finally:
        await channel.stop()
        await services.aclose()


async def act(api: FakeZaloApi, channel: ZaloChannel, event: dict) -> list[Sent]:
    """Deliver one event as Zalo does, wait until the bot has handled it, return what it sent."""
    since = api.mark()
    response = await api.deliver(event)
    assert response.status_code == 200, response.text
    await channel.drained()
    return api.messages(event.get("sender", event.get("follower", {})).get("id"), since)


async def say(api, channel, text: str, user: str = CITIZEN) -> list[Sent]:
    return await act(api, channel, api.text_event(user, text))


async def press(api, channel, messages: list[Sent], button: str, user: str = CITIZEN) -> list[Sent]:
    """Tap the button (by title, or payload prefix) on the last of `messages` that has it."""
    for message in reversed(messages):
        try:
            found = message.button(button)
        except AssertionError:
            continue
        return await act(api, channel, api.click_event(user, found))
    raise AssertionError(f"no button {button!r} in {[m.text[:30] for m in messages]}")


def new_household(services) -> tuple[int, str]:
    with services.sessions() as session:
        household = add_household(session, "Xã Tân Lập", "Thôn Đồng Bằng", "Nguyễn Văn An")
        session.commit()
        return household.id, household.join_code
