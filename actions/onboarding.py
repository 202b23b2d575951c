"""Linking a chat identity to a household (join code or deep link), or continuing as a guest.

At most one code is tried per message, wrong codes are limited per chat identity and client address
(bot/people/join_guard.py), and the link reply names the household by its head's initials and village,
never the full name: whoever typed a code learns nothing a guess could collect."""
from __future__ import annotations

import math
from datetime import datetime
from functools import cache
from typing import Literal, overload
from zoneinfo import ZoneInfo

from sqlalchemy import select

from actions import privacy
from actions.answers import greet
from actions.buttons import menu_rows
from actions.context import ActionContext
from bot.people import join_guard
from bot.shared.join_codes import LEGACY_JOIN_CODE_LENGTH, code_candidates, format_code, is_mistyped
from bot.shared.payloads import AddressForm, HouseholdChoice
from bot.shared.types import Button, Reply
from bot.storage.households import Household
from content.address_forms import AddressForms

GUEST = Button("guest", HouseholdChoice("guest").pack())


@cache
def address_forms() -> AddressForms:
    return AddressForms.load()


def trier(ctx: ActionContext) -> join_guard.Trier:
    return join_guard.Trier(ctx.member.channel, ctx.member.external_id, ctx.client_address)


def initials(name: str) -> str:
    """`Nguyễn Văn An` -> `N. V. A.`: enough for a household to know itself, too little to collect."""
    return " ".join(f"{word[0].upper()}." for word in name.split() if word[0].isalpha())


def code_wait(ctx: ActionContext, until: datetime) -> Reply:
    """Too many wrong codes: the local time (rounded up to the minute) they may try again."""
    zone = ZoneInfo(ctx.settings.timezone)
    local = datetime.fromtimestamp(math.ceil(until.timestamp() / 60) * 60, zone)
    same_day = local.date() == ctx.now.astimezone(zone).date()
    return Reply("join_code_wait", {"time": local.strftime("%H:%M"),
                                    "date": None if same_day else local.strftime("%d/%m")})


def waiting(ctx: ActionContext) -> list[Reply] | None:
    """The wait reply while this chat or address has used up its wrong codes, else None."""
    until = join_guard.waiting_until(ctx.session, trier(ctx), ctx.settings, ctx.now)
    return [code_wait(ctx, until)] if until is not None else None


def count_wrong(ctx: ActionContext) -> None:
    join_guard.record_wrong(ctx.session, trier(ctx), ctx.settings, ctx.now)


@overload
def try_codes(ctx: ActionContext, candidates: list[str], quiet_miss: Literal[False] = False) -> list[Reply]: ...
@overload
def try_codes(ctx: ActionContext, candidates: list[str], quiet_miss: bool) -> list[Reply] | None: ...
def try_codes(ctx: ActionContext, candidates: list[str], quiet_miss: bool = False) -> list[Reply] | None:
    """Try the one code of a message. None when `quiet_miss` and an old-style code matched nothing
    (free text that only looked like a code goes on to the NLU; the miss still counts)."""
    if len(candidates) > 1:
        return [Reply("household_code_one_at_a_time", buttons=((GUEST,),))]
    limited = waiting(ctx)
    if limited is not None:
        return limited
    [code] = candidates
    if is_mistyped(code):
        # Never compared with a household, so it tells a guesser nothing: not counted.
        return [Reply("household_code_mistyped", {"code": format_code(code)}, buttons=((GUEST,),))]
    household = ctx.session.scalars(select(Household).where(Household.join_code == code)).first()
    if household is not None:
        return link(ctx, household)
    count_wrong(ctx)
    if quiet_miss and len(code) == LEGACY_JOIN_CODE_LENGTH:
        return None
    return unknown_code(ctx, code)


def code_in_text(ctx: ActionContext, text: str) -> list[Reply] | None:
    """Free text from a chat with no household: the reply to a code in it, or None when it holds none."""
    candidates = code_candidates(text)
    return try_codes(ctx, candidates, quiet_miss=True) if candidates else None


def _then_address_or_menu(ctx: ActionContext, reply: Reply) -> list[Reply]:
    """After onboarding: ask once how to address the person, else show the menu."""
    if ctx.member.address_form is None:
        return [reply] + ask_address_form(ctx)
    return [Reply(reply.template, reply.context, buttons=menu_rows(ctx.catalog, ctx.menu_topic_ids()))]


def ask_address_form(ctx: ActionContext) -> list[Reply]:
    forms = list(address_forms().forms)
    rows = tuple(tuple(Button("address", AddressForm(f).pack(), {"form": f}) for f in forms[i:i + 4])
                 for i in range(0, len(forms), 4))
    return [Reply("ask_address_form", buttons=rows)]


def set_address_form(ctx: ActionContext, form: str) -> list[Reply]:
    if form not in address_forms().forms:
        return ask_address_form(ctx)
    ctx.member.address_form = form
    return [Reply("address_saved", buttons=menu_rows(ctx.catalog, ctx.menu_topic_ids()))]


def link(ctx: ActionContext, household: Household) -> list[Reply]:
    if not privacy.consented(ctx):  # a household link needs consent (Law 91/2025/QH15)
        return privacy.ask_before_link(ctx)
    ctx.member.household_id = household.id
    ctx.member.is_guest = False
    return _then_address_or_menu(ctx, Reply(
        "household_linked", {"initials": initials(household.head_name), "village": household.village.name}))


def welcome(ctx: ActionContext) -> list[Reply]:
    return [Reply("welcome_ask_household",
                  buttons=((Button("have_code", HouseholdChoice("code").pack()),), (GUEST,)))]


def ask_code(ctx: ActionContext) -> list[Reply]:
    return [Reply("ask_household_code", buttons=((GUEST,),))]


def unknown_code(ctx: ActionContext, code: str) -> list[Reply]:
    return [Reply("household_code_unknown", {"code": format_code(code[:16])},
                  buttons=((GUEST,),))]


def continue_as_guest(ctx: ActionContext) -> list[Reply]:
    if ctx.member.household_id is None:
        ctx.member.is_guest = True
    return _then_address_or_menu(ctx, Reply("guest_welcome"))


def start_command(ctx: ActionContext, argument: str) -> list[Reply]:
    """`/start` with an optional join code from a deep link."""
    if argument:
        candidates = code_candidates(argument)
        if not candidates:  # compared with nothing: not counted
            return unknown_code(ctx, argument)
        return try_codes(ctx, candidates)
    if ctx.member.onboarded:
        return greet(ctx)
    return welcome(ctx)
