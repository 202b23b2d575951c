"""The privacy notice and the citizen's rights in chat (Law 91/2025/QH15): consent, /dulieu, /xoa, /rutlai."""
from __future__ import annotations

from actions.buttons import MENU
from actions.context import ActionContext
from bot.people.erasure import erase_member
from bot.people.member_data import kept_about, member_reference
from bot.shared.payloads import PrivacyChoice
from bot.shared.types import Button, Reply
from bot.storage import consent
from content.privacy import privacy

AGREE = Button("privacy_agree", PrivacyChoice("agree").pack())
LATER = Button("privacy_later", PrivacyChoice("later").pack())
MORE = Button("privacy_more", PrivacyChoice("more").pack())


def _notice_context(ctx: ActionContext) -> dict:
    return {"log_days": ctx.settings.log_retention_days, "help_days": ctx.settings.help_text_retention_days,
            "responsible": privacy().responsible, "version": privacy().version}


def consented(ctx: ActionContext) -> bool:
    """Did this chat agree to the notice's current version (and not take it back)?"""
    if ctx.settings.presumed_consent:
        return True
    return consent.given(ctx.session, ctx.member.id, privacy().version)


def _notice(ctx: ActionContext, to_link: bool = False) -> Reply:
    return Reply("privacy_notice", {**_notice_context(ctx), "to_link": to_link}, buttons=((AGREE, LATER), (MORE,)))


def close_turn(ctx: ActionContext, may_show_notice: bool) -> tuple[list[Reply], bool]:
    """What every turn ends with, from one read of the consent row: the short notice if this chat was never
    asked about the notice's version (after the answer, never instead of it), and whether the turn's words
    may be kept."""
    if ctx.settings.presumed_consent:
        return [], True
    row = consent.current(ctx.session, ctx.member.id, privacy().version)
    if row is None and may_show_notice:
        consent.record(ctx.session, ctx.member.id, privacy().version, consent.ASKED, ctx.now)
        return [_notice(ctx)], False
    return [], row is not None and row.state == consent.GIVEN


def ask_before_link(ctx: ActionContext) -> list[Reply]:
    """Linking a household needs consent: the notice again, even after "not now"."""
    consent.record(ctx.session, ctx.member.id, privacy().version, consent.ASKED, ctx.now)
    return [_notice(ctx, to_link=True)]


def agree(ctx: ActionContext) -> list[Reply]:
    consent.record(ctx.session, ctx.member.id, privacy().version, consent.GIVEN, ctx.now)
    return [Reply("privacy_agreed", buttons=((MENU,),))]


def not_now(ctx: ActionContext) -> list[Reply]:
    consent.record(ctx.session, ctx.member.id, privacy().version, consent.REFUSED, ctx.now)
    return [Reply("privacy_not_now", buttons=((MENU,),))]


def read_more(ctx: ActionContext) -> list[Reply]:
    buttons = ((MENU,),) if consented(ctx) else ((AGREE, LATER),)
    return [Reply("privacy_full", _notice_context(ctx), buttons=buttons)]


def withdraw(ctx: ActionContext) -> list[Reply]:
    """/rutlai: no more text kept from now on, and no household link (it needs consent)."""
    consent.record(ctx.session, ctx.member.id, privacy().version, consent.WITHDRAWN, ctx.now)
    if ctx.member.household_id is not None:
        ctx.member.household_id = None
        ctx.member.is_guest = True
    return [Reply("privacy_withdrawn", buttons=((MENU,),))]


def show_data(ctx: ActionContext) -> list[Reply]:
    """/dulieu: what is kept about this chat, in its own words, with the reference the commune office can type."""
    data = kept_about(ctx.session, ctx.member, ctx.catalog)
    return [Reply("privacy_data", {**data, "reference": member_reference(ctx.settings.reference_key, ctx.member)},
                  buttons=(((AGREE,),) if data["consent"] != consent.GIVEN else ()) + ((MENU,),))]


def ask_erase(ctx: ActionContext) -> list[Reply]:
    """/xoa: nothing is deleted before the citizen confirms."""
    return [Reply("privacy_erase_confirm", buttons=((Button("privacy_erase", PrivacyChoice("erase").pack()),
                                                     Button("privacy_keep", PrivacyChoice("keep").pack())),))]


def erase(ctx: ActionContext) -> list[Reply]:
    erase_member(ctx.session, ctx.member, ctx.now)
    return [Reply("privacy_erased")]


def keep(ctx: ActionContext) -> list[Reply]:
    return [Reply("privacy_erase_kept", buttons=((MENU,),))]


CHOICES = {"agree": agree, "later": not_now, "more": read_more, "erase": erase, "keep": keep}


def on_button(ctx: ActionContext, payload: PrivacyChoice) -> list[Reply]:
    return CHOICES[payload.choice](ctx)


