"""Pushing a tutorial to the households of a village, a commune or the province, and its report.

A push is one outbox row per household (unique dedupe key push:<id>:<household>), all written in one
transaction; the sender delivers them. Households whose only chat is Zalo and who have not written in
the last 48 hours are reported as skipped, not sent.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, exists, func, insert, select
from sqlalchemy.orm import Session

from actions.team.replies import team_reply
from bot.delivery.clock import LocalTime, aware
from bot.delivery.outbox import PRIORITY_PUSH, PUSHABLE_CHANNELS, chat_key, reply_json
from bot.people import team_members as team
from bot.shared.payloads import PushReport as PushReportButton
from bot.shared.payloads import TopicButton
from bot.shared.team_settings import TeamSettings
from bot.shared.types import Button, Reply
from bot.storage.delivery import EXPIRED, FAILED, PENDING, QUEUED, SENT, SKIPPED, UNKNOWN, OutboxItem, Push
from bot.storage.households import Household, Member
from bot.storage.places import Commune, Village
from bot.storage.progress import RUN_COMPLETED, RUN_UNFINISHED, StepEvent, TutorialRun
from bot.storage.staff import ROLE_COMMUNE, ROLE_PROVINCE, Staff
from content.words import words

AUDIENCES = ("all", "not_started", "unfinished")
SCOPES = ("village", "commune", "province")
DOUBLE_PRESS = timedelta(minutes=10)  # the same push again this soon is a double tap, not a new push


class PushError(ValueError):
    """Why a push cannot be made, for the operator."""


@dataclass
class Audience:
    households: list[int]                      # in scope and audience
    targets: dict[int, Member] = field(default_factory=dict)  # household -> the member to message

    @property
    def not_joined(self) -> int:
        return len(self.households) - len(self.targets)


def scope_villages(session: Session, scope: str, scope_id: int | None) -> list[int]:
    if scope == "village":
        return [scope_id] if scope_id is not None and session.get(Village, scope_id) is not None else []
    if scope == "commune":
        return list(session.scalars(select(Village.id).where(Village.commune_id == scope_id)))
    return list(session.scalars(select(Village.id)))


def may_push(session: Session, team_member: Staff, scope: str, scope_id: int | None) -> bool:
    if team_member.role == ROLE_PROVINCE:
        return True
    if scope == "village":
        return scope_id in team.village_ids(session, team_member)
    return scope == "commune" and team_member.role == ROLE_COMMUNE and team_member.commune_id == scope_id


def audience(session: Session, topic_id: str, who: str, villages: list[int]) -> Audience:
    """The households of these villages in the audience, and for each its most recently seen chat."""
    query = select(Household.id).where(Household.village_id.in_(villages))
    run = TutorialRun
    started = exists().where(run.household_id == Household.id, run.topic_id == topic_id)
    completed = exists().where(run.household_id == Household.id, run.topic_id == topic_id,
                               run.status == RUN_COMPLETED)
    unfinished = exists().where(run.household_id == Household.id, run.topic_id == topic_id,
                                run.status.in_(RUN_UNFINISHED))
    if who == "not_started":
        query = query.where(~started)
    elif who == "unfinished":
        query = query.where(unfinished, ~completed)
    households = list(session.scalars(query.order_by(Household.id)))
    targets: dict[int, Member] = {}
    chosen = set(households)
    for member in session.scalars(select(Member).where(
            Member.household_id.in_(select(Household.id).where(Household.village_id.in_(villages))),
            Member.channel.in_(PUSHABLE_CHANNELS)).order_by(Member.last_seen_at, Member.id)):
        if member.household_id in chosen:
            targets[member.household_id] = member  # ordered by last_seen_at: the latest wins
    return Audience(households, targets)


def scope_name(session: Session, scope: str, scope_id: int | None) -> str:
    if scope == "village":
        village = session.get(Village, scope_id)
        return f"{village.name}, {village.commune.name}" if village else "?"
    if scope == "commune":
        commune = session.get(Commune, scope_id)
        return commune.name if commune else "?"
    return words().whole_province


def create_push(session: Session, catalog, topic_id: str, who: str, scope: str, scope_id: int | None,
                created_by: str, team_member: Staff | None, now: datetime,
                settings: TeamSettings | None = None) -> tuple[Push, bool]:
    """(push, is it new): a push and its outbox rows, in the session's transaction. Made in quiet hours
    (with `settings`), its rows wait for their end; the sender starts no push in quiet hours either way."""
    topic = catalog.get(topic_id)
    if topic is None or not topic.is_tutorial:
        raise PushError(f"{topic_id!r} is not a tutorial topic")
    if who not in AUDIENCES:
        raise PushError(f"audience must be one of {', '.join(AUDIENCES)}")
    if scope not in SCOPES:
        raise PushError(f"scope must be one of {', '.join(SCOPES)}")
    villages = scope_villages(session, scope, scope_id)
    if not villages:
        raise PushError(f"no village in that {scope}")
    recent = session.scalars(select(Push).where(
        Push.topic_id == topic_id, Push.audience == who, Push.scope == scope, Push.scope_id == scope_id,
        Push.created_at >= now - DOUBLE_PRESS).order_by(Push.id.desc())).first()
    if recent is not None:
        return recent, False
    chosen = audience(session, topic_id, who, villages)
    push = Push(topic_id=topic_id, audience=who, scope=scope, scope_id=scope_id, created_by=created_by[:200],
                team_member_id=team_member.id if team_member else None, created_at=now,
                households=len(chosen.households), not_joined=chosen.not_joined)
    session.add(push)
    session.flush()
    village_names = dict(session.execute(select(Village.id, Village.name).where(Village.id.in_(villages))).all())
    household_village = dict(session.execute(select(Household.id, Household.village_id).where(
        Household.id.in_(list(chosen.targets)))).all()) if chosen.targets else {}
    window = timedelta(hours=(settings or TeamSettings()).zalo_window_hours)
    local = LocalTime.of(settings) if settings is not None else None
    not_before = local.quiet_ends(now).timestamp() if local is not None and local.is_quiet(now) else 0.0
    rows = []
    for household_id, member in chosen.targets.items():
        village_id = household_village.get(household_id)
        reply = team_reply("push_tutorial", {
            "topic_id": topic.id, "title": topic.title, "summary": topic.summary,
            "village": village_names.get(village_id, "") if village_id is not None else ""},
            buttons=((Button("start_tutorial", TopicButton(topic.id).pack()),),))
        outside = member.channel == "zalo" and now - aware(member.last_seen_at) >= window
        rows.append(dict(
            kind="push", channel=member.channel, external_id=member.external_id,
            chat_key=chat_key(member.channel, member.external_id), member_id=member.id,
            household_id=household_id, push_id=push.id, reply=reply_json(reply),
            address_form=member.address_form, priority=PRIORITY_PUSH,
            status=SKIPPED if outside else QUEUED,
            error="outside the Zalo 48-hour window" if outside else None,
            attempts=0, not_before=not_before, dedupe_key=f"push:{push.id}:{household_id}", created_at=now))
    for start in range(0, len(rows), 500):
        session.execute(insert(OutboxItem), rows[start:start + 500])
    return push, True


# The outbox's error prefixes (the channels' classify in bot/channels/, bot/delivery/outbox.py) -> a report's reasons.
_REASONS = {"blocked": "blocked", "refused": "refused", "unknown": "unknown", "interrupted": "unknown",
            "expired": "expired", "gave up": "gave_up", "ApiError": "refused"}
FAILURE_REASONS = ("blocked", "refused", "unknown", "expired", "gave_up", "other")


def failure_reason(error: str | None) -> str:
    """blocked (the citizen blocked the bot), refused (the platform said no), unknown (maybe delivered,
    never sent again), expired (not sent in time), gave_up (the network failed every try), other."""
    return _REASONS.get((error or "").split(":", 1)[0].strip(), "other")


@dataclass
class PushReport:
    push: Push
    title: str
    scope_name: str
    counts: Counter
    failures: Counter
    skipped_households: list[str]
    opened: int
    completed: int

    @property
    def queued(self) -> int:
        return sum(self.counts.values())

    def as_dict(self) -> dict:
        return {"push_id": self.push.id, "topic_id": self.push.topic_id, "title": self.title,
                "scope": self.scope_name, "audience": self.push.audience,
                "households": self.push.households, "not_joined": self.push.not_joined,
                "queued": self.queued, "sent": self.counts[SENT],
                "pending": sum(self.counts[s] for s in PENDING), "failed": self.counts[FAILED],
                "unknown": self.counts[UNKNOWN], "skipped": self.counts[SKIPPED], "expired": self.counts[EXPIRED],
                "failures": dict(self.failures), "skipped_households": self.skipped_households,
                "opened": self.opened, "completed": self.completed}


def report(session: Session, catalog, push_id: int) -> PushReport | None:
    """Queued, sent, failed (why), skipped (which households), opened (started since), completed."""
    push = session.get(Push, push_id)
    if push is None:
        return None
    o = OutboxItem
    counts = Counter(dict(session.execute(select(o.status, func.count()).where(o.push_id == push_id)
                                          .group_by(o.status)).all()))
    failures: Counter[str] = Counter()
    for error, number in session.execute(select(o.error, func.count()).where(
            o.push_id == push_id, o.status.in_((FAILED, UNKNOWN, EXPIRED))).group_by(o.error)).all():
        failures[failure_reason(error)] += number
    skipped = list(session.scalars(select(Household.code).join(o, o.household_id == Household.id).where(
        o.push_id == push_id, o.status == SKIPPED).order_by(Household.code)))
    run = TutorialRun
    # One flat EXISTS each, correlated to this push's outbox row: a step after that household's own send.
    opened = session.scalar(select(func.count()).select_from(o).where(
        o.push_id == push_id, o.status == SENT,
        exists().where(run.household_id == o.household_id, run.topic_id == push.topic_id,
                       StepEvent.run_id == run.id, StepEvent.at >= o.sent_at).correlate(o)))
    completed = session.scalar(select(func.count()).select_from(o).where(
        o.push_id == push_id, o.status == SENT,
        exists().where(and_(run.household_id == o.household_id, run.topic_id == push.topic_id,
                            run.completed_at >= o.sent_at)).correlate(o)))
    topic = catalog.get(push.topic_id)
    return PushReport(push, topic.title if topic else push.topic_id, scope_name(session, push.scope, push.scope_id),
                      counts, failures, skipped, opened or 0, completed or 0)


def report_reply(push_report: PushReport) -> Reply:
    data = push_report.as_dict()
    data["failures"] = sorted(data["failures"].items())
    data["skipped_households"] = data["skipped_households"][:20]
    return team_reply("push_report", data, buttons=((Button("push_report", PushReportButton(push_report.push.id).pack()),),))

