"""Which action answers a button payload, a command or an understood intent: one table for each."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from sqlalchemy import select

from actions import answers, onboarding, outcomes, privacy, ratings, tutorial
from actions.context import ActionContext
from actions.team import guest_help, handoff, helpdesk, link, push_menu, reminders, sessions, team_outcomes
from bot.people.team_members import is_link_code
from bot.shared import payloads
from bot.shared.types import Reply
from bot.storage.progress import TutorialRun
from nlu import intents
from nlu.meaning import Meaning

# A button's action gets its parsed payload (bot/shared/payloads.py), found by the payload's type.
PayloadAction = Callable[[ActionContext, Any], list[Reply]]

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
_HELP_ACTIONS = {"take": helpdesk.take, "pass": helpdesk.pass_, "close": helpdesk.close}
_HOUSEHOLD_ACTIONS = {"guest": onboarding.continue_as_guest, "code": onboarding.ask_code}
_REMINDER_ACTIONS = {"off": reminders.turn_off, "on": reminders.turn_on}


def _alone(action: Callable[[ActionContext], list[Reply]]) -> PayloadAction:
    """A payload that is its prefix alone (`menu`, `human`)."""
    return lambda ctx, payload: action(ctx)


def _topic(ctx: ActionContext, payload: payloads.TopicButton) -> list[Reply]:
    if payload.topic_id not in ctx.catalog.topics:
        return answers.button_unknown(ctx)
    return start_topic(ctx, payload.topic_id)


def _chosen_topic(ctx: ActionContext, payload: payloads.ChosenTopic) -> list[Reply]:
    """The citizen's pick when asked which of two topics they meant."""
    if payload.topic_id not in ctx.catalog.topics:
        return answers.button_unknown(ctx)
    answers.keep_choice(ctx, payload.topic_id)
    return start_topic(ctx, payload.topic_id)


def _run_button(ctx: ActionContext, payload: payloads.RunButton) -> list[Reply]:
    verb = payload.verb
    run = ctx.session.scalars(select(TutorialRun).where(
        TutorialRun.id == payload.run_id, TutorialRun.member_id == ctx.member.id)).first()
    if run is None or run.topic_id not in ctx.catalog.topics:
        return answers.button_unknown(ctx)
    if verb in _ANY_STATE:
        if run.status == "completed" and verb == "resume":
            return tutorial.already_completed(ctx, run)
        return _RUN_ACTIONS[verb](ctx, run)
    if run.status == "completed":
        return tutorial.already_completed(ctx, run)
    if run.status != "active" or run.step_index != payload.step:
        # A second click on an old button: show where the member really is.
        return [Reply("button_stale")] + tutorial.resume(ctx, run)
    return _RUN_ACTIONS[verb](ctx, run)


def _outcome_help(ctx: ActionContext, payload: payloads.OutcomeHelp) -> list[Reply]:
    """"Not yet" at a step of a finished tutorial: a person, the request carrying that step."""
    run = outcomes.help_run(ctx, payload)
    if run is None:
        return answers.button_unknown(ctx)
    return handoff.ask_human(ctx, run, step_index=payload.step)


PAYLOADS: dict[type, PayloadAction] = {
    payloads.Menu: _alone(answers.menu),
    payloads.Human: _alone(handoff.ask_human),
    payloads.HouseholdChoice: lambda ctx, payload: _HOUSEHOLD_ACTIONS[payload.choice](ctx),
    payloads.AddressForm: lambda ctx, payload: onboarding.set_address_form(ctx, payload.form),
    payloads.TopicButton: _topic,
    payloads.ChosenTopic: _chosen_topic,
    payloads.RunButton: _run_button,
    payloads.HelpButton: lambda ctx, payload: _HELP_ACTIONS[payload.verb](ctx, str(payload.request_id)),
    payloads.RemindersChoice: lambda ctx, payload: _REMINDER_ACTIONS[payload.choice](ctx),
    payloads.PrivacyChoice: privacy.on_button,
    payloads.OutcomeAnswer: outcomes.answer,
    payloads.OutcomeStep: outcomes.at_step,
    payloads.OutcomeHelp: _outcome_help,
    payloads.RatingButton: ratings.rate,
    payloads.RatingReason: ratings.reason,
    payloads.PushCancel: push_menu.on_button,
    payloads.PushReport: push_menu.on_button,
    payloads.PushPlace: push_menu.on_button,
    payloads.PushTopic: push_menu.on_button,
    payloads.PushAudience: push_menu.on_button,
    payloads.PushVillagePage: push_menu.on_button,
    payloads.SessionVillage: sessions.on_button,
    payloads.SessionWhen: sessions.on_button,
    payloads.SessionTopic: sessions.on_button,
    payloads.SessionStep: sessions.on_button,
    payloads.SessionAttend: sessions.on_button,
    payloads.SessionHousehold: sessions.on_button,
    payloads.SessionPlatform: sessions.on_button,
    payloads.SessionUpcoming: sessions.on_button,
    payloads.SessionCancel: sessions.on_button,
    payloads.SessionVillagePage: sessions.on_button,
    payloads.GuestCommunePage: guest_help.on_commune_page,
    payloads.GuestVillagePage: guest_help.on_village_page,
    payloads.GuestCommune: guest_help.on_commune,
    payloads.GuestVillage: handoff.at_village,
    payloads.ResultPage: team_outcomes.on_button,
    payloads.ResultHousehold: team_outcomes.on_button,
    payloads.ResultPlatform: team_outcomes.on_button,
    payloads.ResultCancel: team_outcomes.on_button,
}


def route_payload(ctx: ActionContext, payload: str) -> list[Reply]:
    """A button press: straight to its action, never through the NLU."""
    parsed = payloads.parse(payload)
    action = PAYLOADS.get(type(parsed))
    return action(ctx, parsed) if action is not None else answers.button_unknown(ctx)


@dataclass(frozen=True)
class Command:
    """A slash command's action (given the text after the command) and the intent its turn is logged under."""

    action: Callable[[ActionContext, str], list[Reply]]
    intent: str


def _ignoring_argument(action: Callable[[ActionContext], list[Reply]]) -> Callable[[ActionContext, str], list[Reply]]:
    return lambda ctx, argument: action(ctx)


def stop_tutorial(ctx: ActionContext) -> list[Reply]:
    """/stop: pause the tutorial in progress."""
    return _with_run(ctx, tutorial.pause)


_MENU = Command(_ignoring_argument(answers.menu), "menu")
_ADDRESS_FORM = Command(_ignoring_argument(onboarding.ask_address_form), "address_form")
_CLOSE_HELP = _ignoring_argument(helpdesk.close)
_PUSH = _ignoring_argument(push_menu.start)
COMMANDS: dict[str, Command] = {
    "/start": Command(onboarding.start_command, "start"),
    "/xungho": _ADDRESS_FORM,
    "/address": _ADDRESS_FORM,
    "/menu": _MENU,
    "/help": _MENU,
    "/stop": Command(_ignoring_argument(stop_tutorial), intents.STOP_TUTORIAL),
    "/team": Command(link.link_member, "team_team"),
    "/hotro": Command(_ignoring_argument(helpdesk.open_list), "team_hotro"),
    "/xong": Command(_CLOSE_HELP, "team_xong"),
    "/ketthuc": Command(_CLOSE_HELP, "team_ketthuc"),
    "/push": Command(_PUSH, "team_push"),
    "/guibai": Command(_PUSH, "team_guibai"),
    # In-person sessions: schedule one, cancel one not yet begun, then record who came and what worked.
    "/buoihotro": Command(_ignoring_argument(sessions.start), "team_buoihotro"),
    "/huybuoi": Command(_ignoring_argument(sessions.cancel_start), "team_huybuoi"),
    "/diemdanh": Command(_ignoring_argument(sessions.attendance), "team_diemdanh"),
    # What worked for a household helped in person (household, platform, "Đã làm được").
    "/ketqua": Command(team_outcomes.start, "team_ketqua"),
    # The citizen's rights (Law 91/2025/QH15): see what is kept, delete it, take consent back.
    "/dulieu": Command(_ignoring_argument(privacy.show_data), "privacy_data"),
    "/xoa": Command(_ignoring_argument(privacy.ask_erase), "privacy_erase"),
    "/rutlai": Command(_ignoring_argument(privacy.withdraw), "privacy_withdraw"),
}
# A team member's card has a deep link whose /start carries their link code, not a household's join code.
_START_AS_TEAM_MEMBER = Command(link.link_member, "team_start")
_UNKNOWN_COMMAND = Command(_ignoring_argument(answers.menu), "unknown_command")


def route_command(ctx: ActionContext, text: str) -> tuple[list[Reply], str, bool]:
    """`/name argument`: the replies, the intent to log, and whether the command was known."""
    name, _, argument = text.partition(" ")
    name, argument = name.split("@", 1)[0].lower(), argument.strip()
    command = COMMANDS.get(name, _UNKNOWN_COMMAND)
    if name == "/start" and is_link_code(argument):
        command = _START_AS_TEAM_MEMBER
    return command.action(ctx, argument), command.intent, command is not _UNKNOWN_COMMAND


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


def _next_step(ctx: ActionContext) -> list[Reply]:
    """"Tiếp", "xong rồi", "ok": the next step; right after the last one, did it work? (asked again)."""
    run = ctx.active_run()
    if run is not None:
        return tutorial.next_step(ctx, run)
    finished = outcomes.just_finished(ctx)
    return outcomes.ask_again(ctx, finished) if finished is not None else tutorial.no_active_tutorial(ctx)


def _said_done(ctx: ActionContext) -> list[Reply]:
    """"Được rồi": inside a tutorial the step is done; after one, it worked (recorded for that tutorial)."""
    run = ctx.active_run()
    return tutorial.next_step(ctx, run) if run is not None else outcomes.said_done(ctx)


def _said_not_done(ctx: ActionContext) -> list[Reply]:
    """"Vẫn chưa được": stuck at the step in progress, or the tutorial last asked about did not work; else a
    person, as "không làm được" gets."""
    run = ctx.active_run()
    if run is not None:
        return handoff.ask_human(ctx, run)
    finished = outcomes.not_done_run(ctx)
    return outcomes.said_not_done(ctx, finished) if finished is not None else handoff.ask_human(ctx)


_INTENT_ACTIONS = {
    intents.GREET: answers.greet,
    intents.THANKS: answers.thanks,
    intents.BYE: answers.bye,
    intents.DENY: answers.deny,
    intents.MENU: answers.menu,
    intents.ASK_HUMAN: handoff.ask_human,
    intents.OUT_OF_SCOPE: answers.out_of_scope,
    intents.NLU_FALLBACK: answers.out_of_scope,
    intents.NEXT_STEP: _next_step,
    intents.AFFIRM: _next_step,
    intents.REPEAT_STEP: lambda ctx: _with_run(ctx, tutorial.repeat_step),
    intents.PREVIOUS_STEP: lambda ctx: _with_run(ctx, tutorial.previous_step),
    intents.STOP_TUTORIAL: lambda ctx: _with_run(ctx, tutorial.pause),
    intents.RESUME_TUTORIAL: tutorial.no_active_tutorial,
    intents.TELL_DONE: _said_done,
    intents.TELL_NOT_DONE: _said_not_done,
}


def _named(meaning: Meaning, id_: str | None) -> str:
    """The topic or procedure id a meaning of that kind carries (nlu.meaning.Reader always sets it)."""
    if id_ is None:
        raise ValueError(f"a {meaning.kind!r} meaning without its id: {meaning}")
    return id_


def route_meaning(ctx: ActionContext, meaning: Meaning) -> tuple[list[Reply], bool]:
    """Free text, read by nlu.meaning. Returns the replies and whether it was understood."""
    if meaning.kind == "unclear":
        return answers.clarify(ctx, list(meaning.likely)), False
    if meaning.kind == "choose":
        return answers.choose_topic(ctx, list(meaning.choices)), True
    if meaning.kind == "topic":
        return start_topic(ctx, _named(meaning, meaning.topic_id)), True
    if meaning.kind == "procedure":
        return answers.not_covered(ctx, _named(meaning, meaning.procedure_id)), True
    if meaning.intent == intents.RESUME_TUTORIAL:
        run = ctx.active_run()
        if run is not None:
            return tutorial.repeat_step(ctx, run), True
    action = _INTENT_ACTIONS.get(meaning.intent) if meaning.intent is not None else None
    if action is None:
        return answers.clarify(ctx, list(meaning.likely)), False
    return action(ctx), meaning.intent not in intents.REJECTING
