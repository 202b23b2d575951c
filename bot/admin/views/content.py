"""Content: check status per topic file, reviewed-on dates, a warning past six months."""
from __future__ import annotations

from bot.admin import filters
from bot.admin.period import today
from bot.admin.queries.content import REVIEW_EVERY_MONTHS
from bot.admin.web import Ctx, page


@page()
def content_page(ctx: Ctx):
    filters.only(ctx.params, set())
    status = ctx.admin.content.status(today(ctx.now))
    return ctx.render("content.html", status=status, months=REVIEW_EVERY_MONTHS)
