"""Households, team members and the outbox, for the team tests."""
from __future__ import annotations

import json
from datetime import datetime, timezone

from sqlalchemy import select

from bot.people import team_members as team
from bot.people.households import add_household
from bot.storage.delivery import OutboxItem
from tests.helpers import turn

COMMUNE, VILLAGE = "Xã Tân Lập", "Thôn Đồng Bằng"


def household(services, head: str = "Nguyễn Văn An", village: str = VILLAGE, commune: str = COMMUNE) -> tuple[int, str]:
    with services.sessions() as session:
        row = add_household(session, commune, village, head)
        session.commit()
        return row.id, row.join_code


def team_code(services, name: str, villages=(VILLAGE,), commune: str = COMMUNE, role: str = "team") -> str:
    with services.sessions() as session:
        _, code = team.add_member(session, name, list(villages), commune, role, None,
                                  datetime.now(timezone.utc), 7)
        session.commit()
        return code


async def join_household(services, user: str, code: str, channel: str = "telegram", form: str = "bác"):
    await turn(services, user, text=f"/start {code}", channel=channel)
    return await turn(services, user, payload=f"address:{form}", channel=channel)


async def join_team(services, user: str, name: str, channel: str = "telegram", **kwargs):
    code = team_code(services, name, **kwargs)
    return await turn(services, user, text=f"/start {code}", channel=channel)


def outbox(services, **where) -> list[OutboxItem]:
    with services.sessions() as session:
        query = select(OutboxItem).order_by(OutboxItem.id)
        for key, value in where.items():
            query = query.where(getattr(OutboxItem, key) == value)
        return list(session.scalars(query))


def outbox_to(services, user: str, channel: str = "telegram") -> list[dict]:
    """The replies queued for one chat, as JSON (template, context, buttons)."""
    return [json.loads(item.reply) for item in outbox(services, chat_key=f"{channel}:{user}")]


def payloads_of(reply: dict) -> list[str]:
    return [b["payload"] for row in reply["buttons"] for b in row]


def queue_due(services, send_due, now: datetime, settings) -> int:
    """Run one reminder kind's send_due(session, catalog, settings, now) in a transaction of its own."""
    with services.sessions() as session:
        count = send_due(session, services.catalog, settings, now)
        session.commit()
        return count


def queued_reminders(services) -> list[dict]:
    """The reminders in the outbox, as JSON (template, context, buttons)."""
    return [json.loads(item.reply) for item in outbox(services, kind="reminder")]
