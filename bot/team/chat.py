"""The team feature in the dialogue: commands, button payloads and relayed text.

The dialogue asks here first; None means "not ours", and the turn goes on as before.
Commands: /start TV…  /team TV… (link a team member), /hotro (open requests), /xong (end a relayed
conversation), /push or /guibai (push a tutorial). Payloads: help:*, push:*, reminders:*.
"""
from __future__ import annotations

from sqlalchemy import select

from actions.context import ActionContext
from bot.shared.team_settings import TeamSettings
from bot.shared.types import Button, Reply
from bot.storage.models import Village
from bot.storage.models_team import ROLE_COMMUNE, ROLE_PROVINCE, TeamMember
from bot.team import helpdesk, members as team, push, reminders
from bot.team.replies import team_reply

_AUDIENCE_CODES = {"a": "all", "n": "not_started", "u": "unfinished"}
_SCOPE_CODES = {"v": "village", "c": "commune", "p": "province"}
MAX_VILLAGE_BUTTONS = 12
CANCEL = Button("push_cancel", "push:x")  # the way out of /push at every step: nothing is sent


def command(ctx: ActionContext, name: str, argument: str) -> list[Reply] | None:
    if name in ("/start", "/team") and team.is_link_code(argument):
        return _link(ctx, argument)
    if name == "/team":
        return [team_reply("link_code_unknown")]
    if name == "/hotro":
        return helpdesk.open_list(ctx)
    if name in ("/xong", "/ketthuc"):
        return helpdesk.close(ctx)
    if name in ("/push", "/guibai"):
        return push_menu(ctx)
    return None


def payload(ctx: ActionContext, parts: list[str]) -> list[Reply] | None:
    if len(parts) == 3 and parts[0] == "help":
        verb, request_id = parts[1], parts[2]
        actions = {"take": helpdesk.take, "pass": helpdesk.pass_, "close": helpdesk.close}
        return actions[verb](ctx, request_id) if verb in actions else None
    if parts == ["reminders", "off"]:
        return reminders.turn_off(ctx)
    if parts == ["reminders", "on"]:
        return reminders.turn_on(ctx)
    if parts == ["push", "x"]:
        return [team_reply("push_cancelled")]
    if parts and parts[0] == "push":
        return _push_payload(ctx, parts[1:])
    return None


def text(ctx: ActionContext, message: str) -> list[Reply] | None:
    """Free text: relayed to the other side of a help conversation, if there is one."""
    return helpdesk.relay(ctx, message)


def media(ctx: ActionContext, what: str) -> list[Reply] | None:
    """A photo, voice message, file…: in a help conversation, the other side is told one came."""
    return helpdesk.relay_media(ctx, what)


def _link(ctx: ActionContext, code: str) -> list[Reply]:
    team_member = team.link(ctx.session, ctx.member, code, ctx.now)
    if team_member is None:
        return [team_reply("link_code_unknown")]
    villages = [v.name for v in team_member.villages]
    return [team_reply("member_linked", {"name": team_member.name, "villages": villages,
                                         "role": team_member.role})]


# --- /push: where, which tutorial, to whom, confirm
def push_menu(ctx: ActionContext) -> list[Reply]:
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


def _push_payload(ctx: ActionContext, parts: list[str]) -> list[Reply] | None:
    if len(parts) == 2 and parts[0] == "r" and parts[1].isdigit():
        return _report(ctx, int(parts[1]))
    if len(parts) < 3 or parts[0] not in ("s", "t", "a", "go"):
        return None
    allowed = _scope(ctx, parts[1], parts[2])
    if allowed is None:
        return [team_reply("not_team_member")]
    team_member, scope, scope_id = allowed
    if parts[0] == "s" and len(parts) == 3:
        return _choose_topic(ctx, parts[1], int(parts[2]))
    topic = ctx.catalog.get(parts[3]) if len(parts) > 3 else None
    if topic is None or not topic.is_tutorial:
        return None
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
        return None
    who = _AUDIENCE_CODES[parts[4]]
    if parts[0] == "a":
        chosen = push.audience(ctx.session, topic.id, who, push.scope_villages(ctx.session, scope, scope_id))
        return [team_reply("push_confirm", {"title": topic.title, "place": place, "audience": who,
                                            "households": len(chosen.households), "reachable": len(chosen.targets)},
                      buttons=((Button("push_go", f"push:go:{key}:{parts[4]}"),), (CANCEL,)))]
    created, new = push.create_push(ctx.session, ctx.catalog, topic.id, who, scope, scope_id,
                                    created_by=team_member.name, team_member=team_member, now=ctx.now,
                                    settings=TeamSettings())
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

