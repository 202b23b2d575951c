"""A citizen of no household asks for a person: which commune, then which village, so that village's team gets
the request (actions/team/handoff.py opens it once the village is chosen).

With one commune its question is skipped; with no places at all (none imported yet) nothing is asked and the
request goes, as before, to the province's admins. A long list comes in pages of PLACES_PER_PAGE buttons, with
"Xem thêm" and "Quay lại" (guest:cp / guest:vp); an earlier page's buttons still work, so a guest who picked the
wrong commune presses another one above.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from typing import TypeVar

from sqlalchemy import exists, select

from actions.answers import button_unknown
from actions.context import ActionContext
from bot.shared.payloads import GuestCommune, GuestCommunePage, GuestVillage, GuestVillagePage
from bot.shared.types import Button, Reply
from bot.storage.places import Commune, Village
from bot.storage.progress import TutorialRun

PLACES_PER_ROW = 2
PLACES_PER_PAGE = 8  # place buttons in one message, besides "Xem thêm" and "Quay lại": a phone's screen
Place = TypeVar("Place", Commune, Village)


def _reading_order(name: str) -> str:
    """A name as it sorts for a reader: letters without their marks, Đ beside D (SQL would put it after Z)."""
    bare = unicodedata.normalize("NFD", name.replace("Đ", "D").replace("đ", "d"))
    return "".join(c for c in bare if not unicodedata.combining(c)).casefold()


def _rows(buttons: list[Button]) -> tuple[tuple[Button, ...], ...]:
    return tuple(tuple(buttons[i : i + PLACES_PER_ROW]) for i in range(0, len(buttons), PLACES_PER_ROW))


def _paged(places: Sequence[Place], page: int, button: Callable[[Place], Button],
           turn: Callable[[int], GuestCommunePage | GuestVillagePage]) -> tuple[tuple[Button, ...], ...]:
    """The page's place buttons (`button(place)`), then "Quay lại" and "Xem thêm" (`turn(page)`) as they apply.
    A page past the end (places removed since) shows the last one."""
    last = max(0, (len(places) - 1) // PLACES_PER_PAGE)
    page = min(page, last)
    shown: Sequence[Place] = places[page * PLACES_PER_PAGE : (page + 1) * PLACES_PER_PAGE]
    turns: list[Button] = [Button("places_back", turn(page - 1).pack())] if page > 0 else []
    if page < last:
        turns.append(Button("places_more", turn(page + 1).pack()))
    return (*_rows([button(place) for place in shown]), *((tuple(turns),) if turns else ()))


def _step(run: TutorialRun | None, step_index: int | None) -> tuple[int, int]:
    """(run id, step index) as the buttons carry them: 0 for no run."""
    if run is None:
        return 0, 0
    return run.id, step_index if step_index is not None else run.step_index


def _communes(ctx: ActionContext) -> list[Commune]:
    """The communes that have villages, as a reader sorts them."""
    return sorted(
        ctx.session.scalars(select(Commune).where(exists().where(Village.commune_id == Commune.id))),
        key=lambda c: _reading_order(c.name),
    )


def ask_commune(ctx: ActionContext, run: TutorialRun | None, step_index: int | None) -> list[Reply] | None:
    """Which commune (straight to its villages when there is one); None when no place is known."""
    communes = _communes(ctx)
    run_id, step = _step(run, step_index)
    if not communes:
        return None
    if len(communes) == 1:
        return _ask_village(ctx, communes[0], run_id, step, 0)
    return _commune_page(communes, run_id, step, 0)


def _commune_page(communes: list[Commune], run_id: int, step: int, page: int) -> list[Reply]:
    return [
        Reply(
            "guest_help_commune",
            buttons=_paged(
                communes,
                page,
                lambda c: Button("place", GuestCommune(c.id, run_id, step).pack(), {"name": c.name}),
                lambda to: GuestCommunePage(to, run_id, step),
            ),
        )
    ]


def on_commune_page(ctx: ActionContext, payload: GuestCommunePage) -> list[Reply]:
    """"Xem thêm" or "Quay lại" under the communes."""
    communes = _communes(ctx)
    if not communes:
        return button_unknown(ctx)
    return _commune_page(communes, payload.run_id, payload.step, payload.page)


def on_commune(ctx: ActionContext, payload: GuestCommune) -> list[Reply]:
    commune = ctx.session.get(Commune, payload.commune_id)
    if commune is None:
        return button_unknown(ctx)
    return _ask_village(ctx, commune, payload.run_id, payload.step, 0)


def on_village_page(ctx: ActionContext, payload: GuestVillagePage) -> list[Reply]:
    """"Xem thêm" or "Quay lại" under a commune's villages."""
    commune = ctx.session.get(Commune, payload.commune_id)
    if commune is None:
        return button_unknown(ctx)
    return _ask_village(ctx, commune, payload.run_id, payload.step, payload.page)


def _ask_village(ctx: ActionContext, commune: Commune, run_id: int, step: int, page: int) -> list[Reply]:
    villages = sorted(
        ctx.session.scalars(select(Village).where(Village.commune_id == commune.id)),
        key=lambda v: _reading_order(v.name),
    )
    return [
        Reply(
            "guest_help_village",
            {"commune": commune.name},
            buttons=_paged(
                villages,
                page,
                lambda v: Button("place", GuestVillage(v.id, run_id, step).pack(), {"name": v.name}),
                lambda to: GuestVillagePage(commune.id, to, run_id, step),
            ),
        )
    ]


def chosen(ctx: ActionContext, payload: GuestVillage) -> tuple[Village, TutorialRun | None, int | None] | None:
    """The village pressed, and the guest's own run and step the request is about; None for an unknown village."""
    village = ctx.session.get(Village, payload.village_id)
    if village is None:
        return None
    run = (
        ctx.session.scalars(
            select(TutorialRun).where(TutorialRun.id == payload.run_id, TutorialRun.member_id == ctx.member.id)
        ).first()
        if payload.run_id
        else None
    )
    return village, run, payload.step if run is not None else None
