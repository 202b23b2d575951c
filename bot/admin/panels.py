"""Extra panels on the overview, registered by other features.

A panel is `fn(session, scope, now, catalog) -> Panel | None`; append it to `overview_panels` at import time.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Callable

from bot.admin.formatting import number
from bot.admin.messages import message


@dataclass(frozen=True)
class Panel:
    title: str
    rows: list[tuple[str, str]]  # (label, value), shown as a small table
    link: tuple[str, str] | None = None  # (admin path, label)


def pushes_panel(session, scope, now, catalog) -> Panel | None:
    """Tutorials pushed to households in the last 30 days, counted in the admin's scope."""
    from bot.admin.queries.pushes import pushes, totals  # the team tables are optional for this module

    rows = pushes(session, scope, catalog, now - timedelta(days=30))
    if not rows:
        return None
    t = totals(rows)
    return Panel(message("pushes.panel_title"), [
        (message("pushes.panel_pushes"), number(t.pushes)), (message("pushes.panel_queued"), number(t.queued)),
        (message("pushes.panel_pending"), number(t.pending)), (message("pushes.panel_sent"), number(t.sent)),
        (message("pushes.panel_failed"), number(t.failed)), (message("pushes.panel_opened"), number(t.opened)),
        (message("pushes.panel_completed"), number(t.completed)),
    ], link=("/pushes", message("pushes.panel_link")))


overview_panels: list[Callable] = [pushes_panel]
