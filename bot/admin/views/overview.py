"""The overview page."""
from __future__ import annotations

from bot.admin.charts import Bar, bar_chart
from bot.admin.messages import message
from bot.admin.panels import overview_panels
from bot.admin.queries.overview import overview
from bot.admin.web import Ctx, page


@page()
def overview_page(ctx: Ctx):
    figures = overview(ctx.session, ctx.scope, ctx.now)
    chart = bar_chart([Bar(d.day.strftime("%d/%m"), d.messages, d.not_understood) for d in figures.days],
                      message("overview.chart_title"), highlight_label=message("overview.not_understood"))
    panels = [panel(ctx.session, ctx.scope, ctx.now, ctx.services.catalog) for panel in overview_panels]
    return ctx.render("overview.html", figures=figures, chart=chart,
                      panels=[p for p in panels if p is not None])
