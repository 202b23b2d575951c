"""Adoption: households with each platform per village, commune and scope, month by month; chart and CSV."""
from __future__ import annotations

import csv
import io
import re

from starlette.responses import Response

from bot.admin import filters
from bot.admin.charts import Bar, bar_chart
from bot.admin.errors import BadRequest
from bot.admin.messages import message
from bot.admin.period import Month
from bot.admin.queries.adoption import Adoption, adoption
from bot.admin.queries.places import communes_in_scope
from bot.admin.views.log import _cell
from bot.admin.web import Ctx, page

CSV_COLUMNS = ["cap", "xa", "thon", "nen_tang", "ten_nen_tang", "thang", "so_ho", "so_ho_co_nen_tang",
               "ti_le_phan_tram"]
PLATFORM_ID = re.compile(r"^[a-z0-9-]{1,64}$")
LEVELS = {"total": "tinh", "commune": "xa", "village": "thon"}


def _figures(ctx: Ctx) -> tuple[Month, int | None, Adoption]:
    month = filters.month(ctx.params, ctx.now)
    commune_id = filters.integer(ctx.params, "commune")
    if commune_id is not None:
        ctx.scope.check_commune(commune_id)
    total_name = message("adoption.province") if ctx.scope.everything and commune_id is None \
        else message("adoption.in_scope")
    return month, commune_id, adoption(ctx.session, ctx.scope, ctx.services.catalog, month,
                                       commune_id=commune_id, total_name=total_name)


def month_label(month: Month) -> str:
    return f"{month.month:02d}/{month.year}"


@page()
def adoption_page(ctx: Ctx):
    filters.only(ctx.params, {"month", "commune", "platform"})
    month, commune_id, figures = _figures(ctx)
    ids = [p.id for p in figures.platforms]
    chosen = filters.pattern(ctx.params, "platform", PLATFORM_ID) or (ids[0] if ids else None)
    if chosen is not None and chosen not in ids:
        raise BadRequest(message("adoption.unknown_platform"))
    chart = None
    if chosen is not None:
        name = next(p.name for p in figures.platforms if p.id == chosen)
        chart = bar_chart([Bar(month_label(m), figures.total.count(chosen, i)) for i, m in enumerate(figures.months)],
                          message("adoption.chart_title", platform=name))
    return ctx.render("adoption.html", figures=figures, month=month, commune_id=commune_id, chosen=chosen,
                      chart=chart, month_label=month_label, current=Month.of(ctx.now),
                      communes=communes_in_scope(ctx.session, ctx.scope))


@page()
def adoption_csv(ctx: Ctx):
    filters.only(ctx.params, {"month", "commune"})
    month, commune_id, figures = _figures(ctx)
    buffer = io.StringIO()
    buffer.write("\ufeff")  # Excel opens UTF-8 with a BOM as UTF-8
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for level, commune, village in figures.rows():
        place = village or commune
        for p in figures.platforms:
            for i, m in enumerate(figures.months):
                share = place.share(p.id, i)
                writer.writerow([_cell(v) for v in (
                    LEVELS[level], commune.name if level != "total" else "", village.name if village else "",
                    p.id, p.name, str(m), place.households, place.count(p.id, i),
                    "" if share is None else f"{100 * share:.1f}")])
    name = f"nen-tang-so-{month}.csv"
    return Response(buffer.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"content-disposition": f'attachment; filename="{name}"'})
