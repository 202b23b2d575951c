"""Starting the Zalo channel from `camtay run`: only when configured, with a token checked at start."""
import logging

from bot.channels.zalo import ZaloChannel, start_if_configured
from bot.services import build_services
from tests.channels.zalo.support import zalo_settings


async def test_zalo_stays_off_without_its_keys(services, caplog):
    assert await start_if_configured(services) is None
    assert "zalo" not in services.senders and caplog.text == ""


async def test_half_a_configuration_is_reported(settings, catalog, caplog):
    built = build_services(settings.with_(zalo_app_id="123"), catalog)
    try:
        with caplog.at_level(logging.WARNING):
            assert await start_if_configured(built) is None
        assert "ZALO_APP_SECRET" in caplog.text
    finally:
        await built.aclose()


async def test_a_configured_channel_registers_and_gets_its_token_at_start(settings, catalog, zalo_api):
    built = build_services(zalo_settings(settings, zalo_api), catalog)
    try:
        channel = await start_if_configured(built)
        assert isinstance(channel, ZaloChannel) and built.senders["zalo"] is channel
        await zalo_api.wait_for(lambda: zalo_api.refreshes, timeout=10)
        await channel.stop()
        assert [r.ok for r in zalo_api.refreshes] == [True]
    finally:
        await built.aclose()
