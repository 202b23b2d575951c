"""Asking for a person: a help request carrying its context, relayed to the village's tech team."""
from __future__ import annotations

from actions.buttons import MENU, resume_rows
from actions.context import ActionContext
from actions.team import helpdesk
from actions.team.replies import team_reply
from bot.shared.types import Reply
from bot.storage.help import HELP_TAKEN
from bot.storage.progress import RUN_UNFINISHED, TutorialRun


def ask_human(ctx: ActionContext, run: TutorialRun | None = None, step_index: int | None = None) -> list[Reply]:
    """Open a help request about the run (at `step_index`, when the citizen said where a finished one failed)."""
    run = run or ctx.active_run()
    request, new, told = helpdesk.open_request(ctx, run, step_index)
    buttons = resume_rows(run)[:1] + ((MENU,),) if run and run.status in RUN_UNFINISHED else ((MENU,),)
    if not new:
        return [team_reply("help_already_open", {"taken": request.status == HELP_TAKEN},
                      buttons=((helpdesk.close_button(request),),) + buttons)]
    topic = ctx.catalog.get(run.topic_id) if run else None
    return [Reply("human_handoff",
                  {"topic_title": topic.title if topic else None,
                   "number": (step_index if step_index is not None else run.step_index) + 1 if run else None,
                   "told": told},
                  buttons=buttons)]
