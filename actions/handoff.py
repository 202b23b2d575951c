"""Asking for a person: a help request carrying its context."""
from __future__ import annotations

from bot.dialogue.types import Reply
from bot.storage.models import HelpRequest, TutorialRun
from actions.buttons import MENU, resume_rows
from actions.context import ActionContext


def ask_human(ctx: ActionContext, run: TutorialRun | None = None) -> list[Reply]:
    run = run or ctx.active_run()
    ctx.session.add(HelpRequest(
        member_id=ctx.member.id, household_id=ctx.member.household_id,
        topic_id=run.topic_id if run else None, step_index=run.step_index if run else None,
        created_at=ctx.now,
    ))
    topic = ctx.catalog.get(run.topic_id) if run else None
    buttons = resume_rows(run)[:1] + ((MENU,),) if run else ((MENU,),)
    return [Reply("human_handoff",
                  {"topic_title": topic.title if topic else None,
                   "number": run.step_index + 1 if run else None},
                  buttons=buttons)]
