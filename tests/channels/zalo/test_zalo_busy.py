"""A Zalo event (stored before Zalo got its 200) waits in the inbox while the worker is full, then is handled once."""
from __future__ import annotations

from sqlalchemy import select

from bot.storage.conversations import ConversationLog
from tests.channels.zalo.support import CITIZEN as ZALO_CITIZEN
from tests.channels.zalo.support import running_zalo
from tests.helpers import turns_logged, worker_full


async def test_a_zalo_event_waits_in_the_inbox_while_the_worker_is_full(settings, catalog, zalo_api):
    async with running_zalo(settings, catalog, zalo_api) as (services, channel, _):
        with worker_full(services):
            assert (await zalo_api.deliver(zalo_api.text_event(ZALO_CITIZEN, "/start"))).status_code == 200
            await channel.drained()
            assert zalo_api.messages(ZALO_CITIZEN) == [] and turns_logged(services) == 0
            assert await channel.recover() == 1  # handed out again, and refused again: still full
            await channel.drained()
            assert turns_logged(services) == 0
        assert await channel.recover() == 1
        await channel.drained()
        assert len(zalo_api.messages(ZALO_CITIZEN)) == 1 and turns_logged(services) == 1
        assert await channel.recover() == 0


async def test_a_citizens_later_event_waits_behind_their_earlier_one_and_both_are_handled_in_order(
        settings, catalog, zalo_api):
    async with running_zalo(settings, catalog, zalo_api) as (services, channel, _):
        with worker_full(services):
            assert (await zalo_api.deliver(zalo_api.text_event(ZALO_CITIZEN, "/start"))).status_code == 200
        # There is room again, but the first event still waits in the inbox: the second must not pass it.
        assert (await zalo_api.deliver(zalo_api.text_event(ZALO_CITIZEN, "/menu"))).status_code == 200
        await channel.drained()
        assert turns_logged(services) == 0
        assert await channel.recover() == 2
        await channel.drained()
        with services.sessions() as session:
            said = session.scalars(select(ConversationLog.text).order_by(ConversationLog.id)).all()
        assert said == ["/start", "/menu"]
        assert await channel.recover() == 0
