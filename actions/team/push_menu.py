"""`/push` (or `/guibai`) from chat: where, which tutorial, to whom, confirm; then the push's report.

Buttons: push:s:<scope>:<id> (a place), push:t:<scope>:<id>:<topic> (a tutorial), push:a:…:<audience>
(confirm), push:go:…:<audience> (queue it), push:r:<push id> (the report), push:x (cancel).
"""
from __future__ import annotations

from sqlalchemy import select

from actions.answers import button_unknown
from actions.context import ActionContext
from actions.team import push
from actions.team.replies import team_reply
from bot.people import team_members as team
from bot.shared.types import Button, Reply
from bot.storage.models import Village
from bot.storage.models_team import ROLE_COMMUNE, ROLE_PROVINCE, TeamMember

_AUDIENCE_CODES = {"a": "all", "n": "not_started", "u": "unfinished"}
_SCOPE_CODES = {"v": "village", "c": "commune", "p": "province"}
MAX_VILLAGE_BUTTONS = 12
CANCEL = Button("push_cancel", "push:x")  # the way out of /push at every step: nothing is sent


def start(ctx: ActionContext) -> list[Reply]:
    """`/push`: the places this team member may push to (straight to the tutorials when there is one)."""
    team_member = team.team_member_of(ctx.session, ctx.member)
    if team_member is None:
        return [team_reply("not_team_member")]
    village_ids = team.village_ids(ctx.session, team_member)
    if team_member.role not in (ROLE_COMMUNE, ROLE_PROVINCE) and len(village_ids) == 1:
        return _choose_topic(ctx, "v", village_ids[0])
    rows: list[tuple[Button, ...]] = []
    if team_member.role == ROLE_PROVINCE:
        rows.append((Button("push_province", "push:s:p:0"),))
    if team_member.role == ROLE_COMMUNE and team_member.commune_id:
        rows.append((Button("push_commune", f"push:s:c:{team_member.commune_id}"),))
    villages = ctx.session.scalars(select(Village).where(Village.id.in_(village_ids))
                                   .order_by(Village.name).limit(MAX_VILLAGE_BUTTONS)).all()
    rows += [(Button("topic", f"push:s:v:{v.id}", {"title": v.name}),) for v in villages]
    return [team_reply("push_choose_place", buttons=(*rows, (CANCEL,)))]


def _scope(ctx: ActionContext, code: str, scope_id: str) -> tuple[TeamMember, str, int | None] | None:
    team_member = team.team_member_of(ctx.session, ctx.member)
    if team_member is None or code not in _SCOPE_CODES or not scope_id.isdigit():
        return None
    scope = _SCOPE_CODES[code]
    number = int(scope_id) if scope != "province" else None
    if not push.may_push(ctx.session, team_member, scope, number):
        return None
    return team_member, scope, number


def _choose_topic(ctx: ActionContext, code: str, scope_id: int) -> list[Reply]:
    scope = _SCOPE_CODES[code]
    topics = [t for t in ctx.catalog if t.is_tutorial]
    rows = tuple((Button("topic", f"push:t:{code}:{scope_id}:{t.id}", {"title": t.title}),) for t in topics)
    return [team_reply("push_choose_topic",
                  {"place": push.scope_name(ctx.session, scope, scope_id if scope != "province" else None)},
                  buttons=(*rows, (CANCEL,)))]


def on_button(ctx: ActionContext, parts: list[str]) -> list[Reply]:
    """A push:… button, `parts` being what follows `push:`."""
    if parts == ["x"]:
        return [team_reply("push_cancelled")]
    if len(parts) == 2 and parts[0] == "r" and parts[1].isdigit():
        return _report(ctx, int(parts[1]))
    if len(parts) < 3 or parts[0] not in ("s", "t", "a", "go"):
        return button_unknown(ctx)
    allowed = _scope(ctx, parts[1], parts[2])
    if allowed is None:
        return [team_reply("not_team_member")]
    team_member, scope, scope_id = allowed
    if parts[0] == "s" and len(parts) == 3:
        return _choose_topic(ctx, parts[1], int(parts[2]))
    topic = ctx.catalog.get(parts[3]) if len(parts) > 3 else None
    if topic is None or not topic.is_tutorial:
        return button_unknown(ctx)
    key = f"{parts[1]}:{parts[2]}:{topic.id}"
    place = push.scope_name(ctx.session, scope, scope_id)
    if parts[0] == "t" and len(parts) == 4:
        villages = push.scope_villages(ctx.session, scope, scope_id)
        counts = {code: push.audience(ctx.session, topic.id, who, villages) for code, who in _AUDIENCE_CODES.items()}
        return [team_reply("push_choose_audience", {
            "title": topic.title, "place": place,
            "counts": {who: {"households": len(a.households), "reachable": len(a.targets)}
                       for code, who in _AUDIENCE_CODES.items() for a in [counts[code]]}},
            buttons=((Button("push_all", f"push:a:{key}:a"),), (Button("push_not_started", f"push:a:{key}:n"),),
                     (Button("push_unfinished", f"push:a:{key}:u"),), (CANCEL,)))]
    if len(parts) != 5 or parts[4] not in _AUDIENCE_CODES:
        return button_unknown(ctx)
    who = _AUDIENCE_CODES[parts[4]]
    if parts[0] == "a":
        chosen = push.audience(ctx.session, topic.id, who, push.scope_villages(ctx.session, scope, scope_id))
        return [team_reply("push_confirm", {"title": topic.title, "place": place, "audience": who,
                                            "households": len(chosen.households), "reachable": len(chosen.targets)},
                      buttons=((Button("push_go", f"push:go:{key}:{parts[4]}"),), (CANCEL,)))]
    created, new = push.create_push(ctx.session, ctx.catalog, topic.id, who, scope, scope_id,
                                    created_by=team_member.name, team_member=team_member, now=ctx.now,
                                    settings=ctx.settings)
    ctx.session.flush()
    result = push.report(ctx.session, ctx.catalog, created.id)
    return [team_reply("push_queued", {**result.as_dict(), "again": not new},
                  buttons=((Button("push_report", f"push:r:{created.id}"),),))]


def _report(ctx: ActionContext, push_id: int) -> list[Reply]:
    team_member = team.team_member_of(ctx.session, ctx.member)
    result = push.report(ctx.session, ctx.catalog, push_id)
    if team_member is None or result is None or not push.may_push(
            ctx.session, team_member, result.push.scope, result.push.scope_id):
        return [team_reply("not_team_member")]
    return [push.report_reply(result)]

