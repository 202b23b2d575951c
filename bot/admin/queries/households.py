"""Households: a filtered, paginated list with figures per row, and one household's detail."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import distinct, exists, func, or_, select
from sqlalchemy.orm import Session

from bot.admin.messages import message
from bot.admin.period import as_utc
from bot.admin.queries.common import UNFINISHED, completed_condition, page_count, stuck_condition
from bot.admin.scope import Scope
from bot.storage.conversations import ConversationLog
from bot.storage.delivery import OutboxItem, Push
from bot.storage.help import HELP_OPEN, HelpRequest
from bot.storage.households import Household, Member
from bot.storage.places import Commune, Village
from bot.storage.progress import RUN_ABANDONED, RUN_ACTIVE, RUN_COMPLETED, RUN_PAUSED, StepEvent, TutorialRun
from content.loader import Catalog

PAGE_SIZE = 50
ACTIVE_DAYS = 30
# The statuses the list can be filtered by, with their Vietnamese labels.
STATUSES = {
    "active": message("households.status.active", days=ACTIVE_DAYS),
    "completed": message("households.status.completed"),
    "stuck": message("households.status.stuck"),
    "help": message("households.status.help"),
    "not_started": message("households.status.not_started"),
    "unlinked": message("households.status.unlinked"),
}
TIMELINE_LIMIT = 100


@dataclass(frozen=True)
class HouseholdFilter:
    commune_id: int | None = None
    village_id: int | None = None
    q: str = ""
    status: str = ""
    page: int = 1


@dataclass(frozen=True)
class HouseholdRow:
    id: int
    code: str
    head_name: str
    village: str
    commune: str
    members: int = 0
    completed_topics: int = 0
    unfinished: int = 0
    help_open: int = 0
    last_seen: datetime | None = None


@dataclass(frozen=True)
class HouseholdPage:
    rows: list[HouseholdRow]
    total: int
    page: int
    pages: int


def _conditions(f: HouseholdFilter, scope: Scope, now: datetime) -> list:
    conditions = [scope.village_filter(Household.village_id)]
    if f.commune_id is not None:
        conditions.append(Village.commune_id == f.commune_id)
    if f.village_id is not None:
        conditions.append(Household.village_id == f.village_id)
    if f.q:
        conditions.append(or_(Household.code.icontains(f.q, autoescape=True),
                              Household.head_name.icontains(f.q, autoescape=True)))
    if f.status == "active":
        conditions.append(exists(select(ConversationLog.id).where(
            ConversationLog.household_id == Household.id,
            ConversationLog.at >= now - timedelta(days=ACTIVE_DAYS))))
    elif f.status == "completed":
        conditions.append(completed_condition(Household.id))
    elif f.status == "stuck":
        conditions.append(stuck_condition(Household.id, now))
    elif f.status == "help":
        conditions.append(exists(select(HelpRequest.id).where(
            HelpRequest.household_id == Household.id, HelpRequest.status == HELP_OPEN)))
    elif f.status == "not_started":
        conditions.append(~exists(select(TutorialRun.id).where(TutorialRun.household_id == Household.id)))
    elif f.status == "unlinked":
        conditions.append(~exists(select(Member.id).where(Member.household_id == Household.id)))
    return conditions


def list_households(session: Session, scope: Scope, f: HouseholdFilter, now: datetime) -> HouseholdPage:
    conditions = _conditions(f, scope, now)
    base = select(Household.id).join(Village, Village.id == Household.village_id).where(*conditions)
    total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
    pages = page_count(total, PAGE_SIZE)
    page = min(f.page, pages)
    rows = session.execute(
        select(Household.id, Household.code, Household.head_name, Village.name, Commune.name)
        .join(Village, Village.id == Household.village_id).join(Commune, Commune.id == Village.commune_id)
        .where(*conditions).order_by(Household.code)
        .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    ids = [r[0] for r in rows]
    figures = _figures(session, ids)
    return HouseholdPage(
        [HouseholdRow(r[0], r[1], r[2], r[3], r[4], **figures.get(r[0], {})) for r in rows],
        total, page, pages)


def _of(figures: dict[int, dict], household_id: int | None) -> dict:
    """A household's figures; each query below groups by a household id among `ids`, so never NULL."""
    if household_id is None:
        raise ValueError("a household figure came back without its household id")
    return figures[household_id]


def _figures(session: Session, ids: list[int]) -> dict[int, dict]:
    """Members, completed topics, unfinished runs, open help and last activity of a page of households."""
    figures: dict[int, dict] = {i: {} for i in ids}
    if not ids:
        return figures
    for hid, members, last_seen in session.execute(
            select(Member.household_id, func.count(), func.max(Member.last_seen_at))
            .where(Member.household_id.in_(ids)).group_by(Member.household_id)):
        _of(figures, hid).update(members=members, last_seen=as_utc(last_seen))
    for hid, topics in session.execute(
            select(TutorialRun.household_id, func.count(distinct(TutorialRun.topic_id)))
            .where(TutorialRun.household_id.in_(ids), TutorialRun.status == RUN_COMPLETED)
            .group_by(TutorialRun.household_id)):
        _of(figures, hid)["completed_topics"] = topics
    for hid, runs in session.execute(
            select(TutorialRun.household_id, func.count())
            .where(TutorialRun.household_id.in_(ids), TutorialRun.status.in_(UNFINISHED))
            .group_by(TutorialRun.household_id)):
        _of(figures, hid)["unfinished"] = runs
    for hid, requests in session.execute(
            select(HelpRequest.household_id, func.count())
            .where(HelpRequest.household_id.in_(ids), HelpRequest.status == HELP_OPEN)
            .group_by(HelpRequest.household_id)):
        _of(figures, hid)["help_open"] = requests
    return figures


@dataclass(frozen=True)
class Progress:
    topic_id: str
    title: str
    status: str  # completed, active, paused, abandoned
    step: int  # 1-based current step
    steps: int
    at: datetime | None
    runs: int


@dataclass(frozen=True)
class TimelineItem:
    at: datetime
    kind: str  # message, step, help, help_taken, push
    text: str | None = None
    payload: str | None = None
    channel: str | None = None
    intent: str | None = None
    confidence: float | None = None
    understood: bool = True
    topic_id: str | None = None
    step: int | None = None
    event: str | None = None


@dataclass
class HouseholdDetail:
    household: Household
    village: Village
    commune: Commune
    members: list[Member] = field(default_factory=list)
    progress: list[Progress] = field(default_factory=list)
    timeline: list[TimelineItem] = field(default_factory=list)
    help_requests: list[HelpRequest] = field(default_factory=list)


def _progress(runs: list[TutorialRun], catalog: Catalog) -> list[Progress]:
    """Per topic, the best thing the household did: completed, else the latest unfinished run."""
    by_topic: dict[str, list[TutorialRun]] = {}
    for run in runs:
        by_topic.setdefault(run.topic_id, []).append(run)
    rank = {RUN_COMPLETED: 0, RUN_ACTIVE: 1, RUN_PAUSED: 1, RUN_ABANDONED: 2}
    result = []
    for topic_id, topic_runs in by_topic.items():
        best = min(topic_runs, key=lambda r: (rank.get(r.status, 3), -as_utc(r.updated_at).timestamp()))
        topic = catalog.get(topic_id)
        result.append(Progress(
            topic_id, topic.title if topic else topic_id, best.status, best.step_index + 1,
            len(topic.steps) if topic else 0,
            as_utc(best.completed_at if best.status == RUN_COMPLETED else best.updated_at), len(topic_runs)))
    return sorted(result, key=lambda p: (rank.get(p.status, 3), p.title))


def household_with_place(session: Session, household_id: int) -> tuple[Household, Village, Commune] | None:
    """The household with its village and commune, or None."""
    row = session.execute(
        select(Household, Village, Commune).join(Village, Village.id == Household.village_id)
        .join(Commune, Commune.id == Village.commune_id).where(Household.id == household_id)).first()
    if row is None:
        return None
    household, village, commune = row
    return household, village, commune


def household_detail(session: Session, household_id: int, catalog: Catalog) -> HouseholdDetail | None:
    found = household_with_place(session, household_id)
    if found is None:
        return None
    household, village, commune = found
    detail = HouseholdDetail(household, village, commune)
    detail.members = list(session.scalars(
        select(Member).where(Member.household_id == household_id).order_by(Member.created_at)))
    runs = list(session.scalars(select(TutorialRun).where(TutorialRun.household_id == household_id)))
    detail.progress = _progress(runs, catalog)
    detail.help_requests = list(session.scalars(
        select(HelpRequest).where(HelpRequest.household_id == household_id)
        .order_by(HelpRequest.created_at.desc()).limit(TIMELINE_LIMIT)))
    detail.timeline = _timeline(session, household_id, detail.help_requests)
    return detail


def _timeline(session: Session, household_id: int, help_requests: list[HelpRequest]) -> list[TimelineItem]:
    """The newest messages, tutorial milestones and help requests, newest first."""
    items = [TimelineItem(as_utc(log.at), "message", text=log.text, payload=log.payload,
                          channel=log.channel, intent=log.intent, confidence=log.confidence,
                          understood=log.understood, topic_id=log.topic_id)
             for log in session.scalars(
                 select(ConversationLog).where(ConversationLog.household_id == household_id)
                 .order_by(ConversationLog.at.desc()).limit(TIMELINE_LIMIT))]
    milestones = session.execute(
        select(StepEvent.at, StepEvent.kind, StepEvent.step_index, TutorialRun.topic_id)
        .join(TutorialRun, TutorialRun.id == StepEvent.run_id)
        .where(TutorialRun.household_id == household_id,
               StepEvent.kind.in_(("started", "completed", "abandoned", "paused", "resumed")))
        .order_by(StepEvent.at.desc()).limit(TIMELINE_LIMIT)).all()
    items += [TimelineItem(as_utc(at), "step", topic_id=topic_id, step=step + 1, event=kind)
              for at, kind, step, topic_id in milestones]
    items += [TimelineItem(as_utc(h.created_at), "help", topic_id=h.topic_id,
                           step=h.step_index + 1 if h.step_index is not None else None, event=h.status)
              for h in help_requests]
    items += [TimelineItem(as_utc(h.taken_at), "help_taken", topic_id=h.topic_id)
              for h in help_requests if h.taken_at is not None]
    pushed = session.execute(
        select(OutboxItem.created_at, OutboxItem.sent_at, OutboxItem.status, OutboxItem.channel, Push.topic_id)
        .join(Push, Push.id == OutboxItem.push_id).where(OutboxItem.household_id == household_id)
        .order_by(OutboxItem.created_at.desc()).limit(TIMELINE_LIMIT)).all()
    items += [TimelineItem(as_utc(sent or created), "push", topic_id=topic_id, event=status, channel=channel)
              for created, sent, status, channel, topic_id in pushed]
    items.sort(key=lambda i: i.at, reverse=True)
    return items[:TIMELINE_LIMIT]
