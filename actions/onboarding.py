"""Linking a chat identity to a household (join code or deep link), or continuing as a guest."""
from __future__ import annotations

import re
import secrets

from sqlalchemy import select

from bot.dialogue.types import Button, Reply
from bot.storage.models import Household
from actions.answers import greet
from actions.buttons import menu_rows
from actions.context import ActionContext

JOIN_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed by hand
JOIN_CODE_LENGTH = 6
_CODE_TOKEN = re.compile(r"(?<![A-Za-z0-9])([A-Za-z0-9]{6})(?![A-Za-z0-9])")


def new_join_code() -> str:
    """Six characters with at least one letter and one digit, so typed codes stand out from words."""
    while True:
        code = "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))
        if code_candidates(code):
            return code


def code_candidates(text: str) -> list[str]:
    """Tokens that look like a join code: 6 letters/digits with at least one digit."""
    return [t.upper() for t in _CODE_TOKEN.findall(text) if any(c.isdigit() for c in t)
            and any(c.isalpha() for c in t)]


def find_household(ctx: ActionContext, text: str) -> Household | None:
    candidates = code_candidates(text)
    if not candidates:
        return None
    return ctx.session.scalars(select(Household).where(Household.join_code.in_(candidates))).first()


def link(ctx: ActionContext, household: Household) -> list[Reply]:
    ctx.member.household_id = household.id
    ctx.member.is_guest = False
    return [Reply("household_linked",
                  {"head_name": household.head_name, "village": household.village.name},
                  buttons=menu_rows(ctx.catalog, ctx.menu_topic_ids()))]


def welcome(ctx: ActionContext) -> list[Reply]:
    return [Reply("welcome_ask_household",
                  buttons=((Button("have_code", "household:code"),), (Button("guest", "household:guest"),)))]


def ask_code(ctx: ActionContext) -> list[Reply]:
    return [Reply("ask_household_code", buttons=((Button("guest", "household:guest"),),))]


def unknown_code(ctx: ActionContext, code: str) -> list[Reply]:
    return [Reply("household_code_unknown", {"code": code[:16]},
                  buttons=((Button("guest", "household:guest"),),))]


def continue_as_guest(ctx: ActionContext) -> list[Reply]:
    if ctx.member.household_id is None:
        ctx.member.is_guest = True
    return [Reply("guest_welcome", buttons=menu_rows(ctx.catalog, ctx.menu_topic_ids()))]


def start_command(ctx: ActionContext, argument: str) -> list[Reply]:
    """`/start` with an optional join code from a deep link."""
    if argument:
        household = ctx.session.scalars(
            select(Household).where(Household.join_code == argument.strip().upper()[:16])).first()
        if household is not None:
            return link(ctx, household)
        return unknown_code(ctx, argument)
    if ctx.member.onboarded:
        return greet(ctx)
    return welcome(ctx)
