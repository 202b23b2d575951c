"""Communes and villages: progress per place."""
from __future__ import annotations

from bot.admin import filters
from bot.admin.errors import NotFound
from bot.admin.messages import message
from bot.admin.queries.places import places
from bot.admin.web import Ctx, page
from bot.storage.places import Commune


@page()
def places_page(ctx: Ctx):
    filters.only(ctx.params, set())
    rows = places(ctx.session, ctx.scope, ctx.now)
    return ctx.render("places.html", communes=rows, commune=None)


@page()
def commune_page(ctx: Ctx, commune_id: int):
    filters.only(ctx.params, set())
    commune = ctx.session.get(Commune, commune_id)
    if commune is None:
        raise NotFound(message("places.commune_not_found"))
    ctx.scope.check_commune(commune_id)
    rows = places(ctx.session, ctx.scope, ctx.now, commune_id=commune_id)
    return ctx.render("places.html", communes=rows, commune=commune)
