"""The privacy notice and the citizen's rights in chat (Law 91/2025/QH15): consent, /dulieu, /xoa, /rutlai."""
from __future__ import annotations

from sqlalchemy import func, select

from actions.buttons import MENU
from actions.context import ActionContext
from bot.people.erasure import erase_member
from bot.shared.payloads import PrivacyChoice
from bot.shared.types import Button, Reply
from bot.storage import consent
from bot.storage.conversations import ConversationLog
from bot.storage.help import HELP_CLOSED, HelpRequest
from bot.storage.households import Household
from bot.storage.progress import TutorialRun
from content.privacy import privacy

AGREE = Button("privacy_agree", PrivacyChoice("agree").pack())
LATER = Button("privacy_later", PrivacyChoice("later").pack())
MORE = Button("privacy_more", PrivacyChoice("more").pack())
RECENT_TEXTS = 5


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


def first_contact(ctx: ActionContext) -> list[Reply]:
    """The short notice, once per notice version: shown after the answer, never instead of it."""
    if ctx.settings.presumed_consent or consent.current(ctx.session, ctx.member.id, privacy().version) is not None:
        return []
    consent.record(ctx.session, ctx.member.id, privacy().version, consent.ASKED, ctx.now)
    return [_notice(ctx)]


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
    """/dulieu: what is kept about this chat, in its own words."""
    member = ctx.member
    household = ctx.session.get(Household, member.household_id) if member.household_id else None
    runs = []
    for run in ctx.session.scalars(select(TutorialRun).where(TutorialRun.member_id == member.id)
                                   .order_by(TutorialRun.started_at.desc()).limit(10)):
        topic = ctx.catalog.get(run.topic_id)
        if topic is not None:
            runs.append({"title": topic.title, "completed": run.status == "completed",
                         "number": run.step_index + 1, "total": len(topic.steps)})
    kept = (ConversationLog.member_id == member.id) & ConversationLog.text.is_not(None) \
        & ConversationLog.payload.is_(None)
    text_count = ctx.session.scalar(select(func.count()).where(kept)) or 0
    texts = list(ctx.session.scalars(select(ConversationLog.text).where(kept)
                                     .order_by(ConversationLog.id.desc()).limit(RECENT_TEXTS)))
    helps = list(ctx.session.scalars(select(HelpRequest.status).where(HelpRequest.member_id == member.id)))
    row = consent.current(ctx.session, member.id, privacy().version)
    state = row.state if row is not None else None
    return [Reply("privacy_data", {
        "household": {"code": household.code, "village": household.village.name,
                      "commune": household.village.commune.name} if household else None,
        "runs": runs, "text_count": text_count, "texts": texts,
        "help_count": len(helps), "help_open": sum(1 for s in helps if s != HELP_CLOSED),
        "consent": state,
        "consent_date": row.given_at.strftime("%d/%m/%Y") if state == consent.GIVEN else None,
    }, buttons=(((AGREE,),) if state != consent.GIVEN else ()) + ((MENU,),))]


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


