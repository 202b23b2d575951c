"""A "later" at a tutorial's end (issue 14 part 1): OUTCOME_REMINDER_DAYS (default 3) after it, the member who
said it is asked once whether it worked, with the same three buttons (actions/outcomes.py records the answer).
Nothing new is stored: the outcome rows say who answered "later" and when, and the outbox's dedupe key
(`outcome:<run id>`) makes it once per run, so a second "later" is recorded but never reminded again. No reminder
once the member said "done" or "not yet" for that topic since. The rules of the other reminders hold (reused from
them): none in quiet hours, none for a citizen who turned reminders off, only on pushable channels, never outside
Zalo's window. `camtay run` calls `send_due` every TEAM_TICK_SECONDS (actions/team/periodic.py)."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import String, cast, exists, literal, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from actions.outcomes import ask_rows
from actions.team.reminders import OFF
from actions.team.replies import team_reply
from actions.team.session_reminders import KIND
from bot.delivery.clock import LocalTime, aware
from bot.delivery.outbox import PRIORITY_REMINDER, PUSHABLE_CHANNELS, enqueue
from bot.people.erasure import ERASED_CHANNEL_PREFIX
from bot.shared.team_settings import TeamSettings
from bot.shared.types import Reply
from bot.storage.delivery import OutboxItem
from bot.storage.households import Member
from bot.storage.outcomes import OUTCOME_DONE, OUTCOME_FAILED, OUTCOME_LATER, SOURCE_CITIZEN, Outcome
from bot.storage.progress import RUN_COMPLETED, TutorialRun
from content.loader import Catalog

DEDUPE_PREFIX = "outcome:"


def dedupe_key(run_id: int) -> str:
    return f"{DEDUPE_PREFIX}{run_id}"


def reminder_reply(catalog: Catalog, run: TutorialRun) -> Reply:
    return team_reply("outcome_reminder", {"title": catalog[run.topic_id].title}, buttons=ask_rows(run) + ((OFF,),))


def send_due(session: Session, catalog: Catalog, settings: TeamSettings, now: datetime) -> int:
    """Queue the "did it work?" reminders due now (none in quiet hours); returns how many."""
    local = LocalTime.of(settings)
    if local.is_quiet(now):
        return 0
    window = timedelta(hours=settings.zalo_window_hours)
    since = now - timedelta(days=settings.outcome_reminder_days)
    later = aliased(Outcome)
    answered_since = exists().where(later.member_id == Outcome.member_id, later.topic_id == Outcome.topic_id,
                                    later.result.in_((OUTCOME_DONE, OUTCOME_FAILED)), later.at >= Outcome.at)
    # Asked once already: the run's reminder is in the outbox (queued or sent), so each tick reads only new ones.
    asked = exists().where(OutboxItem.dedupe_key == literal(DEDUPE_PREFIX) + cast(TutorialRun.id, String))
    rows = session.execute(
        select(Outcome, TutorialRun, Member)
        .join(TutorialRun, TutorialRun.id == Outcome.run_id)
        .join(Member, Member.id == Outcome.member_id)
        .where(Outcome.result == OUTCOME_LATER, Outcome.source == SOURCE_CITIZEN, Outcome.at <= since,
               TutorialRun.status == RUN_COMPLETED, ~answered_since, ~asked,
               Member.reminders_off.is_(False), Member.channel.in_(PUSHABLE_CHANNELS),
               ~Member.external_id.startswith(ERASED_CHANNEL_PREFIX))
        .order_by(Outcome.id)).all()
    queued = 0
    for _outcome, run, member in rows:
        if run.topic_id not in catalog.topics:
            continue
        if member.channel == "zalo" and now - aware(member.last_seen_at) >= window:
            continue  # Zalo would refuse it
        key = dedupe_key(run.id)
        try:
            with session.begin_nested():
                enqueue(session, member, reminder_reply(catalog, run), KIND, priority=PRIORITY_REMINDER,
                        dedupe_key=key, not_after=local.quiet_starts(now).timestamp())
                session.flush()
        except IntegrityError:
            continue  # another worker queued it
        queued += 1
    return queued
