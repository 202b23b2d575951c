"""Long lists of buttons (places) in pages: PER_PAGE at a time, with "Quay lại" and "Xem thêm" to turn.

Used by a guest's communes and villages (actions/team/guest_help.py), /push's villages
(actions/team/push_menu.py) and /buoihotro's (actions/team/sessions.py); the page to show rides in each list's
own payload.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from bot.shared.types import Button
from nlu.tones import fold

PER_PAGE = 8  # buttons in one message, besides "Xem thêm" and "Quay lại": a phone's screen
Item = TypeVar("Item")


def reading_order(name: str) -> str:
    """A name as it sorts for a reader: letters without their marks, Đ beside D (SQL would put it after Z)."""
    return fold(name).casefold()


def paged(items: Sequence[Item], page: int, button: Callable[[Item], Button], turn: Callable[[int], str],
          per_row: int = 1) -> tuple[tuple[Button, ...], ...]:
    """The page's buttons (`button(item)`, `per_row` a row), then "Quay lại" and "Xem thêm" (payload `turn(page)`)
    as they apply. A page past the end (items removed since the button was sent) shows the last one."""
    last = max(0, (len(items) - 1) // PER_PAGE)
    page = min(page, last)
    shown = [button(item) for item in items[page * PER_PAGE : (page + 1) * PER_PAGE]]
    turns: list[Button] = [Button("places_back", turn(page - 1))] if page > 0 else []
    if page < last:
        turns.append(Button("places_more", turn(page + 1)))
    rows = tuple(tuple(shown[i : i + per_row]) for i in range(0, len(shown), per_row))
    return (*rows, *((tuple(turns),) if turns else ()))
