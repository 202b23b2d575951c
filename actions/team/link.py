"""A team member links their chat to the team: `/team <code>`, or `/start <code>` from the deep link."""
from __future__ import annotations

from actions import onboarding
from actions.context import ActionContext
from actions.team.replies import team_reply
from bot.people import team_members as team
from bot.shared.types import Reply


def link_member(ctx: ActionContext, code: str) -> list[Reply]:
    """Spend a one-time link code: this chat becomes the team member's."""
    if not team.is_link_code(code):  # compared with nothing: not counted
        return [team_reply("link_code_unknown")]
    # Link codes are guessed like join codes: the same limits, counted together.
    limited = onboarding.waiting(ctx)
    if limited is not None:
        return limited
    team_member = team.link(ctx.session, ctx.member, code, ctx.now)
    if team_member is None:
        onboarding.count_wrong(ctx)
        return [team_reply("link_code_unknown")]
    villages = [v.name for v in team_member.villages]
    return [team_reply("member_linked", {"name": team_member.name, "villages": villages,
                                         "role": team_member.role})]
