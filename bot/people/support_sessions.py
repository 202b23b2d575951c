"""In-person sessions: schedule one for a village, cancel one not yet begun, a village's next ones, who came and
what worked.

Used by the team's chat (actions/team/sessions.py), the admin web (bot/admin/views/sessions.py) and the
citizen's FAQ answer (actions/answers.py); the day-before reminders are in actions/team/session_reminders.py.
"""
from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.delivery.clock import aware
from bot.people.erasure import ERASED_CHANNEL_PREFIX
from bot.storage.admin_access import AdminAuditLog
from bot.storage.base import changed_rows
from bot.storage.delivery import CLAIMED, QUEUED, SENDING, SENT, SKIPPED, UNKNOWN, OutboxItem
from bot.storage.households import Household, Member
from bot.storage.outcomes import OUTCOME_DONE, SOURCE_TEAM, Outcome
from bot.storage.places import Village
from bot.storage.sessions import SessionAttendance, SupportSession
from bot.storage.staff import Staff
from content.loader import Catalog

MAX_PLACE = 200
MAX_TOPICS = 5
NEXT_SESSIONS = 3  # how many of a village's next sessions a citizen is told
# The audit log's action (bot/admin/audit.py may name it too); the target is `session:<id>`.
CANCEL_SESSION = "cancel_session"
CHAT = "(chat)"  # the audit's username for a team member without an admin login
CANCELLED = "cancelled: the session was cancelled"
# "15/12 8:00", "15/12/2026 8h30", "8:00 15/12": a day, a month, maybe a year, and a time.
_DAY = r"(?P<day>\d{1,2})[/.-](?P<month>\d{1,2})(?:[/.-](?P<year>\d{2}|\d{4}))?"
_TIME = r"(?P<hour>\d{1,2})(?:[:h](?P<minute>\d{2})?)?"
_WHEN = (re.compile(rf"^\s*{_DAY}\s*(?:lúc\s*)?{_TIME}\s*$", re.IGNORECASE),
         re.compile(rf"^\s*{_TIME}\s*(?:ngày\s*)?{_DAY}\s*$", re.IGNORECASE))


class SessionError(ValueError):
    """What is wrong with a session to schedule, as a key the caller turns into words."""


def parse_when(text: str, now: datetime, zone: ZoneInfo) -> datetime | None:
    """A typed day and time in the team's zone, as UTC; the next such day when no year is given; None if not one."""
    text = re.sub(r"\s*giờ", "h", unicodedata.normalize("NFC", text or "").lower()).strip()
    for pattern in _WHEN:
        match = pattern.match(text)
        if match is None:
            continue
        day, month, hour = int(match["day"]), int(match["month"]), int(match["hour"])
        minute = int(match["minute"] or 0)
        today = aware(now).astimezone(zone).date()
        year = int(match["year"]) if match["year"] else today.year
        if year < 100:
            year += 2000
        try:
            moment = datetime.combine(date(year, month, day), time(hour, minute), zone)
            if not match["year"] and moment.date() < today:
                moment = moment.replace(year=year + 1)
        except ValueError:
            return None
        return moment.astimezone(aware(now).tzinfo)
    return None


def at_day(day: date, hour: int, minute: int, zone: ZoneInfo) -> datetime:
    """A day and a time in the team's zone."""
    return datetime.combine(day, time(hour, minute), zone)


def check(catalog: Catalog, starts_at: datetime | None, place: str | None, topic_ids: list[str],
          now: datetime) -> None:
    """SessionError with a key naming what is missing or wrong."""
    if starts_at is None:
        raise SessionError("sessions.when_missing")
    if aware(starts_at) <= now:
        raise SessionError("sessions.when_past")
    if not (place or "").strip() or len(place or "") > MAX_PLACE:
        raise SessionError("sessions.place_missing")
    if not topic_ids or len(topic_ids) > MAX_TOPICS or any(t not in catalog.topics for t in topic_ids):
        raise SessionError("sessions.topics_missing")


def schedule(session: Session, catalog: Catalog, village_id: int, starts_at: datetime | None, place: str | None,
             topic_ids: list[str], staff: Staff | None, now: datetime) -> SupportSession:
    """A new session for the village, in the caller's transaction."""
    check(catalog, starts_at, place, topic_ids, now)
    assert starts_at is not None and place is not None  # check() said so
    # Stored as UTC: SQLite keeps a datetime's wall time and drops its zone.
    row = SupportSession(village_id=village_id, starts_at=aware(starts_at).astimezone(timezone.utc), place=place.strip(),
                         topic_ids=list(dict.fromkeys(topic_ids)), created_by_id=staff.id if staff else None,
                         created_at=now)
    session.add(row)
    session.flush()
    return row


def reminders_prefix(session_id: int) -> str:
    """What the outbox's dedupe keys of a session's reminders begin with."""
    return f"session:{session_id}:"


def reminder_key(session_id: int, household_id: int) -> str:
    """The outbox's dedupe key of a session's reminder to a household (actions/team/session_reminders.py)."""
    return f"{reminders_prefix(session_id)}{household_id}"


def cancel(session: Session, row: SupportSession, staff: Staff | None, now: datetime,
           ip: str | None = None) -> bool:
    """Cancel a session not yet begun, in the caller's transaction: no longer told, never reminded (its reminders
    still waiting in the outbox are dropped), one audit row. False when it had begun or was cancelled already."""
    # The session's row first: a reminders' tick claiming it (its reminded_at) finishes before this goes on,
    # so the reminders it queued are there to drop; one after this finds the session cancelled.
    if not changed_rows(session, update(SupportSession).where(
            SupportSession.id == row.id, SupportSession.cancelled_at.is_(None), SupportSession.starts_at > now)
            .values(cancelled_at=now).execution_options(synchronize_session=False)):
        return False
    session.refresh(row)
    # A claimed row's sender cannot start sending it any more (its compare-and-set wants `claimed`); one
    # already `sending` is in flight and goes.
    session.execute(update(OutboxItem).where(
        OutboxItem.dedupe_key.startswith(reminders_prefix(row.id), autoescape=True),
        OutboxItem.status.in_((QUEUED, CLAIMED)))
        .values(status=SKIPPED, error=CANCELLED).execution_options(synchronize_session=False))
    # Never a citizen in the audit: the session, its village and time.
    session.add(AdminAuditLog(
        at=now, user_id=staff.id if staff else None,
        username=((staff.username if staff else None) or CHAT)[:64], action=CANCEL_SESSION,
        target=f"session:{row.id}",
        detail=json.dumps({"village": row.village_id, "starts_at": aware(row.starts_at).isoformat()},
                          sort_keys=True),
        ip=ip[:64] if ip else None))
    session.flush()
    return True


def reminded(session: Session, session_id: int) -> int:
    """How many households a session's reminder reached, or may have (sent, in flight, unknown)."""
    return session.scalar(select(func.count()).select_from(OutboxItem).where(
        OutboxItem.dedupe_key.startswith(reminders_prefix(session_id), autoescape=True),
        OutboxItem.status.in_((SENDING, SENT, UNKNOWN)))) or 0


def upcoming(session: Session, village_id: int, now: datetime, limit: int = NEXT_SESSIONS) -> list[SupportSession]:
    """The village's sessions not yet begun and not cancelled, soonest first."""
    return list(session.scalars(select(SupportSession).where(
        SupportSession.village_id == village_id, SupportSession.starts_at > now,
        SupportSession.cancelled_at.is_(None))
        .order_by(SupportSession.starts_at, SupportSession.id).limit(limit)))


def cancellable(session: Session, village_ids: list[int], now: datetime,
                limit: int = 10) -> list[SupportSession]:
    """The sessions of these villages a team member may still cancel (not begun, not cancelled), soonest first."""
    return list(session.scalars(select(SupportSession).where(
        SupportSession.village_id.in_(village_ids), SupportSession.starts_at > now,
        SupportSession.cancelled_at.is_(None))
        .order_by(SupportSession.starts_at, SupportSession.id).limit(limit)))


def of_villages(session: Session, village_ids: list[int] | None, since: datetime,
                limit: int = 100) -> list[SupportSession]:
    """Sessions of these villages (None: every village) from `since`, soonest first."""
    query = select(SupportSession).where(SupportSession.starts_at >= since)
    if village_ids is not None:
        query = query.where(SupportSession.village_id.in_(village_ids))
    return list(session.scalars(query.order_by(SupportSession.starts_at, SupportSession.id).limit(limit)))


def recent(session: Session, village_ids: list[int], now: datetime, days: int = 14,
           limit: int = 10) -> list[SupportSession]:
    """Sessions held in the last `days` days (attendance to record; not a cancelled one), latest first."""
    return list(session.scalars(select(SupportSession).where(
        SupportSession.village_id.in_(village_ids), SupportSession.starts_at <= now,
        SupportSession.cancelled_at.is_(None),
        SupportSession.starts_at > now - timedelta(days=days))
        .order_by(SupportSession.starts_at.desc(), SupportSession.id.desc()).limit(limit)))


def households_of(session: Session, village_id: int) -> list[Household]:
    return list(session.scalars(select(Household).where(Household.village_id == village_id)
                                .order_by(Household.head_name, Household.id)))


@dataclass(frozen=True)
class Shown:
    """A session as the citizen and the team read it: local day and time, place, topic titles."""

    id: int
    day: str
    time: str
    weekday: int  # Monday 0
    place: str
    topics: list[str]
    village: str


def shown(session: Session, catalog: Catalog, row: SupportSession, zone: ZoneInfo) -> Shown:
    local = aware(row.starts_at).astimezone(zone)
    village = session.get(Village, row.village_id)
    return Shown(row.id, local.strftime("%d/%m/%Y"), local.strftime("%H:%M"), local.weekday(), row.place,
                 [catalog[t].title for t in row.topic_ids if t in catalog.topics],
                 village.name if village else "")


def _household_member(session: Session, household_id: int) -> Member | None:
    """The household's first chat member still known (an outcome names a member)."""
    return session.scalars(select(Member).where(
        Member.household_id == household_id, ~Member.external_id.startswith(ERASED_CHANNEL_PREFIX))
        .order_by(Member.id).limit(1)).first()


def _topic_for(catalog: Catalog, platform: str, preferred: list[str]) -> str | None:
    """The session's topic that brings the platform, else any tutorial that does."""
    for topic_id in [*preferred, *catalog.topics]:
        topic = catalog.get(topic_id)
        if topic is not None and topic.platform == platform:
            return topic.id
    return None


def record_attendance(session: Session, catalog: Catalog, row: SupportSession, household_id: int,
                      platforms: list[str], staff: Staff | None, now: datetime) -> SessionAttendance:
    """The household came; what worked becomes outcome rows (source "team") for its first chat member."""
    platforms = [p for p in dict.fromkeys(platforms) if p in catalog.platforms]
    attendance = session.scalars(select(SessionAttendance).where(
        SessionAttendance.session_id == row.id, SessionAttendance.household_id == household_id)).first()
    if attendance is None:
        attendance = SessionAttendance(session_id=row.id, household_id=household_id, platforms=[])
        session.add(attendance)
    added = [p for p in platforms if p not in attendance.platforms]
    attendance.platforms = [*attendance.platforms, *added]
    attendance.recorded_by_id, attendance.recorded_at = (staff.id if staff else None), now
    member = _household_member(session, household_id)
    if member is not None:
        for platform in added:
            topic_id = _topic_for(catalog, platform, row.topic_ids)
            if topic_id is not None:
                session.add(Outcome(member_id=member.id, household_id=household_id, topic_id=topic_id,
                                    platform=platform, result=OUTCOME_DONE, source=SOURCE_TEAM, at=now,
                                    recorded_by_id=staff.id if staff else None))
    session.flush()
    return attendance


def attendance_of(session: Session, session_id: int) -> dict[int, SessionAttendance]:
    """Who came to a session, by household id."""
    return {a.household_id: a for a in session.scalars(
        select(SessionAttendance).where(SessionAttendance.session_id == session_id))}


def attended_by(session: Session, household_id: int) -> list[tuple[SupportSession, SessionAttendance]]:
    """The sessions a household came to, oldest first (exports, /dulieu)."""
    return [(s, a) for s, a in session.execute(
        select(SupportSession, SessionAttendance)
        .join(SessionAttendance, SessionAttendance.session_id == SupportSession.id)
        .where(SessionAttendance.household_id == household_id)
        .order_by(SupportSession.starts_at, SupportSession.id)).all()]
