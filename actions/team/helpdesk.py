""""I'm stuck": a help request goes to the village's team members, one takes it, and the assistant relays
the conversation both ways (actions/team/relay.py) until one side closes it. Messages to the other side go
through the outbox, in the same transaction as the turn; every state change is a HelpEvent.
"""
from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import ColumnElement, and_, case, exists, or_, select, update
from sqlalchemy.orm import Session, aliased

from actions.buttons import HUMAN, MENU
from actions.context import ActionContext
from actions.team.replies import team_reply
from bot.delivery.clock import LocalTime, aware
from bot.delivery.outbox import PRIORITY_PERSON, PUSHABLE_CHANNELS, enqueue
from bot.people import team_members as team
from bot.redact import redact
from bot.shared.payloads import HelpButton
from bot.shared.team_settings import TeamSettings
from bot.shared.types import Button, Reply
from bot.storage.base import changed_rows
from bot.storage.conversations import ConversationLog
from bot.storage.help import HELP_CLOSED, HELP_OPEN, HELP_TAKEN, HelpEvent, HelpRequest
from bot.storage.households import Household, Member
from bot.storage.places import Village
from bot.storage.progress import TutorialRun
from bot.storage.staff import ROLE_COMMUNE, ROLE_PROVINCE, Staff
from content.words import words

LAST_MESSAGES = 5


def close_button(request: HelpRequest) -> Button:
    return Button("help_close", HelpButton("close", request.id).pack())


def _event(session: Session, request: HelpRequest, kind: str, now: datetime,
           team_member: Staff | None = None, detail: str | None = None) -> None:
    session.add(HelpEvent(help_request_id=request.id, at=now, kind=kind,
                          team_member_id=team_member.id if team_member else None,
                          detail=detail[:300] if detail else None))


def _citizen_name(household: Household | None, member: Member | None) -> str:
    if household is not None:
        return household.head_name
    if member is None:
        raise LookupError("a help request's member row is missing (member rows are never deleted)")
    return member.display_name or words().guest


def _member(session: Session, member_id: int) -> Member:
    member = session.get(Member, member_id)
    if member is None:
        raise LookupError(f"member {member_id} of a help request is missing (member rows are never deleted)")
    return member


def _household(session: Session, household_id: int) -> Household:
    household = session.get(Household, household_id)
    if household is None:
        raise LookupError(f"household {household_id} of a help request is missing")
    return household


def village_of(session: Session, request: HelpRequest) -> Village | None:
    """The request's village: its household's, or the one a citizen of no household chose (None: neither)."""
    if request.household_id is not None:
        return _household(session, request.household_id).village
    return session.get(Village, request.village_id) if request.village_id is not None else None


def active_as_citizen(session: Session, member: Member) -> HelpRequest | None:
    """The citizen's request that is open or being helped, if any."""
    return session.scalars(select(HelpRequest).where(
        HelpRequest.member_id == member.id, HelpRequest.status.in_((HELP_OPEN, HELP_TAKEN)))
        .order_by(HelpRequest.id.desc()).limit(1)).first()


def active_as_helper(session: Session, team_member: Staff) -> HelpRequest | None:
    return session.scalars(select(HelpRequest).where(
        HelpRequest.taken_by_id == team_member.id, HelpRequest.status == HELP_TAKEN)
        .order_by(HelpRequest.id.desc()).limit(1)).first()


def _relayed_with(member_id: int | ColumnElement[int]) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    """(asked by the member, a taken request with the member on either side: as the citizen, or as the
    active team member who took it)."""
    as_citizen = HelpRequest.member_id == member_id
    helper_ids = select(Staff.id).where(Staff.member_id == member_id, Staff.active.is_(True))
    return as_citizen, and_(HelpRequest.status == HELP_TAKEN,
                            or_(as_citizen, HelpRequest.taken_by_id.in_(helper_ids)))


def relay_peer(session: Session, member: Member) -> tuple[str, HelpRequest] | None:
    """('citizen' | 'helper', request) when this chat identity is in a relayed conversation.

    One query: the newest taken request the member asked for, else the newest one they took."""
    as_citizen, relayed = _relayed_with(member.id)
    request = session.scalars(select(HelpRequest).where(relayed)
                              .order_by(case((as_citizen, 0), else_=1), HelpRequest.id.desc()).limit(1)).first()
    if request is None:
        return None
    return ("citizen" if request.member_id == member.id else "helper"), request


def in_relay(session: Session, channel: str, user_id: str) -> bool:
    """Whether this chat is in a relayed conversation, in one query (before a free text goes to the NLU)."""
    member_id = select(Member.id).where(Member.channel == channel, Member.external_id == user_id).scalar_subquery()
    _, relayed = _relayed_with(member_id)
    return bool(session.scalar(select(exists().where(relayed))))


def _last_messages(session: Session, member: Member) -> list[str]:
    texts = session.scalars(select(ConversationLog.text).where(
        ConversationLog.member_id == member.id, ConversationLog.text.is_not(None),
        ConversationLog.payload.is_(None))
        .order_by(ConversationLog.id.desc()).limit(LAST_MESSAGES)).all()
    # The query keeps only rows with a text; the check tells the type checker so.
    return [redact(t)[:300] for t in reversed(texts) if t is not None]


def notice(session: Session, catalog, request: HelpRequest, escalated: bool = False,
           waited_minutes: int | None = None) -> Reply:
    """What a team member sees about a request: who, where, what they were doing, their last words."""
    citizen = session.get(Member, request.member_id)
    household = session.get(Household, request.household_id) if request.household_id else None
    village = village_of(session, request)
    topic = catalog.get(request.topic_id)
    # A web chat citizen cannot get a helper's words (the outbox cannot reach them): nothing to take.
    reachable = citizen is not None and citizen.channel in PUSHABLE_CHANNELS
    buttons = ((Button("help_take", HelpButton("take", request.id).pack()),
                Button("help_pass", HelpButton("pass", request.id).pack())),) if reachable else ()
    return team_reply("help_notice", {
        "request_id": request.id, "name": _citizen_name(household, citizen),
        "village": village.name if village else None, "reachable": reachable,
        "household_code": household.code if household else None,
        "topic_title": topic.title if topic else None,
        "number": request.step_index + 1 if request.step_index is not None else None,
        "last_messages": json.loads(request.last_messages or "[]"),
        "escalated": escalated, "waited_minutes": waited_minutes,
    }, buttons=buttons)


def open_request(ctx: ActionContext, run: TutorialRun | None, step_index: int | None = None,
                 village_id: int | None = None) -> tuple[HelpRequest, bool, int]:
    """(request, is it new, how many people were told). An open request is not opened twice.

    `step_index`: the step the citizen says it failed at, when not the run's own (a finished tutorial's);
    `village_id`: the village a citizen of no household chose (a household's own village goes first)."""
    existing = active_as_citizen(ctx.session, ctx.member)
    if existing is not None:
        return existing, False, 0
    request = HelpRequest(
        member_id=ctx.member.id, household_id=ctx.member.household_id,
        village_id=village_id if ctx.member.household_id is None else None,
        topic_id=run.topic_id if run else None,
        step_index=step_index if step_index is not None else run.step_index if run else None,
        created_at=ctx.now, status=HELP_OPEN,
        last_messages=json.dumps(_last_messages(ctx.session, ctx.member), ensure_ascii=False),
    )
    ctx.session.add(request)
    ctx.session.flush()
    _event(ctx.session, request, "opened", ctx.now)
    helpers = []
    village = village_of(ctx.session, request)
    if village is not None:
        helpers = [(t, m) for t, m in team.helpers_of_village(ctx.session, village.id) if m.id != ctx.member.id]
    reply = notice(ctx.session, ctx.catalog, request)
    for team_member, chat in helpers:
        enqueue(ctx.session, chat, reply, "help", priority=PRIORITY_PERSON)
        _event(ctx.session, request, "notified", ctx.now, team_member)
    told = len(helpers)
    if not helpers:
        # Nobody of the village can be reached in chat: the commune's admins hear of it at once.
        told = escalate(ctx.session, ctx.catalog, request, ctx.now,
                        reason="no team member of the village in chat") or 0
    return request, True, told


def escalate(session: Session, catalog, request: HelpRequest, now: datetime, reason: str,
             waited_minutes: int | None = None) -> int | None:
    """Tell the commune's admins (the province's, for a guest of no village), once per request; how many were told."""
    changed = changed_rows(session, update(HelpRequest).where(
        HelpRequest.id == request.id, HelpRequest.status == HELP_OPEN, HelpRequest.escalated_at.is_(None))
        .values(escalated_at=now).execution_options(synchronize_session=False))
    if changed != 1:
        return None
    request.escalated_at = now
    _event(session, request, "escalated", now, detail=reason)
    village = village_of(session, request)
    if village is not None:
        admins = team.admins_of_commune(session, village.commune_id)
    else:
        rows = session.execute(select(Staff, Member).join(Member, Member.id == Staff.member_id)
                               .where(Staff.role == ROLE_PROVINCE, Staff.active.is_(True))).all()
        admins = [(t, m) for t, m in rows]
    reply = notice(session, catalog, request, escalated=True, waited_minutes=waited_minutes)
    told = 0
    for team_member, chat in admins:
        if chat.id != request.member_id:
            enqueue(session, chat, reply, "help", priority=PRIORITY_PERSON)
            _event(session, request, "notified", now, team_member)
            told += 1
    return told


def escalate_due(session: Session, catalog, settings: TeamSettings, now: datetime) -> int:
    """Escalate every open request nobody took within the configured working minutes."""
    local = LocalTime.of(settings)
    count = 0
    for request in session.scalars(select(HelpRequest).where(
            HelpRequest.status == HELP_OPEN, HelpRequest.escalated_at.is_(None)).order_by(HelpRequest.id)).all():
        waited = local.working_minutes(aware(request.created_at), now)
        if waited >= settings.help_escalate_minutes:
            told = escalate(session, catalog, request, now, reason=f"not taken in {waited:.0f} working minutes",
                            waited_minutes=round(waited))
            count += told is not None
    return count


def _may_help(session: Session, team_member: Staff, request: HelpRequest) -> bool:
    village = village_of(session, request)
    if village is None:
        return team_member.role in (ROLE_COMMUNE, ROLE_PROVINCE)
    return village.id in team.village_ids(session, team_member)


def taker(session: Session, request: HelpRequest) -> Staff:
    """The team member who took a request (only asked of a taken one)."""
    helper = session.get(Staff, request.taken_by_id)
    if helper is None:
        raise LookupError(f"help request {request.id} has no team member who took it (taken_by_id {request.taken_by_id})")
    return helper


def _request_for(ctx: ActionContext, request_id: str) -> HelpRequest | None:
    return ctx.session.get(HelpRequest, int(request_id)) if request_id.isdigit() else None


def take(ctx: ActionContext, request_id: str) -> list[Reply]:
    team_member = team.team_member_of(ctx.session, ctx.member)
    request = _request_for(ctx, request_id)
    if team_member is None or request is None or not _may_help(ctx.session, team_member, request):
        return [team_reply("not_team_member")]
    # One take at a time per helper (a double press on two requests): the helper's row is locked on
    # PostgreSQL, and the take is a compare-and-set that also refuses while they help someone else.
    ctx.session.execute(select(Staff.id).where(Staff.id == team_member.id).with_for_update())
    current = active_as_helper(ctx.session, team_member)
    if current is not None and current.id != request.id:
        return [_busy(ctx, current)]
    other = aliased(HelpRequest)
    changed = changed_rows(ctx.session, update(HelpRequest).where(
        HelpRequest.id == request.id, HelpRequest.status == HELP_OPEN,
        ~exists().where(other.taken_by_id == team_member.id, other.status == HELP_TAKEN, other.id != request.id))
        .values(status=HELP_TAKEN, taken_by_id=team_member.id, taken_at=ctx.now)
        .execution_options(synchronize_session=False))
    ctx.session.refresh(request)
    if changed != 1:
        if request.status == HELP_TAKEN and request.taken_by_id == team_member.id:
            return [team_reply("help_taken_helper", _helper_context(ctx, request), buttons=((close_button(request),),))]
        current = active_as_helper(ctx.session, team_member)
        if request.status == HELP_OPEN and current is not None:
            return [_busy(ctx, current)]
        taker = ctx.session.get(Staff, request.taken_by_id) if request.taken_by_id else None
        return [team_reply("help_take_late", {"taken_by": taker.name if taker else None})]
    _event(ctx.session, request, "taken", ctx.now, team_member)
    citizen = _member(ctx.session, request.member_id)
    enqueue(ctx.session, citizen, team_reply("help_taken", {"helper_name": team_member.name},
                                        buttons=((close_button(request),),)), "relay", priority=PRIORITY_PERSON)
    return [team_reply("help_taken_helper", _helper_context(ctx, request), buttons=((close_button(request),),))]


def _busy(ctx: ActionContext, current: HelpRequest) -> Reply:
    return team_reply("help_busy", {"name": name_of_request(ctx.session, current)},
                      buttons=((close_button(current),),))


def name_of_request(session: Session, request: HelpRequest) -> str:
    household = session.get(Household, request.household_id) if request.household_id else None
    return _citizen_name(household, session.get(Member, request.member_id))


def _helper_context(ctx: ActionContext, request: HelpRequest) -> dict:
    village = village_of(ctx.session, request)
    return {"name": name_of_request(ctx.session, request), "village": village.name if village else None}


def pass_(ctx: ActionContext, request_id: str) -> list[Reply]:
    team_member = team.team_member_of(ctx.session, ctx.member)
    request = _request_for(ctx, request_id)
    if team_member is None or request is None or not _may_help(ctx.session, team_member, request):
        return [team_reply("not_team_member")]
    _event(ctx.session, request, "passed", ctx.now, team_member)
    ctx.session.flush()
    events = ctx.session.execute(select(HelpEvent.kind, HelpEvent.team_member_id).where(
        HelpEvent.help_request_id == request.id)).all()
    notified = {m for k, m in events if k == "notified"}
    passed = {m for k, m in events if k == "passed"}
    if request.status == HELP_OPEN and notified and notified <= passed:
        escalate(ctx.session, ctx.catalog, request, ctx.now, reason="every team member told passed")
    return [team_reply("help_passed")]


def close(ctx: ActionContext, request_id: str | None = None) -> list[Reply]:
    """Either side ends the conversation (or the citizen withdraws an open request)."""
    if request_id is None:
        peer = relay_peer(ctx.session, ctx.member)
        request = peer[1] if peer else active_as_citizen(ctx.session, ctx.member)
    else:
        request = _request_for(ctx, request_id)
    if request is None:
        return [team_reply("help_none")]
    team_member = team.team_member_of(ctx.session, ctx.member)
    if request.member_id == ctx.member.id:
        side = "citizen"
    elif team_member is not None and request.taken_by_id == team_member.id:
        side = "helper"
    else:
        return [team_reply("not_team_member")]
    if request.status == HELP_CLOSED:
        return [_closed(side, True, None)]
    was_taken = request.status == HELP_TAKEN
    request.status, request.closed_at, request.closed_by = HELP_CLOSED, ctx.now, side
    _event(ctx.session, request, "closed", ctx.now, team_member if side == "helper" else None, detail=side)
    if was_taken:
        helper = taker(ctx.session, request)
        if side == "citizen":
            other, other_name = ctx.session.get(Member, helper.member_id), name_of_request(ctx.session, request)
            reply_name = helper.name
        else:
            other, other_name = ctx.session.get(Member, request.member_id), helper.name
            reply_name = name_of_request(ctx.session, request)
        if other is not None:
            enqueue(ctx.session, other, _closed("citizen" if side == "helper" else "helper", False, other_name),
                    "relay", priority=PRIORITY_PERSON)
        return [_closed(side, True, reply_name)]
    return [_closed(side, True, None)]


def _closed(side: str, by_you: bool, other_name: str | None) -> Reply:
    """The end of a conversation, for the helper (thanks) or the citizen (back to the assistant, and how
    to ask for a person again)."""
    helper = side == "helper"
    return team_reply("help_closed", {"by_you": by_you, "other_name": other_name, "helper": helper},
                      buttons=() if helper else ((HUMAN,), (MENU,)))


def open_list(ctx: ActionContext) -> list[Reply]:
    """`/hotro`: the open requests a team member may take."""
    team_member = team.team_member_of(ctx.session, ctx.member)
    if team_member is None:
        return [team_reply("not_team_member")]
    villages = team.village_ids(ctx.session, team_member)
    requests = ctx.session.scalars(
        select(HelpRequest).outerjoin(Household, Household.id == HelpRequest.household_id)
        .where(HelpRequest.status == HELP_OPEN,
               or_(Household.village_id.in_(villages), HelpRequest.village_id.in_(villages)))
        .order_by(HelpRequest.id).limit(10)).all()
    if not requests:
        return [team_reply("help_list_empty")]
    return [notice(ctx.session, ctx.catalog, r) for r in requests]

