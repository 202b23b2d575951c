"""`/privacy`: the full privacy notice as a web page, from the same template the chat shows (privacy_full.j2)."""
from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

from bot.shared.types import Reply
from content.privacy import privacy

WEB_DIR = Path(__file__).resolve().parent
_pages = Environment(loader=FileSystemLoader(WEB_DIR / "templates"), autoescape=select_autoescape())


def notice_text(services) -> str:
    team = services.settings.team
    reply = Reply("privacy_full", {"log_days": team.log_retention_days, "help_days": team.help_text_retention_days,
                                   "responsible": privacy().responsible, "version": privacy().version})
    return services.renderer.render(reply).text


async def privacy_page(request: Request) -> HTMLResponse:
    text = notice_text(request.app.state.services)
    title, _, body = text.partition("\n")
    return HTMLResponse(_pages.get_template("privacy.html").render(title=title, paragraphs=body.strip().split("\n\n")))


def routes() -> list[Route]:
    return [Route("/privacy", privacy_page)]
