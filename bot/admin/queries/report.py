"""The monthly report, per commune: reach, completions per topic, help requests, platforms of households."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import case, distinct, exists, func, select
from sqlalchemy.orm import Session

from bot.admin.period import Month
from bot.admin.queries import help as help_requests
from bot.admin.queries.adoption import adoption
from bot.admin.queries.common import median_or_none
from bot.admin.scope import Scope
from bot.storage.conversations import ConversationLog
from bot.storage.help import HELP_OPEN, HelpRequest
from bot.storage.households import Household, Member
from bot.storage.places import Commune, Village
from bot.storage.progress import TutorialRun
from content.loader import Catalog


@dataclass(frozen=True)
class TopicCompletions:
    topic_id: str
    title: str
    completions: int
    households: int


@dataclass(frozen=True)
class PlatformAdoption:
    """A row of the report's platforms table: households that had it by the month's end, their share of the
    commune's households, and how many first had it in the month."""

    platform: str
    name: str
    households: int
    share: float | None
    new: int


@dataclass
class CommuneReport:
    commune_id: int
    name: str
    households: int = 0
    linked: int = 0
    reached: int = 0
    new_members: int = 0
    completers: int = 0
    completing_households: int = 0
    topics: list[TopicCompletions] = field(default_factory=list)
    help_created: int = 0
    help_answered: int = 0
    help_open: int = 0
    help_median_seconds: float | None = None
    platforms: list[PlatformAdoption] = field(default_factory=list)

    @property
    def completions(self) -> int:
        return sum(t.completions for t in self.topics)


def _by_commune(session: Session, query) -> dict[int, tuple]:
    return {row[0]: tuple(int(v or 0) for v in row[1:]) for row in session.execute(query)}


def monthly(session: Session, scope: Scope, catalog: Catalog, month: Month,
            commune_id: int | None = None) -> list[CommuneReport]:
    """One report per commune in scope (or the one asked for), figures aggregated in SQL."""
    start, end = month.start, month.end
    in_scope = scope.village_filter(Household.village_id)
    query = select(Commune.id, Commune.name).where(scope.commune_filter(Commune.id)).order_by(Commune.name)
    if commune_id is not None:
        query = query.where(Commune.id == commune_id)
    communes = session.execute(query).all()
    reports = {cid: CommuneReport(cid, name) for cid, name in communes}
    if not reports:
        return []
    ids = list(reports)

    def grouped(*columns, source, where=()):
        return (select(Village.commune_id, *columns).select_from(source)
                .join(Household, Household.id == source.household_id)
                .join(Village, Village.id == Household.village_id)
                .where(in_scope, Village.commune_id.in_(ids), *where).group_by(Village.commune_id))

    # Households: all, linked (a member exists), reached (a turn in the month: one index probe each).
    linked = exists(select(Member.id).where(Member.household_id == Household.id))
    reached = exists(select(ConversationLog.id).where(
        ConversationLog.household_id == Household.id, ConversationLog.at >= start, ConversationLog.at < end))
    places = _by_commune(session, select(Village.commune_id, func.count(Household.id),
                                         func.sum(case((linked, 1), else_=0)),
                                         func.sum(case((reached, 1), else_=0)))
                         .join(Household, Household.village_id == Village.id)
                         .where(in_scope, Village.commune_id.in_(ids)).group_by(Village.commune_id))
    new_members = _by_commune(session, grouped(func.count(), source=Member,
                                               where=(Member.created_at >= start, Member.created_at < end)))
    done = (TutorialRun.completed_at >= start, TutorialRun.completed_at < end)
    completers = _by_commune(session, grouped(func.count(distinct(TutorialRun.member_id)),
                                              func.count(distinct(TutorialRun.household_id)),
                                              source=TutorialRun, where=done))
    per_topic = session.execute(
        grouped(TutorialRun.topic_id, func.count(), func.count(distinct(TutorialRun.household_id)),
                source=TutorialRun, where=done).group_by(TutorialRun.topic_id)).all()
    def help_query(*columns, where=()):
        """Help requests by their village: a household's, or the one a guest chose (bot/admin/queries/help.py)."""
        return (select(Village.commune_id, *columns).select_from(HelpRequest)
                .outerjoin(Household, Household.id == HelpRequest.household_id)
                .join(Village, Village.id == help_requests.village_of())
                .where(scope.village_filter(Village.id), Village.commune_id.in_(ids), *where))

    answered = help_requests.answered_condition()
    created = (HelpRequest.created_at >= start, HelpRequest.created_at < end)
    helped = _by_commune(session, help_query(func.count(), func.sum(case((answered, 1), else_=0)),
                                             where=created).group_by(Village.commune_id))
    still_open = _by_commune(session, help_query(func.count(), where=(HelpRequest.status == HELP_OPEN,))
                             .group_by(Village.commune_id))
    answer_seconds: dict[int, list[float]] = {}
    for cid, created_at, taken_at in session.execute(
            help_query(HelpRequest.created_at, HelpRequest.taken_at,
                       where=(HelpRequest.taken_at >= start, HelpRequest.taken_at < end))):
        if taken_at is None:  # the query asks for taken_at in the period
            raise ValueError("a help request counted as answered has no taken_at")
        answer_seconds.setdefault(cid, []).append(help_requests.answer_seconds(created_at, taken_at))
    for cid, report in reports.items():
        report.households, report.linked, report.reached = places.get(cid, (0, 0, 0))
        report.new_members = new_members.get(cid, (0,))[0]
        report.completers, report.completing_households = completers.get(cid, (0, 0))
        report.help_created, report.help_answered = helped.get(cid, (0, 0))
        report.help_open = still_open.get(cid, (0,))[0]
        report.help_median_seconds = median_or_none(answer_seconds.get(cid, []))
    for cid, topic_id, runs, households in per_topic:
        topic = catalog.get(topic_id)
        reports[cid].topics.append(TopicCompletions(topic_id, topic.title if topic else topic_id,
                                                    int(runs), int(households)))
    for report in reports.values():
        report.topics.sort(key=lambda t: (-t.completions, t.title))
    had = adoption(session, scope, catalog, month, months=1, commune_id=commune_id)
    for place in had.communes:
        if place.id in reports:
            reports[place.id].platforms = [
                PlatformAdoption(p.id, p.name, place.count(p.id), place.share(p.id), place.new(p.id))
                for p in had.platforms]
    return list(reports.values())
