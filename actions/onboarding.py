"""Linking a chat identity to a household (join code or deep link), or continuing as a guest."""
from __future__ import annotations

from functools import cache

from sqlalchemy import select

from actions import privacy
from actions.answers import greet
from actions.buttons import menu_rows
from actions.context import ActionContext
from bot.shared.join_codes import code_candidates
from bot.shared.payloads import AddressForm, HouseholdChoice
from bot.shared.types import Button, Reply
from bot.storage.households import Household
from content.address_forms import AddressForms

GUEST = Button("guest", HouseholdChoice("guest").pack())


@cache
def address_forms() -> AddressForms:
    return AddressForms.load()


def find_household(ctx: ActionContext, text: str) -> Household | None:
    candidates = code_candidates(text)
    if not candidates:
        return None
    return ctx.session.scalars(select(Household).where(Household.join_code.in_(candidates))).first()


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
        "household_linked", {"head_name": household.head_name, "village": household.village.name}))


def welcome(ctx: ActionContext) -> list[Reply]:
    return [Reply("welcome_ask_household",
                  buttons=((Button("have_code", HouseholdChoice("code").pack()),), (GUEST,)))]


def ask_code(ctx: ActionContext) -> list[Reply]:
    return [Reply("ask_household_code", buttons=((GUEST,),))]


def unknown_code(ctx: ActionContext, code: str) -> list[Reply]:
    return [Reply("household_code_unknown", {"code": code[:16]},
                  buttons=((GUEST,),))]


def continue_as_guest(ctx: ActionContext) -> list[Reply]:
    if ctx.member.household_id is None:
        ctx.member.is_guest = True
    return _then_address_or_menu(ctx, Reply("guest_welcome"))


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
