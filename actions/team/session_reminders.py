"""The day before an in-person session: one reminder to each household of its village that is stuck midway in
a tutorial or asked for help, through the outbox, never in quiet hours (QUIET_HOURS): a day-before moment
that falls in them moves to the first allowed time before the session. Exactly once: a session is claimed by
one compare-and-set, and every message has a dedupe key (`session:<id>:<household>`). A cancelled session
gets none; cancelling drops those still waiting in the outbox (bot/people/support_sessions.py: cancel), and a
household whose reminder had gone is told it is off, once (`session-off:<id>:<household>`), before it would have
begun.
`camtay run` calls `send_due` every TEAM_TICK_SECONDS (actions/team/periodic.py)."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import String, cast, exists, literal, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from actions.answers import SESSIONS_FAQ
from actions.buttons import resume_button
from actions.team.reminders import OFF
from actions.team.replies import team_reply
from bot.delivery.clock import LocalTime, aware
from bot.delivery.outbox import PRIORITY_REMINDER, PUSHABLE_CHANNELS, enqueue
from bot.people.erasure import ERASED_CHANNEL_PREFIX
from bot.people.support_sessions import reminder_key, reminders_prefix, shown
from bot.shared.payloads import TopicButton
from bot.shared.team_settings import TeamSettings
from bot.shared.types import Button, Reply
from bot.storage.base import changed_rows
from bot.storage.delivery import SENT, UNKNOWN, OutboxItem
from bot.storage.help import HELP_CLOSED, HelpRequest
from bot.storage.households import Household, Member
from bot.storage.progress import RUN_UNFINISHED, TutorialRun
from bot.storage.sessions import SupportSession
from content.loader import Catalog

BEFORE = timedelta(days=1)
# A help request counts as "asked for help" while open, or this long after it closed.
HELP_RECENT = timedelta(days=30)
KIND = "reminder"  # the outbox's: held in quiet hours, skipped when the citizen turned reminders off
OFF_PREFIX = "session-off:"


def remind_at(local: LocalTime, starts_at: datetime) -> datetime:
    """A day before the session; if that is in quiet hours, when they end."""
    moment = aware(starts_at) - BEFORE
    return local.quiet_ends(moment) if local.is_quiet(moment) else moment


def dedupe_key(session_id: int, household_id: int) -> str:
    # Made in bot/people/support_sessions.py, whose cancel drops a session's waiting reminders by it.
    return reminder_key(session_id, household_id)


def off_key(session_id: int, household_id: int) -> str:
    """The dedupe key of the "it is off" message to a household reminded of a session since cancelled."""
    return f"{OFF_PREFIX}{session_id}:{household_id}"


def _stuck_or_asked(session: Session, village_id: int, now: datetime) -> list[tuple[Member, TutorialRun | None]]:
    """One member per household of the village who stopped midway or asked for help: the one seen last."""
    unfinished = exists().where(TutorialRun.member_id == Member.id, TutorialRun.status.in_(RUN_UNFINISHED))
    asked = exists().where(HelpRequest.member_id == Member.id, or_(
        HelpRequest.status != HELP_CLOSED, HelpRequest.created_at >= now - HELP_RECENT))
    members = session.scalars(
        select(Member).join(Household, Household.id == Member.household_id)
        .where(Household.village_id == village_id, Member.channel.in_(PUSHABLE_CHANNELS),
               Member.reminders_off.is_(False), ~Member.external_id.startswith(ERASED_CHANNEL_PREFIX),
               or_(unfinished, asked))
        .order_by(Member.household_id, Member.last_seen_at.desc(), Member.id)).all()
    chosen: dict[int, tuple[Member, TutorialRun | None]] = {}
    for member in members:
        if member.household_id is None or member.household_id in chosen:
            continue
        run = session.scalars(select(TutorialRun).where(
            TutorialRun.member_id == member.id, TutorialRun.status.in_(RUN_UNFINISHED))
            .order_by(TutorialRun.updated_at.desc()).limit(1)).first()
        chosen[member.household_id] = (member, run)
    return list(chosen.values())


def reminder_reply(catalog: Catalog, local: LocalTime, session: Session, row: SupportSession,
                   run: TutorialRun | None, now: datetime) -> Reply:
    info = shown(session, catalog, row, local.zone)
    rows: tuple[tuple[Button, ...], ...] = ((OFF,),)
    if run is not None and run.topic_id in catalog.topics:
        rows = ((resume_button(run),),) + rows
    tomorrow = local.local(row.starts_at).date() == local.local(now).date() + timedelta(days=1)
    return team_reply("session_reminder", {"day": info.day, "time": info.time, "weekday": info.weekday,
                                           "tomorrow": tomorrow,
                                           "place": info.place, "topics": info.topics,
                                           "tutorial": catalog[run.topic_id].title
                                           if run is not None and run.topic_id in catalog.topics else None},
                      buttons=rows)


def send_due(session: Session, catalog: Catalog, settings: TeamSettings, now: datetime) -> int:
    """Queue the reminders of sessions whose moment has come (none in quiet hours); returns how many."""
    local = LocalTime.of(settings)
    if local.is_quiet(now):
        return 0
    window = timedelta(hours=settings.zalo_window_hours)
    soon = session.scalars(select(SupportSession).where(
        SupportSession.reminded_at.is_(None), SupportSession.cancelled_at.is_(None), SupportSession.starts_at > now,
        SupportSession.starts_at <= now + BEFORE + timedelta(days=1))
        .order_by(SupportSession.starts_at, SupportSession.id)).all()
    queued = 0
    for row in soon:
        if now < remind_at(local, row.starts_at):
            continue
        # One worker claims the session; the others find it taken, or cancelled meanwhile (bot/people/
        # support_sessions.py: cancel, which then drops what this queued).
        if not changed_rows(session, update(SupportSession).where(
                SupportSession.id == row.id, SupportSession.reminded_at.is_(None),
                SupportSession.cancelled_at.is_(None)).values(reminded_at=now)
                .execution_options(synchronize_session=False)):
            continue
        # Sent before the session, and before quiet hours begin (an empty span like 00:00-00:00 is none).
        quiet = any(start != end for start, end in local.quiet)
        not_after = min(aware(row.starts_at), local.quiet_starts(now) if quiet else aware(row.starts_at)).timestamp()
        for member, run in _stuck_or_asked(session, row.village_id, now):
            if member.channel == "zalo" and now - aware(member.last_seen_at) >= window:
                continue  # Zalo would refuse it
            try:
                with session.begin_nested():
                    enqueue(session, member, reminder_reply(catalog, local, session, row, run, now), KIND,
                            priority=PRIORITY_REMINDER, dedupe_key=dedupe_key(row.id, member.household_id or 0),
                            not_after=not_after)
                    session.flush()
            except IntegrityError:
                continue  # already queued
            queued += 1
    return queued + _tell_called_off(session, catalog, local, window, now)


def called_off_reply(catalog: Catalog, local: LocalTime, session: Session, row: SupportSession) -> Reply:
    info = shown(session, catalog, row, local.zone)
    # The village's next sessions are the answer about the team (actions/answers.py), a tap away.
    rows = ((Button("topic", TopicButton(SESSIONS_FAQ).pack(), {"title": catalog[SESSIONS_FAQ].title}),),) \
        if SESSIONS_FAQ in catalog.topics else ()
    return team_reply("session_called_off_notice", {"day": info.day, "time": info.time, "weekday": info.weekday,
                                                    "place": info.place, "ask": bool(rows)}, buttons=rows)


def _tell_called_off(session: Session, catalog: Catalog, local: LocalTime, window: timedelta,
                     now: datetime) -> int:
    """Households whose reminder went (or may have: `unknown`) for a session cancelled since: told once that it
    is off, while it is still ahead. Each tick reads only those not told yet (NOT EXISTS on the key)."""
    called_off = session.scalars(select(SupportSession).where(
        SupportSession.cancelled_at.is_not(None), SupportSession.reminded_at.is_not(None),
        SupportSession.starts_at > now)).all()
    queued = 0
    for row in called_off:
        reminder, told = aliased(OutboxItem), aliased(OutboxItem)
        key = literal(f"{OFF_PREFIX}{row.id}:") + cast(reminder.household_id, String)
        reached = session.execute(
            select(Member, reminder.household_id).join(reminder, reminder.member_id == Member.id)
            .where(reminder.dedupe_key.startswith(reminders_prefix(row.id), autoescape=True),
                   reminder.status.in_((SENT, UNKNOWN)),
                   ~Member.external_id.startswith(ERASED_CHANNEL_PREFIX),
                   ~exists().where(told.dedupe_key == key))
            .order_by(reminder.id)).all()
        for member, household_id in reached:
            if household_id is None:  # a reminder goes to a household's member; erasure keeps the row's household
                continue
            if member.channel == "zalo" and now - aware(member.last_seen_at) >= window:
                continue  # Zalo would refuse it
            try:
                with session.begin_nested():
                    # Held in quiet hours like the reminder; pointless once the session's time has come.
                    enqueue(session, member, called_off_reply(catalog, local, session, row), KIND,
                            priority=PRIORITY_REMINDER, household_id=household_id,
                            dedupe_key=off_key(row.id, household_id), not_after=aware(row.starts_at).timestamp())
                    session.flush()
            except IntegrityError:
                continue  # another worker queued it
            queued += 1
    return queued
