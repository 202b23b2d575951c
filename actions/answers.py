"""Short answers: FAQs, the menu, clarifying questions, small talk, out of scope."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from actions.buttons import HUMAN, MENU, menu_rows, rate_rows, resume_rows, topic_button
from actions.context import ActionContext
from bot.delivery.clock import LocalTime
from bot.people import support_sessions
from bot.shared.payloads import ChosenTopic
from bot.shared.types import Button, Reply
from bot.storage.conversations import ConversationLog, TopicChoice
from bot.storage.households import Household
from content.words import words

# The FAQ a citizen's "when is the next session?" is understood as: answered with their village's sessions too.
SESSIONS_FAQ = "faq-community-tech-team"
# A pick counts for the question asked back only this soon after it.
CHOICE_WINDOW = timedelta(hours=1)


def faq(ctx: ActionContext, topic_id: str) -> list[Reply]:
    topic = ctx.catalog[topic_id]
    tutorial = ctx.catalog.get(topic.tutorial)
    buttons: tuple[tuple[Button, ...], ...] = rate_rows(topic.id) + ((MENU,),)
    if tutorial is not None:
        buttons = ((topic_button(ctx.catalog, tutorial.id),),) + buttons
    answer = Reply("faq_answer", {"topic_id": topic.id, "title": topic.title, "answer": topic.answer,
                                  "tutorial_title": tutorial.title if tutorial else None},
                   buttons=buttons)
    if topic.id == SESSIONS_FAQ and ctx.member.household_id is not None:
        return [answer, next_sessions(ctx, ctx.member.household_id)]
    return [answer]


def next_sessions(ctx: ActionContext, household_id: int) -> Reply:
    """The household's village's next in-person sessions, or that none is scheduled and how to ask the team."""
    household = ctx.session.get(Household, household_id)
    if household is None:
        return Reply("sessions_next", {"village": "", "sessions": []}, buttons=((HUMAN,),))
    zone = LocalTime.of(ctx.settings).zone
    rows = [support_sessions.shown(ctx.session, ctx.catalog, row, zone)
            for row in support_sessions.upcoming(ctx.session, household.village_id, ctx.now)]
    return Reply("sessions_next", {"village": household.village.name,
                                   "sessions": [{"day": s.day, "time": s.time, "weekday": s.weekday,
                                                 "place": s.place, "topics": s.topics} for s in rows]},
                 buttons=() if rows else ((HUMAN,),))


def menu(ctx: ActionContext) -> list[Reply]:
    return [Reply("menu", buttons=menu_rows(ctx.catalog, ctx.menu_topic_ids()))]


def clarify(ctx: ActionContext, likely_topic_ids: list[str]) -> list[Reply]:
    """Low confidence: a short menu of the likely topics plus the offer of a person."""
    topics = likely_topic_ids or ctx.menu_topic_ids()
    return [Reply("clarify", {"topic_ids": topics[:3]}, buttons=menu_rows(ctx.catalog, topics[:3]))]


def choose_topic(ctx: ActionContext, topic_ids: list[str]) -> list[Reply]:
    """Two topics citizens mix up are both likely: ask which, instead of guessing."""
    rows = tuple((Button("topic", ChosenTopic(t).pack(), {"title": ctx.catalog[t].title}),) for t in topic_ids)
    return [Reply("choose_topic", {"topic_ids": topic_ids}, buttons=rows + ((HUMAN,),))]


def keep_choice(ctx: ActionContext, topic_id: str) -> None:
    """Keep the citizen's pick as a candidate training example: their last question that was asked back."""
    asked = ctx.session.scalars(
        select(ConversationLog)
        .where(ConversationLog.member_id == ctx.member.id, ConversationLog.payload.is_(None),
               ConversationLog.at >= ctx.now - CHOICE_WINDOW)
        .order_by(ConversationLog.id.desc()).limit(1)).first()
    if asked is None or not (asked.replies or "").startswith("choose_topic"):
        return
    if ctx.session.scalar(select(TopicChoice.id).where(TopicChoice.log_id == asked.id)) is None:
        ctx.session.add(TopicChoice(log_id=asked.id, topic_id=topic_id, at=ctx.now))


def not_covered(ctx: ActionContext, procedure_id: str) -> list[Reply]:
    """A public procedure with no tutorial yet: say so plainly, say where it is done, offer a person."""
    procedure = ctx.catalog.procedures[procedure_id]
    return [Reply("not_covered", {"procedure_id": procedure.id, "title": procedure.title, "where": procedure.where},
                  buttons=((HUMAN,), (MENU,)))]


def out_of_scope(ctx: ActionContext) -> list[Reply]:
    return [Reply("out_of_scope", buttons=menu_rows(ctx.catalog, ctx.menu_topic_ids()))]


def greet(ctx: ActionContext) -> list[Reply]:
    unfinished = ctx.latest_unfinished_run()
    if unfinished is not None:
        topic = ctx.catalog[unfinished.topic_id]
        return [Reply("greet"), Reply("tutorial_paused",
                                      {"title": topic.title, "number": unfinished.step_index + 1,
                                       "total": len(topic.steps)},
                                      buttons=resume_rows(unfinished))]
    return [Reply("greet", buttons=menu_rows(ctx.catalog, ctx.menu_topic_ids()))]


def simple(template: str):
    """An action that only says one thing and offers the menu."""
    def action(ctx: ActionContext) -> list[Reply]:
        return [Reply(template, buttons=((MENU,),))]
    action.__name__ = f"say_{template}"
    return action


thanks = simple("thanks")
bye = simple("bye")
deny = simple("deny")
message_empty = simple("message_empty")
message_too_long = simple("message_too_long")
button_unknown = simple("button_unknown")


# What a citizen calls each kind of message the assistant cannot read; voice is heard, the rest seen.
HEARD_MEDIA = frozenset({"voice", "audio"})


def media_word(media: str) -> str:
    """What a message we cannot read is called, from content/words.yml."""
    return words().media_word(media)


def unsupported_media(ctx: ActionContext, media: str) -> list[Reply]:
    return [Reply("unsupported_media", {"what": media_word(media), "heard": media in HEARD_MEDIA},
                  buttons=((MENU,), (HUMAN,)))]


def nlu_unavailable(ctx: ActionContext) -> list[Reply]:
    """Rasa cannot be reached: say so kindly, and keep every button path open."""
    run = ctx.active_run() or ctx.latest_unfinished_run()
    buttons = menu_rows(ctx.catalog, ctx.menu_topic_ids())
    if run is not None:
        buttons = resume_rows(run)[:1] + buttons
    return [Reply("nlu_unavailable", buttons=buttons)]
