"""Which action answers a button payload or an understood intent."""
from __future__ import annotations

from sqlalchemy import select

from actions import answers, handoff, onboarding, tutorial
from actions.context import ActionContext
from bot.shared.types import Reply
from bot.storage.models import TutorialRun
from bot.team import chat as team_chat
from nlu import intents
from nlu.meaning import Meaning

_RUN_ACTIONS = {
    "next": tutorial.next_step,
    "back": tutorial.previous_step,
    "repeat": tutorial.repeat_step,
    "stop": tutorial.pause,
    "stuck": lambda ctx, run: handoff.ask_human(ctx, run),
    "resume": lambda ctx, run: tutorial.resume(ctx, run),
    "restart": tutorial.restart,
}
# Buttons that still make sense on a paused run or an older step.
_ANY_STATE = {"resume", "restart"}


def route_payload(ctx: ActionContext, payload: str) -> list[Reply]:
    """A button press: straight to its action, never through the NLU."""
    parts = payload.split(":")
    if parts == ["menu"]:
        return answers.menu(ctx)
    if parts == ["human"]:
        return handoff.ask_human(ctx)
    if parts == ["household", "guest"]:
        return onboarding.continue_as_guest(ctx)
    if parts == ["household", "code"]:
        return onboarding.ask_code(ctx)
    if len(parts) == 2 and parts[0] == "address":
        return onboarding.set_address_form(ctx, parts[1])
    if len(parts) == 2 and parts[0] == "topic" and parts[1] in ctx.catalog.topics:
        return start_topic(ctx, parts[1])
    if len(parts) == 2 and parts[0] == "choose" and parts[1] in ctx.catalog.topics:
        answers.keep_choice(ctx, parts[1])
        return start_topic(ctx, parts[1])
    if len(parts) == 4 and parts[0] == "tutorial" and parts[1] in _RUN_ACTIONS:
        return _route_run_button(ctx, parts[1], parts[2], parts[3])
    replies = team_chat.payload(ctx, parts)
    return replies if replies is not None else answers.button_unknown(ctx)


def _route_run_button(ctx: ActionContext, verb: str, run_id: str, step: str) -> list[Reply]:
    if not (run_id.isdigit() and step.isdigit()):
        return answers.button_unknown(ctx)
    run = ctx.session.scalars(select(TutorialRun).where(
        TutorialRun.id == int(run_id), TutorialRun.member_id == ctx.member.id)).first()
    if run is None or run.topic_id not in ctx.catalog.topics:
        return answers.button_unknown(ctx)
    if verb in _ANY_STATE:
        if run.status == "completed" and verb == "resume":
            return tutorial.already_completed(ctx, run)
        return _RUN_ACTIONS[verb](ctx, run)
    if run.status == "completed":
        return tutorial.already_completed(ctx, run)
    if run.status != "active" or run.step_index != int(step):
        # A second click on an old button: show where the member really is.
        return [Reply("button_stale")] + tutorial.resume(ctx, run)
    return _RUN_ACTIONS[verb](ctx, run)


def start_topic(ctx: ActionContext, topic_id: str) -> list[Reply]:
    topic = ctx.catalog[topic_id]
    if topic.is_tutorial:
        return tutorial.start(ctx, topic_id)
    return answers.faq(ctx, topic_id)


def _with_run(ctx: ActionContext, action) -> list[Reply]:
    run = ctx.active_run()
    if run is None:
        return tutorial.no_active_tutorial(ctx)
    return action(ctx, run)


_INTENT_ACTIONS = {
    intents.GREET: answers.greet,
    intents.THANKS: answers.thanks,
    intents.BYE: answers.bye,
    intents.DENY: answers.deny,
    intents.MENU: answers.menu,
    intents.ASK_HUMAN: handoff.ask_human,
    intents.OUT_OF_SCOPE: answers.out_of_scope,
    intents.NLU_FALLBACK: answers.out_of_scope,
    intents.NEXT_STEP: lambda ctx: _with_run(ctx, tutorial.next_step),
    intents.AFFIRM: lambda ctx: _with_run(ctx, tutorial.next_step),
    intents.REPEAT_STEP: lambda ctx: _with_run(ctx, tutorial.repeat_step),
    intents.PREVIOUS_STEP: lambda ctx: _with_run(ctx, tutorial.previous_step),
    intents.STOP_TUTORIAL: lambda ctx: _with_run(ctx, tutorial.pause),
    intents.RESUME_TUTORIAL: tutorial.no_active_tutorial,
}


def route_meaning(ctx: ActionContext, meaning: Meaning) -> tuple[list[Reply], bool]:
    """Free text, read by nlu.meaning. Returns the replies and whether it was understood."""
    if meaning.kind == "unclear":
        return answers.clarify(ctx, list(meaning.likely)), False
    if meaning.kind == "choose":
        return answers.choose_topic(ctx, list(meaning.choices)), True
    if meaning.kind == "topic":
        return start_topic(ctx, meaning.topic_id), True
    if meaning.kind == "procedure":
        return answers.not_covered(ctx, meaning.procedure_id), True
    if meaning.intent == intents.RESUME_TUTORIAL:
        run = ctx.active_run()
        if run is not None:
            return tutorial.repeat_step(ctx, run), True
    action = _INTENT_ACTIONS.get(meaning.intent)
    if action is None:
        return answers.clarify(ctx, list(meaning.likely)), False
    return action(ctx), meaning.intent not in intents.REJECTING


def stop_tutorial(ctx: ActionContext) -> list[Reply]:
    """/stop: pause the tutorial in progress."""
    return _with_run(ctx, tutorial.pause)
