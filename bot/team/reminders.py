"""Gentle reminders: a household that stopped in the middle of a tutorial hears from us after a delay,
never in quiet hours, at most twice per tutorial run, and never again after one tap on "turn off"."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from actions.context import ActionContext
from bot.team.replies import team_reply
from bot.dialogue.types import Button, Reply
from bot.storage.models import Member, TutorialRun
from bot.storage.models_team import Reminder
from bot.team.clock import LocalTime, aware
from bot.team.config import TeamSettings
from bot.team.outbox import PRIORITY_REMINDER, PUSHABLE_CHANNELS, enqueue

OFF = Button("reminders_off", "reminders:off")
ON = Button("reminders_on", "reminders:on")


def reminder_reply(catalog, run: TutorialRun) -> Reply:
    topic = catalog[run.topic_id]
    return team_reply("reminder", {"title": topic.title, "number": run.step_index + 1, "total": len(topic.steps)},
                 buttons=((Button("resume", f"tutorial:resume:{run.id}:{run.step_index}"),), (OFF,)))


def send_due(session: Session, catalog, settings: TeamSettings, now: datetime) -> int:
    """Queue the reminders due now (none in quiet hours); returns how many. Safe to run on every worker."""
    local = LocalTime.of(settings)
    if local.is_quiet(now):
        return 0
    delay = timedelta(hours=settings.reminder_delay_hours)
    window = timedelta(hours=settings.zalo_window_hours)
    # Each member's most recently touched unfinished run: older ones are not worth a reminder.
    latest = (select(TutorialRun.member_id, func.max(TutorialRun.updated_at).label("updated_at"))
              .where(TutorialRun.status.in_(("active", "paused"))).group_by(TutorialRun.member_id).subquery())
    rows = session.execute(
        select(TutorialRun, Member)
        .join(latest, (latest.c.member_id == TutorialRun.member_id) & (latest.c.updated_at == TutorialRun.updated_at))
        .join(Member, Member.id == TutorialRun.member_id)
        .where(TutorialRun.status.in_(("active", "paused")), TutorialRun.updated_at <= now - delay,
               Member.last_seen_at <= now - delay, Member.reminders_off.is_(False),
               Member.channel.in_(PUSHABLE_CHANNELS))
        .order_by(TutorialRun.id)).all()
    queued = 0
    for run, member in rows:
        if run.topic_id not in catalog.topics:
            continue
        if member.channel == "zalo" and now - aware(member.last_seen_at) >= window:
            continue  # Zalo would refuse it
        sent = session.scalars(select(Reminder).where(Reminder.run_id == run.id).order_by(Reminder.number)).all()
        if len(sent) >= settings.reminder_max or (sent and now - aware(sent[-1].created_at) < delay):
            continue
        number = len(sent) + 1
        try:
            with session.begin_nested():
                item = enqueue(session, member, reminder_reply(catalog, run), "reminder", priority=PRIORITY_REMINDER,
                               dedupe_key=f"reminder:{run.id}:{number}",
                               not_after=local.quiet_starts(now).timestamp())
                session.flush()
                session.add(Reminder(run_id=run.id, number=number, member_id=member.id, outbox_id=item.id,
                                     created_at=now))
                session.flush()
        except IntegrityError:
            continue  # another worker queued this one
        queued += 1
    return queued


def turn_off(ctx: ActionContext) -> list[Reply]:
    ctx.member.reminders_off = True
    return [team_reply("reminders_off", buttons=((ON,),))]


def turn_on(ctx: ActionContext) -> list[Reply]:
    ctx.member.reminders_off = False
    return [team_reply("reminders_on")]
