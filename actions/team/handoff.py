"""Asking for a person: a help request carrying its context, relayed to the village's tech team."""
from __future__ import annotations

from actions.answers import button_unknown
from actions.buttons import MENU, resume_rows
from actions.context import ActionContext
from actions.team import guest_help, helpdesk
from actions.team.replies import team_reply
from bot.delivery.outbox import PUSHABLE_CHANNELS
from bot.shared.payloads import GuestVillage
from bot.shared.types import Reply
from bot.storage.help import HELP_TAKEN
from bot.storage.progress import RUN_UNFINISHED, TutorialRun


def ask_human(ctx: ActionContext, run: TutorialRun | None = None, step_index: int | None = None,
              village_id: int | None = None) -> list[Reply]:
    """Open a help request about the run (at `step_index`, when the citizen said where a finished one failed).

    A citizen of no household is first asked their commune and village (`village_id` once they chose it)."""
    run = run or ctx.active_run()
    if ctx.member.household_id is None and village_id is None \
            and helpdesk.active_as_citizen(ctx.session, ctx.member) is None:
        asked = guest_help.ask_commune(ctx, run, step_index)
        if asked is not None:
            return asked
    request, new, told = helpdesk.open_request(ctx, run, step_index, village_id)
    buttons = resume_rows(run)[:1] + ((MENU,),) if run and run.status in RUN_UNFINISHED else ((MENU,),)
    if not new:
        return [team_reply("help_already_open", {"taken": request.status == HELP_TAKEN},
                      buttons=((helpdesk.close_button(request),),) + buttons)]
    topic = ctx.catalog.get(run.topic_id) if run else None
    village = helpdesk.village_of(ctx.session, request)
    return [Reply("human_handoff",
                  {"topic_title": topic.title if topic else None,
                   "number": (step_index if step_index is not None else run.step_index) + 1 if run else None,
                   "told": told, "village": village.name if village else None,
                   "commune": village.commune.name if village else None,
                   # The web chat cannot bring a helper's answer to someone (bot/delivery/outbox.py).
                   "reachable": ctx.member.channel in PUSHABLE_CHANNELS},
                  buttons=buttons)]


def at_village(ctx: ActionContext, payload: GuestVillage) -> list[Reply]:
    """A guest chose their village: the request goes to its team."""
    chosen = guest_help.chosen(ctx, payload)
    if chosen is None:
        return button_unknown(ctx)
    village, run, step_index = chosen
    return ask_human(ctx, run, step_index, village_id=village.id)
