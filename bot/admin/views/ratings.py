"""Ratings: the share of "helpful" by topic, and the worst-rated answers and tutorials, in the user's scope."""
from __future__ import annotations

from bot.admin import filters
from bot.admin.queries.ratings import WORST_MIN_RATINGS, by_topic, worst
from bot.admin.web import Ctx, page


@page()
def ratings_page(ctx: Ctx):
    filters.only(ctx.params, {"period"})
    period, since = filters.period(ctx.params, ctx.now, default="30")
    rows = by_topic(ctx.session, ctx.scope, since)
    return ctx.render("ratings.html", rows=rows, worst=worst(rows), least=WORST_MIN_RATINGS,
                      total=sum(r.count for r in rows), helpful=sum(r.helpful for r in rows),
                      period=period, periods=filters.PERIODS, catalog=ctx.services.catalog)
