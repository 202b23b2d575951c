"""Extra panels on the overview, registered by other features.

A panel is `fn(session, scope, now, catalog) -> Panel | None`; append it to `overview_panels` at import time.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Callable

from bot.admin.formatting import number


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
    return Panel("Bài đã gửi đến các hộ (30 ngày)", [
        ("Lượt gửi bài", number(t.pushes)), ("Tin đã xếp hàng", number(t.queued)),
        ("Đang chờ gửi", number(t.pending)), ("Đã gửi", number(t.sent)), ("Gửi lỗi", number(t.failed)),
        ("Hộ đã mở bài", number(t.opened)), ("Hộ đã hoàn thành", number(t.completed)),
    ], link=("/pushes", "Xem từng lượt gửi ›"))


overview_panels: list[Callable] = [pushes_panel]
