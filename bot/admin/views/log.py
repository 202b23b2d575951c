"""The conversation log: filters, pagination, CSV export."""
from __future__ import annotations

import csv
import io

from starlette.responses import StreamingResponse

from bot.admin import audit, filters
from bot.admin.formatting import shown
from bot.admin.period import local
from bot.admin.queries.log import log_page, log_rows
from bot.admin.web import Ctx, page
from nlu import intents

CHANNELS = ("telegram", "zalo", "web")
CSV_COLUMNS = ["thoi_gian", "kenh", "ma_ho", "noi_dung", "nut_bam", "y_dinh", "do_tin_cay", "chu_de",
               "hieu_duoc", "tra_loi", "do_tre_ms"]


def known_intents(catalog) -> list[str]:
    """Intent names for the filter's suggestions: conversation intents and one per topic."""
    names = {v for k, v in vars(intents).items() if k.isupper() and isinstance(v, str) and k != "TOPIC_PREFIX"}
    names |= {intents.topic_intent(t.id) for t in catalog}
    return sorted(names)


def _query_args(f) -> dict:
    return {"from": f.start.isoformat() if f.start else None, "to": f.end.isoformat() if f.end else None,
            "channel": f.channel, "topic": f.topic, "intent": f.intent,
            "min_conf": f.min_confidence, "max_conf": f.max_confidence,
            "not_understood": "1" if f.not_understood else None, "household": f.household}


@page()
def log_page_view(ctx: Ctx):
    f = filters.log_filter(ctx.params, ctx.services.catalog)
    result = log_page(ctx.session, ctx.scope, f)
    return ctx.render("log.html", result=result, f=f, args=_query_args(f), channels=CHANNELS,
                      catalog=ctx.services.catalog, intents=known_intents(ctx.services.catalog))


def _cell(value) -> str:
    """Spreadsheets run cells starting with = + - @ as formulas: quote them (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@page()
def log_csv(ctx: Ctx):
    f = filters.log_filter(ctx.params, ctx.services.catalog)
    ctx.audit(audit.EXPORT_LOG_CSV, None, filters={k: v for k, v in _query_args(f).items() if v is not None})
    sessions, scope = ctx.services.sessions, ctx.scope

    def lines():
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        yield "\ufeff"  # Excel opens UTF-8 with a BOM as UTF-8
        writer.writerow(CSV_COLUMNS)
        with sessions() as session:
            for count, row in enumerate(log_rows(session, scope, f), start=1):
                writer.writerow([_cell(v) for v in (
                    local(row.at).isoformat(sep=" ", timespec="seconds")[:19], row.channel, row.household_code,
                    shown(row.text), row.payload, row.intent,
                    "" if row.confidence is None else f"{row.confidence:.3f}", row.topic_id,
                    "1" if row.understood else "0", row.replies,
                    "" if row.latency_ms is None else f"{row.latency_ms:.0f}")])
                if count % 500 == 0:
                    yield buffer.getvalue()
                    buffer.seek(0)
                    buffer.truncate()
        yield buffer.getvalue()

    name = f"nhat-ky-{ctx.now.strftime('%Y%m%d-%H%M')}.csv"
    return StreamingResponse(lines(), media_type="text/csv; charset=utf-8",
                             headers={"content-disposition": f'attachment; filename="{name}"'})
