"""The tutorial funnel: for each topic, how many runs reached each step and how many finished."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from bot.admin.messages import message
from bot.admin.scope import Scope
from bot.storage.progress import RUN_COMPLETED, StepEvent, TutorialRun
from content.loader import Catalog


@dataclass(frozen=True)
class Funnel:
    topic_id: str
    title: str
    step_labels: list[str]
    reached: list[int]  # runs that were shown step i (index 0 = step 1)
    completed: int

    @property
    def started(self) -> int:
        return self.reached[0] if self.reached else 0

    @property
    def completion_rate(self) -> float | None:
        return self.completed / self.started if self.started else None

    @property
    def worst_step(self) -> int | None:
        """The 1-based step after which most runs were lost, or None."""
        points = self.reached + [self.completed]
        drops = [points[i] - points[i + 1] for i in range(len(points) - 1)]
        if not drops or max(drops) <= 0:
            return None
        return drops.index(max(drops)) + 1

    def chart_steps(self) -> list[tuple[str, int]]:
        return [(label, count) for label, count in zip(self.step_labels, self.reached)] + \
            [(message("funnel.completed"), self.completed)]


def furthest_steps(session: Session, scope: Scope, since: datetime | None) -> dict[str, dict[int, tuple[int, int]]]:
    """{topic: {furthest step index: (runs, of which completed)}}, aggregated in SQL.

    The furthest step comes from the step events (a member may go back, so a run's current step is not
    it): one grouped pass over the (run_id, step_index) index, joined to the runs.
    """
    run = TutorialRun
    runs_wanted = [scope.household_filter(run.household_id)]
    if since is not None:
        runs_wanted.append(run.started_at >= since)
    per_run = select(StepEvent.run_id, func.max(StepEvent.step_index).label("reached")).group_by(StepEvent.run_id)
    if since is not None or not scope.everything:
        per_run = per_run.where(StepEvent.run_id.in_(select(run.id).where(*runs_wanted)))
    furthest = per_run.subquery()
    query = (select(run.topic_id, furthest.c.reached, func.count(),
                    func.sum(case((run.status == RUN_COMPLETED, 1), else_=0)))
             .join(furthest, furthest.c.run_id == run.id)
             .where(*runs_wanted)
             .group_by(run.topic_id, furthest.c.reached))
    result: dict[str, dict[int, tuple[int, int]]] = defaultdict(dict)
    for topic_id, step, runs, completed in session.execute(query):
        result[topic_id][int(step)] = (int(runs), int(completed or 0))
    return result


def funnels(session: Session, scope: Scope, catalog: Catalog, since: datetime | None) -> list[Funnel]:
    """One funnel per tutorial of the catalog, in catalog order."""
    counts = furthest_steps(session, scope, since)
    result = []
    for topic in catalog:
        if not topic.is_tutorial:
            continue
        steps = len(topic.steps)
        by_step = counts.get(topic.id, {})
        reached = []
        for index in range(steps):
            reached.append(sum(runs for step, (runs, _) in by_step.items() if step >= index))
        completed = sum(done for _, done in by_step.values())
        labels = [message("funnel.step", number=i + 1) for i in range(steps)]
        result.append(Funnel(topic.id, topic.title, labels, reached, completed))
    return result
