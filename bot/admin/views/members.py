"""One member's rights when they come to the commune office in person: find them, export or erase their data.

Province and commune officials only, a commune official for their own commune's households (guests, linked to
no household, only the province); every export and erasure in the audit log, naming the member by id.
"""
from __future__ import annotations

import json

from sqlalchemy import func, select
from starlette.responses import Response

from bot.admin import audit, filters
from bot.admin.errors import BadRequest, NotFound
from bot.admin.messages import message
from bot.admin.scope import OutOfScope
from bot.admin.web import Ctx, page
from bot.people.erasure import ERASED_CHANNEL_PREFIX, erase_member
from bot.people.member_data import export_member, find_by_reference, kept_about, linked_since, member_reference
from bot.storage.consent import Consent
from bot.storage.conversations import ConversationLog
from bot.storage.help import HelpRequest
from bot.storage.households import Household, Member
from bot.storage.staff import ROLE_COMMUNE, ROLE_PROVINCE

MAY_HANDLE = (ROLE_PROVINCE, ROLE_COMMUNE)


def target(member: Member) -> str:
    """How the audit log names a member: by id, never by name."""
    return f"member:{member.id}"


def _key(ctx: Ctx) -> bytes:
    return ctx.services.dialogue.settings.reference_key


def _member(ctx: Ctx, member_id: int) -> Member:
    member = ctx.session.get(Member, member_id)
    if member is None or member.external_id.startswith(ERASED_CHANNEL_PREFIX):
        raise NotFound(message("members.not_found"))
    if member.household_id is not None:
        ctx.scope.check_village(ctx.session.get_one(Household, member.household_id).village_id)
    elif not ctx.scope.everything:
        raise OutOfScope(f"member {member.id} of no household")
    return member


@page(*MAY_HANDLE)
def member_find(ctx: Ctx):
    filters.only(ctx.params, {"ref"})
    typed = filters.text(ctx.params, "ref")
    member = None
    if typed:
        condition = None if ctx.scope.everything else Member.household_id.in_(ctx.scope.households().scalar_subquery())
        member = find_by_reference(ctx.session, _key(ctx), typed, condition)
        if member is not None:
            return ctx.redirect(f"/members/{member.id}")
    return ctx.render("member_find.html", typed=typed, status_code=404 if typed else 200)


@page(*MAY_HANDLE)
def member_page(ctx: Ctx, member_id: int):
    filters.only(ctx.params, set())
    member = _member(ctx, member_id)
    ctx.audit(audit.VIEW_MEMBER, target(member))
    return ctx.render("member.html", m=member, kept=kept_about(ctx.session, member, ctx.services.catalog),
                      reference=member_reference(_key(ctx), member), linked=linked_since(ctx.session, member))


@page(*MAY_HANDLE)
def member_export(ctx: Ctx, member_id: int):
    member = _member(ctx, member_id)
    data = export_member(ctx.session, member, ctx.services.catalog, _key(ctx))
    ctx.audit(audit.EXPORT_MEMBER, target(member))
    body = json.dumps(data, ensure_ascii=False, indent=2)
    return Response(body, media_type="application/json; charset=utf-8", headers={
        "content-disposition": f'attachment; filename="du-lieu-{data["member"]["reference"]}.json"'})


def _to_remove(ctx: Ctx, member: Member) -> dict[str, int]:
    """What the erasure will blank or delete, counted, for the confirmation page."""
    def count(model, *conditions) -> int:
        return ctx.session.scalar(select(func.count()).select_from(model).where(*conditions)) or 0
    return {"texts": count(ConversationLog, ConversationLog.member_id == member.id, ConversationLog.text.is_not(None)),
            "help_requests": count(HelpRequest, HelpRequest.member_id == member.id),
            "consents": count(Consent, Consent.member_id == member.id)}


@page(*MAY_HANDLE)
def member_erase_confirm(ctx: Ctx, member_id: int):
    filters.only(ctx.params, set())
    member = _member(ctx, member_id)
    household = ctx.session.get(Household, member.household_id) if member.household_id else None
    return ctx.render("member_erase.html", m=member, household=household, counts=_to_remove(ctx, member),
                      reference=member_reference(_key(ctx), member))


@page(*MAY_HANDLE)
def member_erase(ctx: Ctx, member_id: int):
    member = _member(ctx, member_id)
    if str(ctx.posted.get("confirm") or "") != "yes":
        raise BadRequest(message("members.erase_confirm"))
    household = ctx.session.get(Household, member.household_id) if member.household_id else None
    counts = erase_member(ctx.session, member, ctx.now)
    ctx.audit(audit.ERASE_MEMBER, target(member), erased=counts)
    return ctx.render("member_erased.html", household=household, member_id=member.id)
