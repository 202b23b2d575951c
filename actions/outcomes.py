"""The end of a tutorial: did it work? Done (the household now has the topic's platform), not yet (at which
step, then a person with that step in the request), or later. One outcome per run; a second answer changes it.
Also said later in the citizen's own words ("kích hoạt được rồi", "vẫn chưa được"), about the tutorial they
were last asked about.
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from actions.answers import button_unknown
from actions.buttons import MENU, menu_rows, rate_rows, topic_button
from actions.context import ActionContext
from bot.delivery.clock import aware
from bot.shared.payloads import OutcomeAnswer, OutcomeHelp, OutcomeStep
from bot.shared.types import Button, Reply
from bot.storage.delivery import OutboxItem
from bot.storage.outcomes import OUTCOME_DONE, OUTCOME_FAILED, OUTCOME_LATER, Outcome
from bot.storage.progress import RUN_COMPLETED, TutorialRun

# Steps to pick from, this many a row: short labels ("Bước 3"), so a phone shows a row without cutting them.
STEPS_PER_ROW = 4
_RESULTS = {"done": OUTCOME_DONE, "failed": OUTCOME_FAILED, "later": OUTCOME_LATER}
# Words such as "làm được rồi" are taken as about a tutorial asked "did it work?" this recently, at its end or by
# the reminder after a "Để sau"; older than that, the citizen more likely means something else.
SAID_WITHIN_DAYS = 30
# "Xong rồi", "tiếp" or "ok" typed this soon after a tutorial's last step is about that tutorial: the question "did it
# work?" is asked again instead of "no tutorial in progress".
JUST_FINISHED = timedelta(hours=1)
# The outbox's dedupe key of the "did it work?" reminder (actions/team/outcome_reminders.py, dedupe_key).
_REMINDER_KEY = "outcome:{run_id}"


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
        return _which_step(ctx, run)
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


def _which_step(ctx: ActionContext, run: TutorialRun) -> list[Reply]:
    """Not yet: at which step of the run's tutorial (short numbered buttons)."""
    topic = ctx.catalog[run.topic_id]
    numbers = range(len(topic.steps))
    rows = tuple(tuple(Button("outcome_step", OutcomeStep(run.id, i).pack(), {"number": i + 1})
                       for i in numbers[start:start + STEPS_PER_ROW])
                 for start in range(0, len(topic.steps), STEPS_PER_ROW))
    return [Reply("outcome_which_step", {"title": topic.title, "steps": [s.text for s in topic.steps]},
                  buttons=rows + ((MENU,),))]


def last_asked(ctx: ActionContext) -> tuple[TutorialRun, Outcome | None] | None:
    """The finished run the member was last asked "did it work?" about (at its end or by the reminder), within
    SAID_WITHIN_DAYS, with its outcome so far; None when there is none."""
    since = ctx.now - timedelta(days=SAID_WITHIN_DAYS)
    runs = [run for run in ctx.session.scalars(select(TutorialRun).where(
        TutorialRun.member_id == ctx.member.id, TutorialRun.status == RUN_COMPLETED,
        TutorialRun.completed_at.is_not(None))) if run.topic_id in ctx.catalog.topics]
    if not runs:
        return None
    keys = {_REMINDER_KEY.format(run_id=run.id): run.id for run in runs}
    reminded = {keys[key]: aware(sent) for key, sent in ctx.session.execute(
        select(OutboxItem.dedupe_key, OutboxItem.sent_at).where(
            OutboxItem.dedupe_key.in_(keys), OutboxItem.sent_at.is_not(None))) if key and sent}

    def asked_at(run: TutorialRun):
        completed = aware(run.completed_at) if run.completed_at is not None else since  # None filtered above
        return max(completed, reminded.get(run.id, completed)), run.id

    run = max(runs, key=asked_at)
    if asked_at(run)[0] < since:
        return None
    outcome = ctx.session.scalars(select(Outcome).where(Outcome.run_id == run.id)
                                  .order_by(Outcome.id.desc()).limit(1)).first()
    return run, outcome


def said_done(ctx: ActionContext) -> list[Reply]:
    """"Làm được rồi" after a tutorial: recorded for the run last asked about, as the "Đã làm được" button does."""
    asked = last_asked(ctx)
    if asked is None:
        return [Reply("outcome_said_unknown", buttons=menu_rows(ctx.catalog, ctx.menu_topic_ids()))]
    run, outcome = asked
    topic = ctx.catalog[run.topic_id]
    platform = ctx.catalog.platforms.get(topic.platform or "")
    context = {"title": topic.title, "platform": platform.name if platform else None}
    if outcome is not None and outcome.result == OUTCOME_DONE:
        # Already counted for the household: the first "done" and its date stay as they are.
        return [Reply("outcome_said_already", context, buttons=((MENU,),))]
    record(ctx, run, OUTCOME_DONE)
    following = ctx.catalog.get(topic.next_topic)
    # "Được rồi" is also a plain "OK": the question's other answers stay one tap away, should it be misread.
    buttons = ask_rows(run)[1:]
    if following is not None:
        buttons += ((topic_button(ctx.catalog, following.id),),)
    return [Reply("outcome_said_done", {**context, "next_title": following.title if following else None},
                  buttons=buttons + ((MENU,),))]


def not_done_run(ctx: ActionContext) -> TutorialRun | None:
    """The run "vẫn chưa được" is about: the one last asked about, unless the member said it worked."""
    asked = last_asked(ctx)
    if asked is None or (asked[1] is not None and asked[1].result == OUTCOME_DONE):
        return None
    return asked[0]


def just_finished(ctx: ActionContext) -> TutorialRun | None:
    """The tutorial the member finished within JUST_FINISHED without saying yet whether it worked."""
    asked = last_asked(ctx)
    if asked is None or asked[1] is not None:
        return None
    run = asked[0]
    if run.completed_at is None or aware(run.completed_at) < ctx.now - JUST_FINISHED:
        return None
    return run


def ask_again(ctx: ActionContext, run: TutorialRun) -> list[Reply]:
    """The end's question again, nothing recorded: the citizen taps the answer."""
    topic = ctx.catalog[run.topic_id]
    return [Reply("outcome_ask_again", {"title": topic.title}, buttons=ask_rows(run) + ((MENU,),))]


def said_not_done(ctx: ActionContext, run: TutorialRun) -> list[Reply]:
    """"Vẫn chưa được" after a tutorial: as the "Chưa được" button, at which step (then a person)."""
    record(ctx, run, OUTCOME_FAILED)
    return _which_step(ctx, run)


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
