"""The monthly report per commune, made to be printed (the browser's print makes the PDF)."""
from __future__ import annotations

from bot.admin import filters
from bot.admin.period import Month
from bot.admin.queries.places import communes_in_scope
from bot.admin.queries.report import monthly
from bot.admin.web import Ctx, page


@page()
def report_page(ctx: Ctx):
    filters.only(ctx.params, {"month", "commune"})
    month = filters.month(ctx.params, ctx.now)
    commune_id = filters.integer(ctx.params, "commune")
    if commune_id is not None:
        ctx.scope.check_commune(commune_id)
    reports = monthly(ctx.session, ctx.scope, ctx.services.catalog, month, commune_id)
    return ctx.render("report.html", reports=reports, month=month, commune_id=commune_id,
                      communes=communes_in_scope(ctx.session, ctx.scope), current=Month.of(ctx.now))
