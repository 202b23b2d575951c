"""`/buoihotro` from chat: schedule an in-person session (village, day and time, place, topics, confirm);
`/huybuoi`: cancel one of the next sessions (pick it, "Huỷ buổi này", confirm); changing its day, time or place
is cancelling it and scheduling a new one, as the replies say;
`/diemdanh`: after a session, tap the households that came and what worked for each.

Buttons (bot/shared/payloads.py): sess:v:<village>, sess:w:<yyyymmddhhmm>, sess:t:<topic>, sess:ok|go|x,
sess:a:<session>:<page>, sess:h:<session>:<household>, sess:p:<session>:<household>:<platform>,
sess:u:<session>, sess:c:ask|go|keep:<session>, sess:vp:<page> (a page of the member's villages). The day and time, and the place, may be typed: `typed` reads
them while a draft waits for them.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from actions.answers import button_unknown
from actions.context import ActionContext
from actions.paging import paged, reading_order
from actions.team.replies import team_reply
from bot.delivery.clock import LocalTime, aware
from bot.people import support_sessions as sessions
from bot.people import team_members as team
from bot.shared.payloads import (
    SessionAttend,
    SessionCancel,
    SessionHousehold,
    SessionPlatform,
    SessionStep,
    SessionTopic,
    SessionUpcoming,
    SessionVillage,
    SessionVillagePage,
    SessionWhen,
)
from bot.shared.types import Button, Reply
from bot.storage.households import Household
from bot.storage.places import Village
from bot.storage.sessions import SessionDraft, SupportSession
from bot.storage.staff import Staff

HOUSEHOLDS_PER_PAGE = 10
# Offered days and times: the next three days, morning and afternoon.
OFFERED_DAYS, OFFERED_HOURS = 3, (8, 14)
DRAFT_MINUTES = 30  # typed text counts as the draft's day or place only this soon after its last step
CANCEL = Button("session_cancel", SessionStep("x").pack())
SessionButton = (SessionVillage | SessionWhen | SessionTopic | SessionStep | SessionAttend | SessionHousehold
                 | SessionPlatform | SessionUpcoming | SessionCancel | SessionVillagePage)


def _staff(ctx: ActionContext) -> Staff | None:
    return team.team_member_of(ctx.session, ctx.member)


def _local(ctx: ActionContext) -> LocalTime:
    return LocalTime.of(ctx.settings)


def _may(ctx: ActionContext, staff: Staff, village_id: int) -> bool:
    return village_id in team.village_ids(ctx.session, staff)


def start(ctx: ActionContext) -> list[Reply]:
    """`/buoihotro`: which village (straight to the day when the member has one)."""
    staff = _staff(ctx)
    if staff is None:
        return [team_reply("not_team_member")]
    village_ids = team.village_ids(ctx.session, staff)
    if len(village_ids) == 1:
        return _begin(ctx, staff, village_ids[0])
    return _villages(ctx, village_ids, 0)


def _villages(ctx: ActionContext, village_ids: list[int], page: int) -> list[Reply]:
    """A page of the member's villages (a commune official's may be many), in reading order (actions/paging.py)."""
    if not village_ids:
        return [team_reply("not_team_member")]
    villages = sorted(ctx.session.scalars(select(Village).where(Village.id.in_(village_ids))),
                      key=lambda v: (reading_order(v.name), v.id))
    rows = paged(villages, page, lambda v: Button("topic", SessionVillage(v.id).pack(), {"title": v.name}),
                 lambda to: SessionVillagePage(to).pack())
    return [team_reply("session_choose_village", buttons=(*rows, (CANCEL,)))]


def _begin(ctx: ActionContext, staff: Staff, village_id: int) -> list[Reply]:
    draft = ctx.session.get(SessionDraft, staff.id)
    if draft is None:
        draft = SessionDraft(staff_id=staff.id, village_id=village_id)
        ctx.session.add(draft)
    draft.village_id, draft.starts_at, draft.place, draft.topic_ids = village_id, None, None, []
    draft.updated_at = ctx.now
    ctx.session.flush()
    return _ask_when(ctx, draft)


def _village_name(ctx: ActionContext, village_id: int) -> str:
    village = ctx.session.get(Village, village_id)
    return village.name if village else ""


def _ask_when(ctx: ActionContext, draft: SessionDraft, again: str | None = None) -> list[Reply]:
    local = _local(ctx)
    today = local.local(ctx.now).date()
    buttons = []
    for offset in range(1, OFFERED_DAYS + 1):
        day = today + timedelta(days=offset)
        buttons.append(tuple(
            Button("session_when", SessionWhen(int(f"{day:%Y%m%d}{hour:02d}00")).pack(),
                   {"weekday": day.weekday(), "day": f"{day:%d/%m}", "time": f"{hour}:00"})
            for hour in OFFERED_HOURS))
    return [team_reply("session_choose_when", {"village": _village_name(ctx, draft.village_id), "again": again},
                       buttons=(*buttons, (CANCEL,)))]


def _draft(ctx: ActionContext, staff: Staff) -> SessionDraft | None:
    return ctx.session.get(SessionDraft, staff.id)


def _set_when(ctx: ActionContext, draft: SessionDraft, when: datetime | None) -> list[Reply]:
    if when is None:
        return _ask_when(ctx, draft, again="unreadable")
    if aware(when) <= ctx.now:
        return _ask_when(ctx, draft, again="past")
    draft.starts_at, draft.updated_at = when, ctx.now
    return [team_reply("session_ask_place", {**_when(ctx, when), "again": False}, buttons=((CANCEL,),))]


def _when(ctx: ActionContext, when: datetime) -> dict:
    local = _local(ctx).local(when)
    return {"day": local.strftime("%d/%m/%Y"), "time": local.strftime("%H:%M"), "weekday": local.weekday()}


def _set_place(ctx: ActionContext, draft: SessionDraft, text: str) -> list[Reply]:
    place = " ".join(text.split())
    if not place or len(place) > sessions.MAX_PLACE:
        return [team_reply("session_ask_place", {**_when(ctx, draft.starts_at or ctx.now), "again": True},
                           buttons=((CANCEL,),))]
    draft.place, draft.updated_at = place, ctx.now
    return _ask_topics(ctx, draft)


def _ask_topics(ctx: ActionContext, draft: SessionDraft) -> list[Reply]:
    chosen = list(draft.topic_ids or [])
    rows = tuple((Button("session_topic", SessionTopic(t.id).pack(), {"title": t.title, "chosen": t.id in chosen}),)
                 for t in ctx.catalog if t.is_tutorial)
    done = ((Button("session_topics_done", SessionStep("ok").pack()),),) if chosen else ()
    return [team_reply("session_choose_topics", {"chosen": [ctx.catalog[t].title for t in chosen
                                                            if t in ctx.catalog.topics],
                                                 "most": sessions.MAX_TOPICS},
                       buttons=(*done, *rows, (CANCEL,)))]


def _summary(ctx: ActionContext, village_id: int, starts_at: datetime, place: str, topic_ids: list[str]) -> dict:
    return {"village": _village_name(ctx, village_id), **_when(ctx, starts_at), "place": place,
            "topics": [ctx.catalog[t].title for t in topic_ids if t in ctx.catalog.topics]}


def typed(ctx: ActionContext, text: str) -> list[Reply] | None:
    """Text a team member typed while their draft waits for a day and time or a place; None when it does not."""
    # One query on every citizen's free text: only a team member with a draft has one.
    draft = ctx.session.scalars(select(SessionDraft).join(Staff, Staff.id == SessionDraft.staff_id).where(
        Staff.member_id == ctx.member.id, Staff.active.is_(True))).first()
    if draft is None or ctx.now - aware(draft.updated_at) > timedelta(minutes=DRAFT_MINUTES):
        return None
    if draft.starts_at is None:
        return _set_when(ctx, draft, sessions.parse_when(text, ctx.now, _local(ctx).zone))
    if draft.place is None:
        return _set_place(ctx, draft, text)
    return None


def on_button(ctx: ActionContext, payload: SessionButton) -> list[Reply]:
    """A sess:… button (bot/shared/payloads.py)."""
    staff = _staff(ctx)
    if staff is None:
        return [team_reply("not_team_member")]
    if isinstance(payload, SessionVillagePage):
        return _villages(ctx, team.village_ids(ctx.session, staff), payload.page)
    if isinstance(payload, SessionVillage):
        if not _may(ctx, staff, payload.village_id):
            return [team_reply("not_team_member")]
        return _begin(ctx, staff, payload.village_id)
    if isinstance(payload, (SessionAttend, SessionHousehold, SessionPlatform)):
        return _attendance_button(ctx, staff, payload)
    if isinstance(payload, (SessionUpcoming, SessionCancel)):
        return _cancel_button(ctx, staff, payload)
    draft = _draft(ctx, staff)
    if isinstance(payload, SessionStep) and payload.verb == "x":
        if draft is not None:
            ctx.session.delete(draft)
        return [team_reply("session_cancelled")]
    if draft is None or not _may(ctx, staff, draft.village_id):
        return [team_reply("session_expired")]
    if isinstance(payload, SessionWhen):
        return _set_when(ctx, draft, _offered(ctx, payload.when))
    if draft.starts_at is None or draft.place is None:
        return [team_reply("session_expired")]
    if isinstance(payload, SessionTopic):
        if payload.topic_id not in ctx.catalog.topics:
            return button_unknown(ctx)
        chosen = list(draft.topic_ids or [])
        if payload.topic_id in chosen:
            chosen.remove(payload.topic_id)
        elif len(chosen) < sessions.MAX_TOPICS:
            chosen.append(payload.topic_id)
        draft.topic_ids, draft.updated_at = chosen, ctx.now
        return _ask_topics(ctx, draft)
    summary = _summary(ctx, draft.village_id, draft.starts_at, draft.place, list(draft.topic_ids or []))
    if payload.verb == "ok":
        if not draft.topic_ids:
            return _ask_topics(ctx, draft)
        return [team_reply("session_confirm", summary,
                           buttons=((Button("session_go", SessionStep("go").pack()),), (CANCEL,)))]
    try:
        sessions.schedule(ctx.session, ctx.catalog, draft.village_id, draft.starts_at, draft.place,
                          list(draft.topic_ids or []), staff, ctx.now)
    except sessions.SessionError:
        return _ask_when(ctx, draft, again="past")
    ctx.session.delete(draft)
    return [team_reply("session_scheduled", summary)]


def _offered(ctx: ActionContext, when: int) -> datetime | None:
    """A day-and-time button's moment (the team's zone), as UTC."""
    text = f"{when:012d}"
    try:
        local = datetime.strptime(text, "%Y%m%d%H%M").replace(tzinfo=_local(ctx).zone)
    except ValueError:
        return None
    return local.astimezone(aware(ctx.now).tzinfo)


def attendance(ctx: ActionContext) -> list[Reply]:
    """`/diemdanh`: the sessions of the last days in the member's villages (straight to one if alone)."""
    return _pick_session(ctx, sessions.recent, none=team_reply("session_none_recent"),
                         choose=lambda rows: team_reply("session_choose_recent", buttons=rows),
                         straight=lambda row: _households(ctx, row, 0),
                         pick=lambda row: SessionAttend(row.id, 0).pack())


def _pick_session(ctx: ActionContext, find: Callable[[Session, list[int], datetime], list[SupportSession]], *,
                  none: Reply, choose: Callable[[tuple[tuple[Button, ...], ...]], Reply],
                  straight: Callable[[SupportSession], list[Reply]],
                  pick: Callable[[SupportSession], str]) -> list[Reply]:
    """The member's sessions by `find`: `none` if none, `straight` to a lone one, else `choose` with a `pick` button
    each. The replies are made by the callers, so each template is named where it is used (tests/team/test_templates.py)."""
    staff = _staff(ctx)
    if staff is None:
        return [team_reply("not_team_member")]
    found = find(ctx.session, team.village_ids(ctx.session, staff), ctx.now)
    if not found:
        return [none]
    if len(found) == 1:
        return straight(found[0])
    rows = tuple((Button("session_pick", pick(row),
                         {**_when(ctx, row.starts_at), "village": _village_name(ctx, row.village_id)}),)
                 for row in found)
    return [choose(rows)]


def _session_of(ctx: ActionContext, staff: Staff, session_id: int) -> SupportSession | None:
    row = ctx.session.get(SupportSession, session_id)
    if row is None or not _may(ctx, staff, row.village_id) or aware(row.starts_at) > ctx.now:
        return None
    return row


def _attendance_button(ctx: ActionContext, staff: Staff,
                       payload: SessionAttend | SessionHousehold | SessionPlatform) -> list[Reply]:
    row = _session_of(ctx, staff, payload.session_id)
    if row is None:
        return button_unknown(ctx)
    if isinstance(payload, SessionAttend):
        return _households(ctx, row, payload.page)
    household = ctx.session.get(Household, payload.household_id)
    if household is None or household.village_id != row.village_id:
        return button_unknown(ctx)
    platforms: list[str] = []
    if isinstance(payload, SessionPlatform):
        if payload.platform not in ctx.catalog.platforms:
            return button_unknown(ctx)
        platforms = [payload.platform]
    came = sessions.record_attendance(ctx.session, ctx.catalog, row, household.id, platforms, staff, ctx.now)
    rows = tuple((Button("session_platform", SessionPlatform(row.id, household.id, p.id).pack(),
                         {"name": p.name, "chosen": p.id in came.platforms}),)
                 for p in ctx.catalog.platforms.values())
    back = Button("session_back", SessionAttend(row.id, 0).pack())
    return [team_reply("session_household_came", {
        "head": household.head_name, "code": household.code,
        "platforms": [ctx.catalog.platforms[p].name for p in came.platforms if p in ctx.catalog.platforms]},
        buttons=(*rows, (back,)))]


def _households(ctx: ActionContext, row: SupportSession, page: int) -> list[Reply]:
    households = sessions.households_of(ctx.session, row.village_id)
    came = sessions.attendance_of(ctx.session, row.id)
    start = page * HOUSEHOLDS_PER_PAGE
    shown = households[start:start + HOUSEHOLDS_PER_PAGE]
    rows: list[tuple[Button, ...]] = [
        (Button("session_household", SessionHousehold(row.id, h.id).pack(),
                {"head": h.head_name, "code": h.code, "came": h.id in came}),) for h in shown]
    if start + HOUSEHOLDS_PER_PAGE < len(households):
        rows.append((Button("session_more", SessionAttend(row.id, page + 1).pack()),))
    return [team_reply("session_attendance", {
        **_summary(ctx, row.village_id, row.starts_at, row.place, list(row.topic_ids)),
        "came": len(came), "households": len(households), "page": page}, buttons=tuple(rows))]


def cancel_start(ctx: ActionContext) -> list[Reply]:
    """`/huybuoi`: the next sessions of the member's villages, to cancel one (straight to it if alone)."""
    return _pick_session(ctx, sessions.cancellable, none=team_reply("session_none_upcoming"),
                         choose=lambda rows: team_reply("session_choose_upcoming", buttons=rows),
                         straight=lambda row: _upcoming(ctx, row), pick=lambda row: SessionUpcoming(row.id).pack())


def _upcoming(ctx: ActionContext, row: SupportSession) -> list[Reply]:
    summary = _summary(ctx, row.village_id, row.starts_at, row.place, list(row.topic_ids))
    return [team_reply("session_upcoming", summary, buttons=(
        (Button("session_cancel_ask", SessionCancel("ask", row.id).pack()),),
        (Button("session_keep", SessionCancel("keep", row.id).pack()),)))]


def _cancel_button(ctx: ActionContext, staff: Staff, payload: SessionUpcoming | SessionCancel) -> list[Reply]:
    row = ctx.session.get(SupportSession, payload.session_id)
    if row is None or not _may(ctx, staff, row.village_id):
        return button_unknown(ctx)
    if isinstance(payload, SessionCancel) and payload.verb == "keep":
        return [team_reply("session_kept")]
    # An old button: the session began, or someone (here or on the admin web) cancelled it already.
    if row.cancelled_at is not None or aware(row.starts_at) <= ctx.now:
        return [team_reply("session_cancel_late", {"cancelled": row.cancelled_at is not None})]
    if isinstance(payload, SessionUpcoming):
        return _upcoming(ctx, row)
    summary = _summary(ctx, row.village_id, row.starts_at, row.place, list(row.topic_ids))
    if payload.verb == "ask":
        return [team_reply("session_cancel_confirm", summary, buttons=(
            (Button("session_cancel_go", SessionCancel("go", row.id).pack()),),
            (Button("session_keep", SessionCancel("keep", row.id).pack()),)))]
    if not sessions.cancel(ctx.session, row, staff, ctx.now):
        return [team_reply("session_cancel_late", {"cancelled": row.cancelled_at is not None})]
    return [team_reply("session_called_off", {**summary, "reminded": sessions.reminded(ctx.session, row.id)})]
