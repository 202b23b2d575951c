"""`/push` (or `/guibai`) from chat: where, which tutorial, to whom, confirm; then the push's report.

Buttons: push:s:<scope>:<id> (a place), push:vp:<page> (a page of the member's villages, actions/paging.py),
push:t:<scope>:<id>:<topic> (a tutorial), push:a:…:<audience> (confirm), push:go:…:<audience> (queue it),
push:r:<push id> (the report), push:x (cancel).
"""
from __future__ import annotations

from sqlalchemy import select

from actions.answers import button_unknown
from actions.context import ActionContext
from actions.paging import paged, reading_order
from actions.team import push
from actions.team.replies import team_reply
from bot.people import team_members as team
from bot.shared.payloads import PushAudience, PushCancel, PushPlace, PushReport, PushTopic, PushVillagePage
from bot.shared.types import Button, Reply
from bot.storage.places import Village
from bot.storage.staff import ROLE_COMMUNE, ROLE_PROVINCE, Staff

_AUDIENCE_LABELS = {"all": "push_all", "not_started": "push_not_started", "unfinished": "push_unfinished"}
CANCEL = Button("push_cancel", PushCancel().pack())  # the way out of /push at every step: nothing is sent
PushButton = PushCancel | PushReport | PushPlace | PushTopic | PushAudience | PushVillagePage


def start(ctx: ActionContext) -> list[Reply]:
    """`/push`: the places this team member may push to (straight to the tutorials when there is one)."""
    team_member = team.team_member_of(ctx.session, ctx.member)
    if team_member is None:
        return [team_reply("not_team_member")]
    village_ids = team.village_ids(ctx.session, team_member)
    if team_member.role not in (ROLE_COMMUNE, ROLE_PROVINCE) and len(village_ids) == 1:
        return _choose_topic(ctx, "village", village_ids[0])
    return _choose_place(ctx, team_member, village_ids, 0)


def _choose_place(ctx: ActionContext, team_member: Staff, village_ids: list[int], page: int) -> list[Reply]:
    """The whole province or commune (on the first page), then a page of the member's villages."""
    rows: list[tuple[Button, ...]] = []
    if page == 0 and team_member.role == ROLE_PROVINCE:
        rows.append((Button("push_province", PushPlace("province", 0).pack()),))
    if page == 0 and team_member.role == ROLE_COMMUNE and team_member.commune_id:
        rows.append((Button("push_commune", PushPlace("commune", team_member.commune_id).pack()),))
    villages = sorted(ctx.session.scalars(select(Village).where(Village.id.in_(village_ids))),
                      key=lambda v: (reading_order(v.name), v.id))
    rows += paged(villages, page, lambda v: Button("topic", PushPlace("village", v.id).pack(), {"title": v.name}),
                  lambda to: PushVillagePage(to).pack())
    return [team_reply("push_choose_place", buttons=(*rows, (CANCEL,)))]


def _scope(ctx: ActionContext, scope: str, place_id: int) -> tuple[Staff, int | None] | None:
    """The team member and the scope's id (None for the province) when they may push there."""
    team_member = team.team_member_of(ctx.session, ctx.member)
    if team_member is None:
        return None
    number = place_id if scope != "province" else None
    if not push.may_push(ctx.session, team_member, scope, number):
        return None
    return team_member, number


def _choose_topic(ctx: ActionContext, scope: str, place_id: int) -> list[Reply]:
    topics = [t for t in ctx.catalog if t.is_tutorial]
    rows = tuple((Button("topic", PushTopic(scope, place_id, t.id).pack(), {"title": t.title}),) for t in topics)
    return [team_reply("push_choose_topic",
                  {"place": push.scope_name(ctx.session, scope, place_id if scope != "province" else None)},
                  buttons=(*rows, (CANCEL,)))]


def on_button(ctx: ActionContext, payload: PushButton) -> list[Reply]:
    """A push:… button (bot/shared/payloads.py)."""
    if isinstance(payload, PushCancel):
        return [team_reply("push_cancelled")]
    if isinstance(payload, PushReport):
        return _report(ctx, payload.push_id)
    if isinstance(payload, PushVillagePage):
        return _turn_page(ctx, payload.page)
    allowed = _scope(ctx, payload.scope, payload.place_id)
    if allowed is None:
        return [team_reply("not_team_member")]
    team_member, scope_id = allowed
    if isinstance(payload, PushPlace):
        return _choose_topic(ctx, payload.scope, payload.place_id)
    topic = ctx.catalog.get(payload.topic_id)
    if topic is None or not topic.is_tutorial:
        return button_unknown(ctx)
    scope, place = payload.scope, push.scope_name(ctx.session, payload.scope, scope_id)
    if isinstance(payload, PushTopic):
        villages = push.scope_villages(ctx.session, scope, scope_id)
        counts = {who: push.audience(ctx.session, topic.id, who, villages) for who in _AUDIENCE_LABELS}
        return [team_reply("push_choose_audience", {
            "title": topic.title, "place": place,
            "counts": {who: {"households": len(a.households), "reachable": len(a.targets)}
                       for who, a in counts.items()}},
            buttons=tuple((Button(label, PushAudience("a", scope, payload.place_id, topic.id, who).pack()),)
                          for who, label in _AUDIENCE_LABELS.items()) + ((CANCEL,),))]
    who = payload.audience
    if payload.verb == "a":
        chosen = push.audience(ctx.session, topic.id, who, push.scope_villages(ctx.session, scope, scope_id))
        go = PushAudience("go", scope, payload.place_id, topic.id, who)
        return [team_reply("push_confirm", {"title": topic.title, "place": place, "audience": who,
                                            "households": len(chosen.households), "reachable": len(chosen.targets)},
                      buttons=((Button("push_go", go.pack()),), (CANCEL,)))]
    created, new = push.create_push(ctx.session, ctx.catalog, topic.id, who, scope, scope_id,
                                    created_by=team_member.name, team_member=team_member, now=ctx.now,
                                    settings=ctx.settings)
    ctx.session.flush()
    result = push.report(ctx.session, ctx.catalog, created.id)
    if result is None:
        raise LookupError(f"push {created.id} was just created (flushed) but has no report")
    return [team_reply("push_queued", {**result.as_dict(), "again": not new},
                  buttons=((Button("push_report", PushReport(created.id).pack()),),))]


def _turn_page(ctx: ActionContext, page: int) -> list[Reply]:
    """"Xem thêm" or "Quay lại" under the villages: the member's villages as they are now."""
    team_member = team.team_member_of(ctx.session, ctx.member)
    if team_member is None:
        return [team_reply("not_team_member")]
    return _choose_place(ctx, team_member, team.village_ids(ctx.session, team_member), page)


def _report(ctx: ActionContext, push_id: int) -> list[Reply]:
    team_member = team.team_member_of(ctx.session, ctx.member)
    result = push.report(ctx.session, ctx.catalog, push_id)
    if team_member is None or result is None or not push.may_push(
            ctx.session, team_member, result.push.scope, result.push.scope_id):
        return [team_reply("not_team_member")]
    return [push.report_reply(result)]

