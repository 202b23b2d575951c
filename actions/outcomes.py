"""The end of a tutorial: did it work? Done (the household now has the topic's platform), not yet (at which
step, then a person with that step in the request), or later. One outcome per run; a second answer changes it.
"""
from __future__ import annotations

from sqlalchemy import select

from actions.answers import button_unknown
from actions.buttons import MENU, rate_rows, topic_button
from actions.context import ActionContext
from bot.shared.payloads import OutcomeAnswer, OutcomeHelp, OutcomeStep
from bot.shared.types import Button, Reply
from bot.storage.outcomes import OUTCOME_DONE, OUTCOME_FAILED, OUTCOME_LATER, Outcome
from bot.storage.progress import RUN_COMPLETED, TutorialRun

# Steps to pick from, this many a row: short labels ("Bước 3"), so a phone shows a row without cutting them.
STEPS_PER_ROW = 4
_RESULTS = {"done": OUTCOME_DONE, "failed": OUTCOME_FAILED, "later": OUTCOME_LATER}


def ask_rows(run: TutorialRun) -> tuple[tuple[Button, ...], ...]:
    """The question at a tutorial's end: worked, not yet, later."""
    return ((Button("outcome_done", OutcomeAnswer("done", run.id).pack()),),
            (Button("outcome_failed", OutcomeAnswer("failed", run.id).pack()),
             Button("outcome_later", OutcomeAnswer("later", run.id).pack())))


def _finished_run(ctx: ActionContext, run_id: int) -> TutorialRun | None:
    """The member's own finished run of a topic we still have; None for anything else (old or forged)."""
    run = ctx.session.scalars(select(TutorialRun).where(
        TutorialRun.id == run_id, TutorialRun.member_id == ctx.member.id)).first()
    if run is None or run.status != RUN_COMPLETED or run.topic_id not in ctx.catalog.topics:
        return None
    return run


def _finished_run_at(ctx: ActionContext, run_id: int, step: int) -> TutorialRun | None:
    """The member's finished run, when the step is one of its topic's; None for anything else."""
    run = _finished_run(ctx, run_id)
    if run is None or step >= len(ctx.catalog[run.topic_id].steps):
        return None
    return run


def record(ctx: ActionContext, run: TutorialRun, result: str, step_index: int | None = None) -> Outcome:
    """Keep the member's answer for the run (their household's at this time), replacing an earlier one."""
    topic = ctx.catalog[run.topic_id]
    outcome = ctx.session.scalars(select(Outcome).where(Outcome.run_id == run.id)
                                  .order_by(Outcome.id.desc()).limit(1)).first()
    if outcome is None:
        outcome = Outcome(member_id=ctx.member.id, run_id=run.id, topic_id=run.topic_id)
        ctx.session.add(outcome)
    outcome.household_id = ctx.member.household_id
    outcome.platform = topic.platform
    outcome.result, outcome.step_index, outcome.at = result, step_index, ctx.now
    ctx.session.flush()
    return outcome


def answer(ctx: ActionContext, payload: OutcomeAnswer) -> list[Reply]:
    """Done, not yet, or later, for the tutorial just finished."""
    run = _finished_run(ctx, payload.run_id)
    if run is None:
        return button_unknown(ctx)
    topic = ctx.catalog[run.topic_id]
    result = _RESULTS[payload.verb]
    record(ctx, run, result)
    if result == OUTCOME_FAILED:
        numbers = range(len(topic.steps))
        rows = tuple(tuple(Button("outcome_step", OutcomeStep(run.id, i).pack(), {"number": i + 1})
                           for i in numbers[start:start + STEPS_PER_ROW])
                     for start in range(0, len(topic.steps), STEPS_PER_ROW))
        return [Reply("outcome_which_step", {"title": topic.title, "steps": [s.text for s in topic.steps]},
                      buttons=rows + ((MENU,),))]
    platform = ctx.catalog.platforms.get(topic.platform or "")
    following = ctx.catalog.get(topic.next_topic) if result == OUTCOME_DONE else None
    buttons = rate_rows(topic.id)
    if following is not None:
        buttons += ((topic_button(ctx.catalog, following.id),),)
    if result == OUTCOME_LATER:
        return [Reply("outcome_later", {"title": topic.title}, buttons=buttons + ((MENU,),))]
    return [Reply("outcome_done", {"title": topic.title, "platform": platform.name if platform else None,
                                   "next_title": following.title if following else None},
                  buttons=buttons + ((MENU,),))]


def at_step(ctx: ActionContext, payload: OutcomeStep) -> list[Reply]:
    """It did not work at this step: keep the step, offer a person who will know it."""
    run = _finished_run_at(ctx, payload.run_id, payload.step)
    if run is None:
        return button_unknown(ctx)
    topic = ctx.catalog[run.topic_id]
    record(ctx, run, OUTCOME_FAILED, payload.step)
    return [Reply("outcome_failed_step", {"title": topic.title, "number": payload.step + 1,
                                          "step": topic.steps[payload.step].text},
                  buttons=((Button("outcome_help", OutcomeHelp(run.id, payload.step).pack()),),)
                  + rate_rows(topic.id) + ((MENU,),))]


def help_run(ctx: ActionContext, payload: OutcomeHelp) -> TutorialRun | None:
    """The finished run a person is asked about, when the button is the member's and its step one of the run's.

    The request itself is opened by actions/team/handoff.py (routing calls it: actions never import the team's).
    """
    return _finished_run_at(ctx, payload.run_id, payload.step)
