"""After a load run: is every accepted update in the database exactly once, and is progress consistent?"""
from __future__ import annotations

import collections
from dataclasses import dataclass, field

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from bot.storage.conversations import ConversationLog, ProcessedUpdate
from bot.storage.progress import StepEvent, TutorialRun


@dataclass
class ProgressCheck:
    updates_accepted: int  # answered 200: each must be in the database
    updates_recorded: int  # processed_updates rows for the channel
    turns_logged: int  # conversation_log rows for the channel
    updates_posted: int  # every delivery tried: one that timed out may or may not have been processed
    runs_checked: int = 0
    lost: list[str] = field(default_factory=list)  # a press with no step event
    duplicated: list[str] = field(default_factory=list)  # a press with more than one
    inconsistent: list[str] = field(default_factory=list)  # gaps or jumps in a run's steps

    @property
    def ok(self) -> bool:
        return not (self.lost or self.duplicated or self.inconsistent) \
            and self.updates_accepted <= self.updates_recorded == self.turns_logged <= self.updates_posted

    def summary(self) -> str:
        unanswered = f" (of {self.updates_posted} posted)" if self.updates_posted != self.updates_accepted else ""
        return (f"{self.updates_accepted} updates accepted{unanswered}, {self.updates_recorded} recorded once, "
                f"{self.turns_logged} turns logged; {self.runs_checked} runs: {len(self.lost)} lost, "
                f"{len(self.duplicated)} duplicated, {len(self.inconsistent)} inconsistent")


def check_progress(engine: Engine, accepted: int, next_presses: dict[int, int], channel: str = "telegram",
                   posted: int | None = None) -> ProgressCheck:
    """`next_presses`: run id -> "next" presses the webhook accepted; each must be one step_done event.

    A press whose delivery timed out may have been processed: it may add one event beyond `next_presses`
    (never two), so runs are checked against the presses the webhook answered when nothing timed out."""
    with Session(engine) as session:
        check = ProgressCheck(
            updates_accepted=accepted, updates_posted=accepted if posted is None else posted,
            updates_recorded=session.scalar(select(func.count()).select_from(ProcessedUpdate)
                                            .where(ProcessedUpdate.channel == channel)),
            turns_logged=session.scalar(select(func.count()).select_from(ConversationLog)
                                        .where(ConversationLog.channel == channel)),
        )
        events = collections.defaultdict(list)
        for run_id, kind, step in session.execute(
                select(StepEvent.run_id, StepEvent.kind, StepEvent.step_index).order_by(StepEvent.id)):
            events[run_id].append((kind, step))
        runs = {run.id: run for run in session.scalars(select(TutorialRun))}
    for run_id, run in runs.items():
        check.runs_checked += 1
        kinds = events.get(run_id, [])
        done = [step for kind, step in kinds if kind == "step_done"]
        pressed = next_presses.get(run_id, 0)
        if len(done) < pressed:
            check.lost.append(f"run {run_id}: {pressed} presses of next, {len(done)} step_done events")
        elif len(done) > pressed + (check.updates_posted - check.updates_accepted):
            check.duplicated.append(f"run {run_id}: {pressed} presses of next, {len(done)} step_done events")
        if done != list(range(len(done))):
            check.inconsistent.append(f"run {run_id}: step_done at steps {done[:20]}")
        if [kind for kind, _ in kinds].count("started") != 1:
            check.inconsistent.append(f"run {run_id}: {[k for k, _ in kinds].count('started')} started events")
        shown = [step for kind, step in kinds if kind == "step_shown"]
        if run.status != "completed" and shown and shown[-1] != run.step_index:
            check.inconsistent.append(f"run {run_id}: at step {run.step_index}, last shown {shown[-1]}")
    for run_id in next_presses.keys() - runs.keys():
        check.lost.append(f"run {run_id}: pressed but not in the database")
    return check
