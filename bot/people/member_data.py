"""What is kept about one chat identity: what /dulieu shows the citizen, the admin's export of it for a
request made in person, and the short reference /dulieu shows so that the commune office can find them.

The reference is a keyed hash of the chat identity (no column, nothing stored): it cannot be guessed or
counted from, reveals no database id, and stops matching once the member is erased (the identity changes).
"""
from __future__ import annotations

import hmac
from datetime import date, datetime

from sqlalchemy import func, select, true
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from bot.people.erasure import ERASED_CHANNEL_PREFIX
from bot.people.support_sessions import attended_by
from bot.redact import redact
from bot.storage import consent
from bot.storage.conversations import ConversationLog
from bot.storage.help import HELP_CLOSED, HelpRequest
from bot.storage.households import Household, Member
from bot.storage.outcomes import Outcome
from bot.storage.places import Village
from bot.storage.progress import TutorialRun
from bot.storage.ratings import Rating
from content.loader import Catalog
from content.privacy import privacy

RECENT_TEXTS = 5
RECENT_RUNS = 10
# 32 letters and digits that are not read as one another (no O/0, I/1); 8 of them are 40 bits.
REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
REFERENCE_LENGTH = 8
_SCAN_BATCH = 5000


def _tag(key: bytes, member_id: int, channel: str, external_id: str) -> bytes:
    return hmac.digest(key, f"member\0{member_id}\0{channel}\0{external_id}".encode(), "sha256")[:5]


def reference(key: bytes, member_id: int, channel: str, external_id: str) -> str:
    """The member's reference, as /dulieu shows it: ABCD-EFGH."""
    number = int.from_bytes(_tag(key, member_id, channel, external_id), "big")
    chars = "".join(REFERENCE_ALPHABET[(number >> (5 * i)) & 31] for i in range(REFERENCE_LENGTH))
    return f"{chars[:4]}-{chars[4:]}"


def _tag_of(shown: str) -> bytes:
    """The 40 bits a normalized reference spells."""
    chars = shown.replace("-", "")
    number = sum(REFERENCE_ALPHABET.index(c) << (5 * i) for i, c in enumerate(chars))
    return number.to_bytes(5, "big")


def member_reference(key: bytes, member: Member) -> str:
    return reference(key, member.id, member.channel, member.external_id)


def normalize_reference(text: str) -> str | None:
    """A typed reference in the shown form (case, spaces and dashes as the office types them); None if not one."""
    chars = "".join(c for c in (text or "").upper() if c not in " -–.")
    if len(chars) != REFERENCE_LENGTH or any(c not in REFERENCE_ALPHABET for c in chars):
        return None
    return f"{chars[:4]}-{chars[4:]}"


def find_by_reference(session: Session, key: bytes, typed: str,
                      condition: ColumnElement[bool] | None = None) -> Member | None:
    """The member (among those matching `condition`, e.g. an admin's scope) whose reference was typed."""
    wanted = normalize_reference(typed)
    if wanted is None:
        return None
    query = select(Member.id, Member.channel, Member.external_id).where(
        condition if condition is not None else true(), ~Member.external_id.startswith(ERASED_CHANNEL_PREFIX))
    tag, found = _tag_of(wanted), None
    for member_id, channel, external_id in session.execute(query.execution_options(yield_per=_SCAN_BATCH)):
        # Every candidate is compared, so the time taken does not tell where a match was.
        if hmac.compare_digest(_tag(key, member_id, channel, external_id), tag):
            found = member_id
    return session.get(Member, found) if found is not None else None


def _day(value: datetime | None) -> str | None:
    return value.strftime("%d/%m/%Y") if value is not None else None


def kept_about(session: Session, member: Member, catalog: Catalog, recent: int = RECENT_TEXTS) -> dict:
    """What /dulieu shows: household, progress, how many texts and the latest, help requests, the in-person
    sessions their household came to, consent."""
    household = session.get(Household, member.household_id) if member.household_id else None
    runs = []
    for run in session.scalars(select(TutorialRun).where(TutorialRun.member_id == member.id)
                               .order_by(TutorialRun.started_at.desc()).limit(RECENT_RUNS)):
        topic = catalog.get(run.topic_id)
        if topic is not None:
            runs.append({"title": topic.title, "completed": run.status == "completed",
                         "number": run.step_index + 1, "total": len(topic.steps)})
    text_count = session.scalar(select(func.count()).where(_kept_texts(member))) or 0
    texts = list(session.scalars(select(ConversationLog.text).where(_kept_texts(member))
                                 .order_by(ConversationLog.id.desc()).limit(recent)))
    helps = list(session.scalars(select(HelpRequest.status).where(HelpRequest.member_id == member.id)))
    outcomes = [{"title": topic.title, "result": o.result, "date": _day(o.at),
                 "platform": platform.name if (platform := catalog.platforms.get(o.platform or "")) else None}
                for o in session.scalars(select(Outcome).where(Outcome.member_id == member.id)
                                         .order_by(Outcome.at.desc()).limit(RECENT_RUNS))
                if (topic := catalog.get(o.topic_id)) is not None]
    rating_count = session.scalar(select(func.count()).where(Rating.member_id == member.id)) or 0
    sessions = [{"date": _day(row.starts_at), "place": row.place,
                 "platforms": [catalog.platforms[p].name for p in came.platforms if p in catalog.platforms]}
                for row, came in (attended_by(session, household.id) if household else [])]
    row = consent.current(session, member.id, privacy().version)
    state = row.state if row is not None else None
    return {
        "household": {"code": household.code, "village": household.village.name,
                      "commune": household.village.commune.name} if household else None,
        "runs": runs, "text_count": text_count, "texts": texts,
        "help_count": len(helps), "help_open": sum(1 for s in helps if s != HELP_CLOSED),
        "outcomes": outcomes, "rating_count": rating_count, "sessions": sessions,
        "consent": state,
        "consent_date": _day(row.given_at) if row is not None and state == consent.GIVEN else None,
    }


def _kept_texts(member: Member) -> ColumnElement[bool]:
    return (ConversationLog.member_id == member.id) & ConversationLog.text.is_not(None) \
        & ConversationLog.payload.is_(None)


def _plain(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def linked_since(session: Session, member: Member) -> datetime | None:
    """When the member's turns began to count for their household (their first turn logged with it)."""
    if member.household_id is None:
        return None
    return session.scalar(select(func.min(ConversationLog.at)).where(
        ConversationLog.member_id == member.id, ConversationLog.household_id == member.household_id))


def export_member(session: Session, member: Member, catalog: Catalog, key: bytes) -> dict:
    """What /dulieu shows, plus every text of theirs still kept and their help requests, as plain JSON data."""
    row = consent.current(session, member.id, privacy().version)
    logs = session.execute(select(ConversationLog.at, ConversationLog.channel, ConversationLog.text)
                           .where(_kept_texts(member)).order_by(ConversationLog.at, ConversationLog.id)).all()
    helps = session.scalars(select(HelpRequest).where(HelpRequest.member_id == member.id)
                            .order_by(HelpRequest.id)).all()
    # The village a request went to when they had no household (help_requests.village_id).
    village_names = {v.id: v.name for v in session.scalars(
        select(Village).where(Village.id.in_({h.village_id for h in helps if h.village_id is not None})))}
    return {
        "member": {"reference": member_reference(key, member), "channel": member.channel,
                   "display_name": redact(member.display_name), "address_form": member.address_form,
                   "created_at": _plain(member.created_at), "last_seen_at": _plain(member.last_seen_at),
                   "linked_since": _plain(linked_since(session, member))},
        "kept": kept_about(session, member, catalog),
        "consent": {"notice_version": row.notice_version, "state": row.state,
                    **{k: _plain(getattr(row, k)) for k in ("asked_at", "given_at", "refused_at", "withdrawn_at")}}
        if row is not None else None,
        "texts": [{"at": _plain(at), "channel": channel, "text": redact(text)} for at, channel, text in logs],
        "help_requests": [{"topic_id": h.topic_id, "status": h.status, "created_at": _plain(h.created_at),
                           "village": village_names.get(h.village_id) if h.village_id is not None else None,
                           "closed_at": _plain(h.closed_at), "last_messages": redact(h.last_messages)}
                          for h in helps],
        "outcomes": [{"topic_id": o.topic_id, "platform": o.platform, "result": o.result, "source": o.source,
                      "step": o.step_index + 1 if o.step_index is not None else None, "at": _plain(o.at)}
                     for o in session.scalars(select(Outcome).where(Outcome.member_id == member.id)
                                              .order_by(Outcome.id))],
        "ratings": [{"topic_id": r.topic_id, "helpful": r.helpful, "reason": r.reason, "at": _plain(r.at)}
                    for r in session.scalars(select(Rating).where(Rating.member_id == member.id)
                                             .order_by(Rating.id))],
        # In-person sessions their household came to (bot/storage/sessions.py), and what worked there.
        "sessions_attended": [{"starts_at": _plain(row.starts_at), "place": row.place, "topic_ids": row.topic_ids,
                               "platforms": came.platforms, "recorded_at": _plain(came.recorded_at)}
                              for row, came in (attended_by(session, member.household_id)
                                                if member.household_id else [])],
    }
