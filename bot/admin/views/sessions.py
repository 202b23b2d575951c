"""In-person sessions: a village's next and recent sessions, scheduling one, cancelling one not yet begun,
recording who came and what worked.

Every user sees, schedules and cancels only for the villages of their scope (a team member: their own
villages); scheduling, cancelling and each household recorded are audit rows naming the session, never a person."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.admin import audit, filters
from bot.admin.errors import BadRequest
from bot.admin.messages import message
from bot.admin.queries.places import villages_in_scope
from bot.admin.web import Ctx, page
from bot.delivery.clock import aware
from bot.people import support_sessions as sessions
from bot.storage.households import Household
from bot.storage.sessions import SupportSession

RECENT_DAYS = 30


def _zone(ctx: Ctx) -> ZoneInfo:
    return ZoneInfo(ctx.services.settings.team.timezone)


@page()
def sessions_page(ctx: Ctx):
    filters.only(ctx.params, {"added", "cancelled"})
    villages = villages_in_scope(ctx.session, ctx.scope)
    names = {v.id: v.name for v in villages}
    rows = sessions.of_villages(ctx.session, None if ctx.scope.everything else sorted(names),
                                ctx.now - timedelta(days=RECENT_DAYS))
    catalog, zone = ctx.services.catalog, _zone(ctx)
    shown = [(row, sessions.shown(ctx.session, catalog, row, zone), len(sessions.attendance_of(ctx.session, row.id)))
             for row in rows]
    return ctx.render("sessions.html", upcoming=[s for s in shown if aware(s[0].starts_at) > ctx.now],
                      past=[s for s in shown if aware(s[0].starts_at) <= ctx.now],
                      villages=villages, tutorials=[t for t in catalog if t.is_tutorial],
                      added=filters.integer(ctx.params, "added"), cancelled=filters.integer(ctx.params, "cancelled"),
                      today=ctx.now.astimezone(zone).date())


def _when(ctx: Ctx, day: str, at: str) -> datetime | None:
    try:
        return datetime.strptime(f"{day} {at}", "%Y-%m-%d %H:%M").replace(tzinfo=_zone(ctx))
    except ValueError:
        return None


@page()
def schedule(ctx: Ctx):
    """POST /sessions: schedule a session; or, the form naming one in `cancel`, cancel it."""
    form = ctx.posted
    # The page's two forms post to one address (bot/admin/app.py routes POST /sessions here).
    if "cancel" in form:
        return _cancel(ctx, str(form.get("cancel") or ""))
    village = str(form.get("village") or "")
    if not village.isdigit():
        raise BadRequest(message("sessions.village_required"))
    ctx.scope.check_village(int(village))
    when = _when(ctx, str(form.get("day") or ""), str(form.get("time") or ""))
    try:
        row = sessions.schedule(ctx.session, ctx.services.catalog, int(village), when,
                                " ".join(str(form.get("place") or "").split()),
                                [str(t) for t in form.getlist("topic")], ctx.user, ctx.now)
    except sessions.SessionError as error:
        raise BadRequest(_refusal(str(error))) from None
    ctx.audit(audit.SCHEDULE_SESSION, f"session:{row.id}", village=row.village_id, topics=row.topic_ids)
    return ctx.redirect("/sessions", added=row.id)


def _cancel(ctx: Ctx, raw: str):
    """Cancel a session not yet begun: no longer told to citizens, its reminders dropped; audited by
    bot/people/support_sessions.py (cancel_session, naming the session). Cancelled already: nothing more."""
    if not raw.isdigit() or len(raw) > 10:
        raise BadRequest(message("sessions.not_found"))
    row = _session(ctx, int(raw))
    if row.cancelled_at is None and not sessions.cancel(ctx.session, row, ctx.user, ctx.now, ip=ctx.ip):
        raise BadRequest(message("sessions.cancel_begun"))  # it began meanwhile: too late to call it off
    return ctx.redirect("/sessions", cancelled=row.id)


def _refusal(key: str) -> str:
    """The words for what bot/people/support_sessions.py found wrong (its SessionError's key)."""
    return {"sessions.when_missing": message("sessions.when_missing"),
            "sessions.when_past": message("sessions.when_past"),
            "sessions.place_missing": message("sessions.place_missing"),
            "sessions.topics_missing": message("sessions.topics_missing")}[key]


def _session(ctx: Ctx, session_id: int) -> SupportSession:
    return ctx.village_row(SupportSession, session_id, message("sessions.not_found"))


@page()
def session_page(ctx: Ctx, session_id: int):
    filters.only(ctx.params, {"saved"})
    row = _session(ctx, session_id)
    catalog = ctx.services.catalog
    return ctx.render("session.html", row=row, s=sessions.shown(ctx.session, catalog, row, _zone(ctx)),
                      households=sessions.households_of(ctx.session, row.village_id),
                      came=sessions.attendance_of(ctx.session, row.id), platforms=catalog.platforms,
                      begun=aware(row.starts_at) <= ctx.now,
                      saved=filters.integer(ctx.params, "saved"))


@page()
def record_attendance(ctx: Ctx, session_id: int):
    row = _session(ctx, session_id)
    if aware(row.starts_at) > ctx.now:
        raise BadRequest(message("sessions.not_begun"))
    if row.cancelled_at is not None:  # it did not take place
        raise BadRequest(message("sessions.not_found"))
    form = ctx.posted
    raw = str(form.get("household") or "")
    household = ctx.session.get(Household, int(raw)) if raw.isdigit() else None
    if household is None or household.village_id != row.village_id:
        raise BadRequest(message("sessions.household_required"))
    platforms = [str(p) for p in form.getlist("platform") if str(p) in ctx.services.catalog.platforms]
    sessions.record_attendance(ctx.session, ctx.services.catalog, row, household.id, platforms, ctx.user, ctx.now)
    ctx.audit(audit.RECORD_ATTENDANCE, f"session:{row.id}", household=household.code, platforms=platforms)
    return ctx.redirect(f"/sessions/{row.id}", saved=household.id)
