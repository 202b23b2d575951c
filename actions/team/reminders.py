"""Gentle reminders: a household that stopped in the middle of a tutorial hears from us after a delay
(REMINDER_DELAY_HOURS, default 2 days; on Zalo ZALO_REMINDER_DELAY_HOURS, default 1 day, since Zalo refuses
a message 48 hours after the citizen's last one, and at most that window less 12 hours), never in quiet hours (21:00-07:00 Asia/Ho_Chi_Minh), at most
REMINDER_MAX (2) per tutorial run, and never again after one tap on "turn off".
`camtay run` calls `send_due` every TEAM_TICK_SECONDS (actions/team/periodic.py); `camtay team-tick` once."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from actions.buttons import resume_button
from actions.context import ActionContext
from actions.team.replies import team_reply
from bot.delivery.clock import LocalTime, aware
from bot.delivery.outbox import PRIORITY_REMINDER, PUSHABLE_CHANNELS, enqueue
from bot.shared.payloads import RemindersChoice
from bot.shared.team_settings import TeamSettings
from bot.shared.types import Button, Reply
from bot.storage.delivery import EXPIRED, QUEUED, SKIPPED, OutboxItem, Reminder
from bot.storage.households import Member
from bot.storage.progress import RUN_UNFINISHED, TutorialRun

OFF = Button("reminders_off", RemindersChoice("off").pack())
UNSENT = (EXPIRED, SKIPPED)
TURNED_OFF = "skipped: the citizen turned reminders off"
ON = Button("reminders_on", RemindersChoice("on").pack())


def reminder_reply(catalog, run: TutorialRun) -> Reply:
    topic = catalog[run.topic_id]
    return team_reply("reminder", {"title": topic.title, "number": run.step_index + 1, "total": len(topic.steps)},
                 buttons=((resume_button(run),), (OFF,)))


def send_due(session: Session, catalog, settings: TeamSettings, now: datetime) -> int:
    """Queue the reminders due now (none in quiet hours); returns how many. Safe to run on every worker."""
    local = LocalTime.of(settings)
    if local.is_quiet(now):
        return 0
    delays = {channel: timedelta(hours=settings.reminder_delay_hours_for(channel)) for channel in PUSHABLE_CHANNELS}
    window = timedelta(hours=settings.zalo_window_hours)
    stopped_long_enough = or_(*(and_(Member.channel == channel, TutorialRun.updated_at <= now - delay,
                                     Member.last_seen_at <= now - delay) for channel, delay in delays.items()))
    # Each member's most recently touched unfinished run: older ones are not worth a reminder.
    latest = (select(TutorialRun.member_id, func.max(TutorialRun.updated_at).label("updated_at"))
              .where(TutorialRun.status.in_(RUN_UNFINISHED)).group_by(TutorialRun.member_id).subquery())
    rows = session.execute(
        select(TutorialRun, Member)
        .join(latest, (latest.c.member_id == TutorialRun.member_id) & (latest.c.updated_at == TutorialRun.updated_at))
        .join(Member, Member.id == TutorialRun.member_id)
        .where(TutorialRun.status.in_(RUN_UNFINISHED), stopped_long_enough,
               Member.reminders_off.is_(False), Member.channel.in_(PUSHABLE_CHANNELS))
        .order_by(TutorialRun.id)).all()
    queued = 0
    for run, member in rows:
        if run.topic_id not in catalog.topics:
            continue
        if member.channel == "zalo" and now - aware(member.last_seen_at) >= window:
            continue  # Zalo would refuse it
        made = session.execute(select(Reminder.created_at, OutboxItem.status)
                               .outerjoin(OutboxItem, OutboxItem.id == Reminder.outbox_id)
                               .where(Reminder.run_id == run.id).order_by(Reminder.number)).all()
        # One that never went out (quiet hours came first, or it was turned off) does not count.
        counted = [created for created, status in made if status not in UNSENT]
        if len(counted) >= settings.reminder_max or (counted and now - aware(counted[-1]) < delays[member.channel]):
            continue
        number = len(made) + 1
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
    """One tap: no more reminders, and none still waiting in the outbox goes out."""
    ctx.member.reminders_off = True
    ctx.session.execute(update(OutboxItem).where(
        OutboxItem.member_id == ctx.member.id, OutboxItem.kind == "reminder", OutboxItem.status == QUEUED)
        .values(status=SKIPPED, error=TURNED_OFF).execution_options(synchronize_session=False))
    return [team_reply("reminders_off", buttons=((ON,),))]


def turn_on(ctx: ActionContext) -> list[Reply]:
    ctx.member.reminders_off = False
    return [team_reply("reminders_on")]
