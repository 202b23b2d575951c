"""Extra panels on the overview, registered by other features.

A panel is `fn(session, scope, now) -> Panel | None`; append it to `overview_panels` at import time.
TODO(team feature): register a "pushes" panel here (tutorials pushed to households, delivered, opened
per village) once the push outbox exists in bot/storage/models_team.py; scope it with
`scope.household_filter(...)` like the queries in bot/admin/queries/.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Panel:
    title: str
    rows: list[tuple[str, str]]  # (label, value), shown as a small table
    note: str | None = None


overview_panels: list[Callable] = []
