"""Step images are uploaded to Telegram once; later sends name the file_id Telegram gave back."""
from __future__ import annotations

import pytest

from bot.channels.telegram import TelegramChannel
from bot.services import build_services
from bot.settings import ROOT
from bot.shared.types import Reply
from devtools.fakes.telegram_api import FakeTelegramApi

pytestmark = pytest.mark.asyncio(loop_scope="session")
TOKEN = "123:TEST"


async def test_an_image_is_uploaded_once_then_sent_by_file_id(settings, catalog, tmp_path):
    content = tmp_path / "content"
    (content / "images").mkdir(parents=True)
    (content / "templates").symlink_to(ROOT / "content" / "templates")
    image = content / "images" / "step.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(4096))
    step = Reply("tutorial_step", {"topic_id": "t", "number": 1, "total": 1,
                                   "step": {"text": "Mở ứng dụng.", "tip": None, "warning": None}}, image="step.png")
    with FakeTelegramApi(TOKEN) as api:
        api.user(1), api.user(2)
        services = build_services(settings.with_(content_dir=content, telegram_bot_token=TOKEN,
                                                 telegram_api_url=api.url), catalog)
        channel = TelegramChannel(services)
        await channel.application.initialize()
        try:
            await channel.send(1, step)
            await channel.send(2, step)
            image.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(8192))  # the image changed: upload it again
            await channel.send(1, step)
        finally:
            await channel.application.shutdown()
            await services.aclose()
    first, second, third = [c.params["photo"] for c in api.calls_to("sendPhoto")]
    assert first["size"] == 4104 and third["size"] == 8200  # uploads
    assert second == api.calls_to("sendPhoto")[0].result["photo"][-1]["file_id"]  # by file_id
