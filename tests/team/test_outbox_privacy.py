"""What people wrote stays in an outbox row only until it is final: then it is blanked, whatever the end."""
from __future__ import annotations

import asyncio
import json
import time

from sqlalchemy import select

from bot.delivery.outbox import OutboxStore, enqueue, reply_json, scrubbed
from bot.delivery.sender import OutboxSender
from bot.shared.types import Reply
from bot.storage.households import Member
from devtools.pushing import NEVER_QUIET, seed
from tests.helpers import turn
from tests.team.helpers import household, join_household, join_team, outbox, outbox_to
from tests.team.test_helpdesk import CITIZEN, HELPER, stuck
from tests.team.test_runtime import RecordingSender

HELPER_SAYS = "Bác gọi tổng đài 1900 1234 hoặc số 0912345678 nhé"


def test_scrubbed_blanks_written_words_and_keeps_the_rest():
    relay = reply_json(Reply("team/relay_from_helper", {"helper_name": "Lan", "text": "số 0912345678"}))
    assert json.loads(scrubbed(relay)) == json.loads(reply_json(
        Reply("team/relay_from_helper", {"helper_name": "Lan", "text": ""})))
    notice = reply_json(Reply("team/help_notice", {"name": "An", "last_messages": ["mã 482913"]}))
    assert json.loads(scrubbed(notice))["context"] == {"name": "An", "last_messages": []}
    assert scrubbed(reply_json(Reply("team/push_tutorial", {"title": "VNeID"}))) is None


async def test_relayed_words_are_delivered_then_blanked(services):
    _, code = household(services)
    await join_team(services, HELPER, "Trần Thị Lan")
    await join_household(services, CITIZEN, code)
    await turn(services, CITIZEN, text="chau oi toi khong nhan duoc ma", channel="telegram")
    await stuck(services)
    request_id = outbox_to(services, HELPER)[0]["context"]["request_id"]
    await turn(services, HELPER, payload=f"help:take:{request_id}", channel="telegram")
    await turn(services, HELPER, text=HELPER_SAYS, channel="telegram")
    await turn(services, CITIZEN, text="da chau, de bac goi", channel="telegram")
    channel = RecordingSender()
    settings = services.settings.team.with_(outbox_poll=0.02, chat_interval=0.05, quiet_hours=NEVER_QUIET)
    sender = OutboxSender(services.sessions, {"telegram": channel}, settings)
    await asyncio.wait_for(sender.run(until_empty=True), timeout=30)
    delivered = {r.template: r.context for _, r in channel.sent}
    assert delivered["team/relay_from_helper"]["text"] == HELPER_SAYS  # the citizen got every word
    assert delivered["team/relay_from_citizen"]["text"] == "da chau, de bac goi"
    assert delivered["team/help_notice"]["last_messages"]
    stored = outbox(services)
    assert {item.status for item in stored} == {"sent"}
    contexts = [json.loads(item.reply)["context"] for item in stored]
    assert all(not c.get("text") and not c.get("last_messages") for c in contexts)
    assert not any("0912345678" in item.reply or "nhan duoc ma" in item.reply for item in stored)
    assert {json.loads(item.reply)["template"] for item in stored} >= {"team/relay_from_helper", "team/help_notice"}


async def test_rows_recovered_as_unknown_or_expired_are_blanked_too(services):
    seed(services.sessions, 2)
    with services.sessions() as session:
        first, second = session.scalars(select(Member).order_by(Member.id)).all()
        enqueue(session, first, Reply("team/relay_from_helper", {"helper_name": "Lan", "text": "mã 482913"}),
                "relay")
        enqueue(session, second, Reply("team/relay_from_helper", {"helper_name": "Lan", "text": "số 0912345678"}),
                "relay", not_after=time.time() + 0.5)
        session.commit()
    dead = OutboxStore(services.sessions, "dead", lease=0.1, chat_interval=1.0)
    now = time.time()
    claimed = dead.claim("telegram", 2, now)
    sending = next(item for item in claimed if item.member_id == first.id)
    assert len(claimed) == 2 and dead.start_sending(sending.id, "telegram", now)
    alive = OutboxStore(services.sessions, "alive", lease=60, chat_interval=1.0)
    assert alive.recover(now + 1) == {"requeued": 1, "unknown": 1, "expired": 1}
    rows = {item.status: json.loads(item.reply)["context"] for item in outbox(services)}
    assert rows == {"unknown": {"helper_name": "Lan", "text": ""}, "expired": {"helper_name": "Lan", "text": ""}}
