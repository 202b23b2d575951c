"""The embeddable web chat: `/widget.js` (a chat bubble for commune websites) and the page it frames.

A site pastes `<script src="https://<host>/widget.js" async></script>`; the bubble opens `/embed` in an
iframe, the same web chat as `/`. Browsers only show `/embed` inside the sites of WIDGET_ORIGINS
(CSP frame-ancestors); the chat API stays same-origin, so no CORS is needed.
"""
from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse
from starlette.routing import Route

WEB_DIR = Path(__file__).resolve().parent
_pages = Environment(loader=FileSystemLoader(WEB_DIR / "templates"), autoescape=select_autoescape())


def frame_ancestors(origins: tuple[str, ...]) -> str:
    """The CSP that lets only this host and the configured websites frame the chat."""
    return "frame-ancestors " + " ".join(("'self'", *origins))


def chat_html(embed: bool = False) -> str:
    """The web chat page: at `/`, or framed by a commune website at `/embed`."""
    return _pages.get_template("chat.html").render(embed=embed)


async def widget_script(request: Request) -> FileResponse:
    return FileResponse(WEB_DIR / "static" / "widget.js", media_type="text/javascript; charset=utf-8",
                        headers={"Cache-Control": "public, max-age=3600", "X-Content-Type-Options": "nosniff"})


async def embed_page(request: Request) -> HTMLResponse:
    origins = request.app.state.services.settings.widget_origins
    return HTMLResponse(chat_html(embed=True),
                        headers={"Content-Security-Policy": frame_ancestors(origins),
                                 "Cache-Control": "no-store"})


def routes() -> list[Route]:
    return [Route("/widget.js", widget_script), Route("/embed", embed_page)]
