"""Walking a tutorial: start, next, back, repeat, pause, resume, restart; progress per household."""
from __future__ import annotations

from sqlalchemy import insert

from actions import outcomes
from actions.buttons import MENU, menu_rows, resume_rows, run_button, step_rows, topic_button
from actions.context import ActionContext
from bot.shared.types import Button, Reply
from bot.storage.progress import (
    RUN_ABANDONED,
    RUN_ACTIVE,
    RUN_COMPLETED,
    RUN_PAUSED,
    RUN_UNFINISHED,
    StepEvent,
    TutorialRun,
)

_ADD_EVENT = insert(StepEvent.__table__)


def _event(ctx: ActionContext, run: TutorialRun, kind: str) -> None:
    # A Core insert on the table, on the path of every press: no ORM object, no id read back, one compiled
    # statement reused (the ORM's unit of work was the largest part of a turn's CPU).
    ctx.session.execute(_ADD_EVENT, {"run_id": run.id, "kind": kind, "step_index": run.step_index, "at": ctx.now})
    run.updated_at = ctx.now


def step_reply(ctx: ActionContext, run: TutorialRun) -> Reply:
    """The current step of a run, with its buttons; logs that it was shown."""
    topic = ctx.catalog[run.topic_id]
    step = topic.steps[run.step_index]
    _event(ctx, run, "step_shown")
    return Reply(
        "tutorial_step",
        {"topic_id": topic.id, "number": run.step_index + 1, "total": len(topic.steps),
         "step": step.model_dump()},
        buttons=step_rows(run),
        image=step.image,
    )


def _pause_other_runs(ctx: ActionContext, keep: TutorialRun | None = None) -> None:
    run = ctx.active_run()
    if run is not None and run is not keep:
        run.status = RUN_PAUSED
        _event(ctx, run, "paused")


def start(ctx: ActionContext, topic_id: str) -> list[Reply]:
    """Start a tutorial, or resume it where the member left it."""
    unfinished = ctx.latest_unfinished_run(topic_id)
    if unfinished is not None:
        return resume(ctx, unfinished, announce=True)
    _pause_other_runs(ctx)
    topic = ctx.catalog[topic_id]
    run = TutorialRun(member_id=ctx.member.id, household_id=ctx.member.household_id,
                      topic_id=topic_id, step_index=0, status=RUN_ACTIVE,
                      started_at=ctx.now, updated_at=ctx.now)
    ctx.session.add(run)
    ctx.session.flush()
    _event(ctx, run, "started")
    intro = Reply("tutorial_intro", {"topic_id": topic.id, "title": topic.title,
                                      "summary": topic.summary, "prepare": list(topic.prepare),
                                      "total": len(topic.steps)})
    return [intro, step_reply(ctx, run)]


def resume(ctx: ActionContext, run: TutorialRun, announce: bool = False) -> list[Reply]:
    _pause_other_runs(ctx, keep=run)
    if run.status != RUN_ACTIVE:
        run.status = RUN_ACTIVE
        _event(ctx, run, "resumed")
    topic = ctx.catalog[run.topic_id]
    replies = []
    if announce:
        replies.append(Reply("tutorial_resumed", {"title": topic.title, "number": run.step_index + 1}))
    return replies + [step_reply(ctx, run)]


def restart(ctx: ActionContext, run: TutorialRun) -> list[Reply]:
    if run.status in RUN_UNFINISHED:
        run.status = RUN_ABANDONED
        _event(ctx, run, "abandoned")
    return start(ctx, run.topic_id)


def next_step(ctx: ActionContext, run: TutorialRun) -> list[Reply]:
    topic = ctx.catalog[run.topic_id]
    _event(ctx, run, "step_done")
    if run.step_index + 1 >= len(topic.steps):
        return complete(ctx, run)
    run.step_index += 1
    return [step_reply(ctx, run)]


def previous_step(ctx: ActionContext, run: TutorialRun) -> list[Reply]:
    run.step_index = max(0, run.step_index - 1)
    return [step_reply(ctx, run)]


def repeat_step(ctx: ActionContext, run: TutorialRun) -> list[Reply]:
    return [step_reply(ctx, run)]


def pause(ctx: ActionContext, run: TutorialRun) -> list[Reply]:
    topic = ctx.catalog[run.topic_id]
    run.status = RUN_PAUSED
    _event(ctx, run, "paused")
    return [Reply("tutorial_paused", {"title": topic.title, "number": run.step_index + 1,
                                      "total": len(topic.steps)},
                  buttons=resume_rows(run))]


def complete(ctx: ActionContext, run: TutorialRun) -> list[Reply]:
    topic = ctx.catalog[run.topic_id]
    run.status = RUN_COMPLETED
    run.completed_at = ctx.now
    _event(ctx, run, "completed")
    following = ctx.catalog.get(topic.next_topic)
    # Did it work? (actions/outcomes.py); the next topic and the menu stay for those who do not answer.
    buttons: tuple[tuple[Button, ...], ...] = outcomes.ask_rows(run) + ((MENU,),)
    if following is not None:
        buttons = outcomes.ask_rows(run) + ((topic_button(ctx.catalog, following.id),), (MENU,))
    return [Reply("tutorial_completed",
                  {"topic_id": topic.id, "title": topic.title,
                   "next_title": following.title if following else None},
                  buttons=buttons)]


def already_completed(ctx: ActionContext, run: TutorialRun) -> list[Reply]:
    topic = ctx.catalog[run.topic_id]
    return [Reply("tutorial_already_completed", {"title": topic.title},
                  buttons=((run_button("restart", run),),
                           (MENU,)))]


def no_active_tutorial(ctx: ActionContext) -> list[Reply]:
    unfinished = ctx.latest_unfinished_run()
    if unfinished is not None:
        return resume(ctx, unfinished, announce=True)
    return [Reply("no_active_tutorial", buttons=menu_rows(ctx.catalog, ctx.menu_topic_ids()))]
