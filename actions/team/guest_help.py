"""A citizen of no household asks for a person: which commune, then which village, so that village's team gets
the request (actions/team/handoff.py opens it once the village is chosen).

With one commune its question is skipped; with no places at all (none imported yet) nothing is asked and the
request goes, as before, to the province's admins. A long list comes in pages (actions/paging.py), with
"Xem thêm" and "Quay lại" (guest:cp / guest:vp); an earlier page's buttons still work, so a guest who picked the
wrong commune presses another one above.
"""

from __future__ import annotations

from sqlalchemy import exists, select

from actions.answers import button_unknown
from actions.context import ActionContext
from actions.paging import paged, reading_order
from bot.shared.payloads import GuestCommune, GuestCommunePage, GuestVillage, GuestVillagePage
from bot.shared.types import Button, Reply
from bot.storage.places import Commune, Village
from bot.storage.progress import TutorialRun

PLACES_PER_ROW = 2


def _step(run: TutorialRun | None, step_index: int | None) -> tuple[int, int]:
    """(run id, step index) as the buttons carry them: 0 for no run."""
    if run is None:
        return 0, 0
    return run.id, step_index if step_index is not None else run.step_index


def _communes(ctx: ActionContext) -> list[Commune]:
    """The communes that have villages, as a reader sorts them."""
    return sorted(
        ctx.session.scalars(select(Commune).where(exists().where(Village.commune_id == Commune.id))),
        key=lambda c: reading_order(c.name),
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
            buttons=paged(
                communes,
                page,
                lambda c: Button("place", GuestCommune(c.id, run_id, step).pack(), {"name": c.name}),
                lambda to: GuestCommunePage(to, run_id, step).pack(),
                PLACES_PER_ROW,
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
        key=lambda v: reading_order(v.name),
    )
    return [
        Reply(
            "guest_help_village",
            {"commune": commune.name},
            buttons=paged(
                villages,
                page,
                lambda v: Button("place", GuestVillage(v.id, run_id, step).pack(), {"name": v.name}),
                lambda to: GuestVillagePage(commune.id, to, run_id, step).pack(),
                PLACES_PER_ROW,
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
