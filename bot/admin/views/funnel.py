"""The tutorial funnel page: steps reached per topic, drop-off drawn as SVG."""
from __future__ import annotations

from bot.admin import filters
from bot.admin.charts import funnel_chart
from bot.admin.messages import message
from bot.admin.queries.funnel import funnels
from bot.admin.web import Ctx, page


@page()
def funnel_page(ctx: Ctx):
    filters.only(ctx.params, {"period", "topic"})
    period, since = filters.period(ctx.params, ctx.now, default="90")
    chosen = filters.topic(ctx.params, "topic", ctx.services.catalog)
    rows = funnels(ctx.session, ctx.scope, ctx.services.catalog, since)
    shown = [f for f in rows if f.topic_id == chosen] if chosen else [f for f in rows if f.started]
    charts = {f.topic_id: funnel_chart(f.chart_steps(), message("funnel.chart_title", title=f.title)) for f in shown}
    return ctx.render("funnel.html", funnels=rows, shown=shown, charts=charts, period=period,
                      periods=filters.PERIODS, chosen=chosen)
