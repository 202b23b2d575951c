"""The audit log, for province admins."""
from __future__ import annotations

from sqlalchemy import func, select

from bot.admin import filters
from bot.admin.queries.common import page_count
from bot.admin.web import Ctx, page
from bot.storage.admin_access import AdminAuditLog
from bot.storage.staff import ROLE_PROVINCE

PAGE_SIZE = 100


@page(ROLE_PROVINCE)
def audit_page(ctx: Ctx):
    filters.only(ctx.params, {"page"})
    total = ctx.session.scalar(select(func.count()).select_from(AdminAuditLog)) or 0
    pages = page_count(total, PAGE_SIZE)
    current = min(filters.page(ctx.params), pages)
    rows = ctx.session.scalars(select(AdminAuditLog).order_by(AdminAuditLog.id.desc())
                               .limit(PAGE_SIZE).offset((current - 1) * PAGE_SIZE)).all()
    return ctx.render("audit.html", rows=rows, page=current, pages=pages, total=total)
