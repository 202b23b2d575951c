"""Tutorials pushed to households: one row per push, counted in the admin's scope."""
from __future__ import annotations

from bot.admin import filters
from bot.admin.queries.pushes import LIMIT, pushes, totals
from bot.admin.web import Ctx, page


@page()
def pushes_page(ctx: Ctx):
    filters.only(ctx.params, {"period"})
    period, since = filters.period(ctx.params, ctx.now, default="30")
    rows = pushes(ctx.session, ctx.scope, ctx.services.catalog, since)
    return ctx.render("pushes.html", rows=rows, totals=totals(rows), period=period, periods=filters.PERIODS,
                      limit=LIMIT)
