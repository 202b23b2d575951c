"""A citizen's erasure (/xoa in chat, or an admin for a request made in person): their words and identity go,
the counts stay.

Deleted or blanked: every text of theirs in the conversation log, their help requests' last messages, what
was relayed between them and a helper, messages queued for them, their Zalo inbox rows, their consent rows, their
outcomes and ratings (what they said worked for them, what a team member recorded worked for them at an
in-person session, and what they thought of an answer), a team member's half-scheduled session;
the member row stays, anonymised (no chat id, no name, no household link), so that tutorial runs, step events
and log rows (intents, topics, times) still count for their household and village in the reports. Which
in-person sessions a household came to is the household's (bot/storage/sessions.py), deleted with it.
"""
from __future__ import annotations

import json
import secrets
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from bot.storage.base import changed_rows
from bot.storage.consent import Consent
from bot.storage.conversations import ConversationLog
from bot.storage.delivery import PENDING, SKIPPED, OutboxItem
from bot.storage.help import HelpRequest
from bot.storage.households import Member
from bot.storage.outcomes import Outcome
from bot.storage.ratings import Rating
from bot.storage.sessions import SessionDraft
from bot.storage.staff import Staff
from bot.storage.zalo import ZaloInboxEvent

# Context fields of a queued Reply that carry what a person wrote or who the citizen is.
_PERSONAL_CONTEXT = {"text": "", "last_messages": [], "name": "", "sender": ""}
ERASED_CHANNEL_PREFIX = "erased-"


def _scrub_reply(text: str) -> str:
    data = json.loads(text)
    context = data.get("context") or {}
    data["context"] = {**context, **{k: v for k, v in _PERSONAL_CONTEXT.items() if k in context}}
    return json.dumps(data, ensure_ascii=False)


def _about_requests(reply: str, request_ids: set[int]) -> bool:
    """A help notice or relayed message about one of these requests (its context or its buttons say which)."""
    data = json.loads(reply)
    if (data.get("context") or {}).get("request_id") in request_ids:
        return True
    for row in data.get("buttons") or ():
        for button in row:
            head, _, tail = str(button.get("payload") or "").rpartition(":")
            if head.startswith("help:") and tail.isdigit() and int(tail) in request_ids:
                return True
    return False


def erase_member(session: Session, member: Member, now: datetime) -> dict[str, int]:
    """Erase one chat identity's personal data in the caller's transaction; counts of what was done (for the audit)."""
    counts: dict[str, int] = {}
    old_channel, old_external_id = member.channel, member.external_id
    counts["conversation_log"] = changed_rows(
        session,
        update(ConversationLog).where(ConversationLog.member_id == member.id, ConversationLog.text.is_not(None))
        .values(text=None).execution_options(synchronize_session=False))
    requests = list(session.scalars(select(HelpRequest).where(HelpRequest.member_id == member.id)))
    for request in requests:
        request.last_messages = None
        request.village_id = None  # the village they chose when they had no household
    counts["help_requests"] = len(requests)
    request_ids = {r.id for r in requests}
    scrubbed = 0
    if request_ids:
        first = min(r.created_at for r in requests)
        # Help notices and relays went to helpers' chats: found by the request they are about.
        for item in session.scalars(select(OutboxItem).where(OutboxItem.kind.in_(("help", "relay")),
                                                             OutboxItem.created_at >= first)):
            if item.member_id != member.id and _about_requests(item.reply, request_ids):
                item.reply = _scrub_reply(item.reply)
                scrubbed += 1
    anonymous = f"{ERASED_CHANNEL_PREFIX}{member.id}-{secrets.token_hex(4)}"
    for item in session.scalars(select(OutboxItem).where(OutboxItem.member_id == member.id)):
        item.reply = _scrub_reply(item.reply)
        item.external_id, item.chat_key = anonymous, anonymous
        if item.status in PENDING:
            # Never sent now: the chat it was for is no longer known.
            item.status, item.error = SKIPPED, "erased"
        scrubbed += 1
    counts["outbox"] = scrubbed
    if old_channel == "zalo":
        counts["zalo_inbox"] = changed_rows(
            session,
            update(ZaloInboxEvent).where(ZaloInboxEvent.user_id == old_external_id)
            .values(user_id=anonymous, text=None, payload=None).execution_options(synchronize_session=False))
    counts["consents"] = changed_rows(session, delete(Consent).where(Consent.member_id == member.id)
                                      .execution_options(synchronize_session=False))
    # What they said worked for them and what they thought of an answer: a few rows a member, deleted as objects.
    said = [*session.scalars(select(Outcome).where(Outcome.member_id == member.id)),
            *session.scalars(select(Rating).where(Rating.member_id == member.id))]
    for row in said:
        session.delete(row)
    counts["outcomes"] = sum(isinstance(row, Outcome) for row in said)
    counts["ratings"] = len(said) - counts["outcomes"]
    # A team member's half-scheduled session (/buoihotro): the place they typed goes with their chat.
    counts["session_drafts"] = changed_rows(session, delete(SessionDraft).where(
        SessionDraft.staff_id.in_(select(Staff.id).where(Staff.member_id == member.id)))
        .execution_options(synchronize_session=False))
    session.execute(update(Staff).where(Staff.member_id == member.id).values(member_id=None)
                    .execution_options(synchronize_session=False))
    # A new message from the same chat starts a new member: the old row keeps only what the counts need.
    member.external_id = anonymous[:64]
    member.display_name = None
    member.household_id = None
    member.is_guest = False
    member.address_form = None
    member.reminders_off = True
    member.last_seen_at = now
    session.flush()
    return counts
