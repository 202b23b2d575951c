"""Households: the list with filters, one household's detail (with what a team member recorded worked, and its
form), its export and deletion (province only)."""
from __future__ import annotations

import json

from starlette.responses import Response

from bot.admin import audit, filters
from bot.admin.errors import BadRequest, NotFound
from bot.admin.messages import message
from bot.admin.privacy import delete_household, export_household
from bot.admin.queries.households import STATUSES, household_detail, list_households
from bot.admin.queries.outcomes import household_platforms
from bot.admin.queries.places import communes_in_scope, villages_in_scope
from bot.admin.views.members import MAY_HANDLE
from bot.admin.web import Ctx, page
from bot.people import team_outcomes
from bot.people.member_data import linked_since
from bot.storage import consent
from bot.storage.households import Household, Member
from bot.storage.staff import ROLE_PROVINCE
from content.privacy import privacy


@page()
def households_page(ctx: Ctx):
    f = filters.household_filter(ctx.params)
    if f.commune_id is not None:
        ctx.scope.check_commune(f.commune_id)
    if f.village_id is not None:
        ctx.scope.check_village(f.village_id)
    result = list_households(ctx.session, ctx.scope, f, ctx.now)
    return ctx.render("households.html", result=result, f=f, statuses=STATUSES,
                      deleted=filters.household_code(ctx.params, "deleted"),
                      communes=communes_in_scope(ctx.session, ctx.scope),
                      villages=villages_in_scope(ctx.session, ctx.scope, f.commune_id))


def _household(ctx: Ctx, household_id: int) -> Household:
    return ctx.village_row(Household, household_id, message("households.not_found"))


@page()
def household_page(ctx: Ctx, household_id: int):
    filters.only(ctx.params, {"recorded"})
    household = _household(ctx, household_id)
    detail = household_detail(ctx.session, household.id, ctx.services.catalog)
    if detail is None:  # deleted since _household read it
        raise NotFound(message("households.not_found"))
    ctx.audit(audit.VIEW_HOUSEHOLD, household.code)
    version = privacy().version
    member_info = {m.id: {"linked": linked_since(ctx.session, m),
                          "consent": getattr(consent.current(ctx.session, m.id, version), "state", None)}
                   for m in detail.members}
    return ctx.render("household.html", d=detail, catalog=ctx.services.catalog, member_info=member_info,
                      platforms=household_platforms(ctx.session, household.id),
                      team_outcomes=team_outcomes.recorded_for(ctx.session, household.id),
                      outcome_members=team_outcomes.members_of(ctx.session, household.id),
                      outcome_platforms=[p for p in ctx.services.catalog.platforms.values()
                                         if team_outcomes.topic_for(ctx.services.catalog, p.id)],
                      recorded=filters.integer(ctx.params, "recorded"),
                      can_manage=ctx.user.role == ROLE_PROVINCE, can_handle_member=ctx.user.role in MAY_HANDLE)


@page()
def household_outcome(ctx: Ctx, household_id: int):
    """What worked for the household when a team member helped in person: platform, member, "Đã làm được"."""
    household = _household(ctx, household_id)
    form = ctx.posted
    raw = str(form.get("member") or "")
    member = ctx.session.get(Member, int(raw)) if raw.isdigit() else None
    if member is None or member.household_id != household.id:
        raise BadRequest(message("households.outcome_member"))
    platform = str(form.get("platform") or "")
    try:
        outcome = team_outcomes.record(ctx.session, ctx.services.catalog, household, platform, ctx.user, ctx.now,
                                       member=member, ip=ctx.ip)
    except team_outcomes.OutcomeRefused as refused:
        if refused.key == "team_outcome.member_required":
            raise BadRequest(message("households.outcome_member")) from refused
        raise BadRequest(message("households.outcome_platform")) from refused
    return ctx.redirect(f"/households/{household.id}", recorded=outcome.id)


@page(ROLE_PROVINCE)
def household_export(ctx: Ctx, household_id: int):
    household = _household(ctx, household_id)
    data = export_household(ctx.session, household.id)
    ctx.audit(audit.EXPORT_HOUSEHOLD, household.code)
    body = json.dumps(data, ensure_ascii=False, indent=2)
    return Response(body, media_type="application/json; charset=utf-8", headers={
        "content-disposition": f'attachment; filename="ho-{household.code}.json"'})


@page(ROLE_PROVINCE)
def household_delete(ctx: Ctx, household_id: int):
    household = _household(ctx, household_id)
    confirm = str(ctx.posted.get("confirm_code") or "").strip()
    if confirm != household.code:
        raise BadRequest(message("households.delete_confirm", code=household.code))
    code = household.code
    ctx.session.expunge(household)
    counts = delete_household(ctx.session, household_id)
    ctx.audit(audit.DELETE_HOUSEHOLD, code, deleted=counts)
    return ctx.redirect("/households", deleted=code)
