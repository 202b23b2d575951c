"""`camtay households sheet --village V`: a printable page (HTML and PDF) of cut-out join cards.

Each card: the head of household, a QR code of the Telegram deep link t.me/<bot>?start=<join code>
(made locally with segno), the code, and three lines on how to start. The PDF is printed by headless
Chromium from the same HTML, so both look the same.
"""
from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

import httpx
import segno
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.people.team_members import TeamError, find_village
from bot.shared.join_codes import format_code
from bot.storage.households import Household
from bot.storage.places import Village

_USERNAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{3,31}$")


class SheetError(Exception):
    """A clear message for the operator."""


def deep_link(bot_username: str, join_code: str) -> str:
    return f"https://t.me/{bot_username}?start={join_code}"


def bot_username(settings) -> str:
    """TELEGRAM_BOT_USERNAME, else the bot's own answer to getMe."""
    name = settings.telegram_bot_username
    if not name and settings.telegram_bot_token:
        try:
            answer = httpx.get(f"{settings.telegram_api_url}/bot{settings.telegram_bot_token}/getMe", timeout=10).json()
        except (httpx.HTTPError, ValueError) as exc:
            raise SheetError(f"could not ask Telegram for the bot's username ({exc}); set TELEGRAM_BOT_USERNAME")
        name = (answer.get("result") or {}).get("username") if answer.get("ok") else None
    if not name:
        raise SheetError("set TELEGRAM_BOT_USERNAME (the bot's @username) so the cards can carry its link")
    if not _USERNAME.match(name):
        raise SheetError(f"TELEGRAM_BOT_USERNAME {name!r} is not a Telegram username")
    return name


def qr_svg(link: str) -> str:
    return segno.make(link, error="m").svg_inline(scale=4, border=2, omitsize=True)


def render_html(session: Session, village: Village, username: str, content_dir: Path,
                zalo_oa_name: str | None = None) -> str:
    households = session.scalars(select(Household).where(Household.village_id == village.id)
                                 .order_by(Household.code)).all()
    cards = [{"head_name": h.head_name, "address": h.address, "code": h.code, "join_code": format_code(h.join_code),
              "link": deep_link(username, h.join_code), "qr_svg": qr_svg(deep_link(username, h.join_code))}
             for h in households]
    env = Environment(loader=FileSystemLoader(content_dir / "sheets"), autoescape=select_autoescape(["j2"]))
    return env.get_template("join_sheet.html.j2").render(
        village=village.name, commune=village.commune.name, cards=cards, bot_username=username,
        zalo_oa_name=zalo_oa_name)


def print_pdf(html: Path, pdf: Path, chromium: str, timeout: float = 120) -> None:
    """Headless Chromium prints the page to A4 PDF, offline."""
    if not Path(chromium).exists():
        raise SheetError(f"Chromium not found at {chromium} (scripts/ensure-chromium.sh installs it; or set CHROMIUM)")
    with tempfile.TemporaryDirectory(prefix="camtay-chromium-") as profile:
        command = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                   "--disable-background-networking", "--disable-component-update", "--disable-sync",
                   f"--user-data-dir={profile}", "--no-pdf-header-footer", "--run-all-compositor-stages-before-draw",
                   f"--print-to-pdf={pdf}", html.resolve().as_uri()]
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0 or not pdf.exists() or pdf.stat().st_size == 0:
        raise SheetError(f"Chromium could not print {html.name}: {result.stderr.strip()[-500:]}")


def _slug(text: str) -> str:
    from bot.team.household_import import _plain
    return re.sub(r"[^a-z0-9]+", "-", _plain(text)).strip("-") or "village"


def make_sheet(session: Session, settings, village_name: str, commune: str | None, out_dir: Path,
               pdf: bool = True) -> tuple[Path, Path | None, int]:
    """(html path, pdf path or None, number of cards)."""
    try:
        village = find_village(session, village_name, commune)
    except TeamError as exc:
        raise SheetError(str(exc))
    username = bot_username(settings)
    html = render_html(session, village, username, settings.content_dir, settings.zalo_oa_name)
    out_dir.mkdir(parents=True, exist_ok=True)
    base = out_dir / f"{_slug(village.commune.name)}-{_slug(village.name)}"
    html_path = base.with_suffix(".html")
    html_path.write_text(html, encoding="utf-8")
    pdf_path = None
    if pdf:
        pdf_path = base.with_suffix(".pdf")
        print_pdf(html_path, pdf_path, settings.chromium)
    count = html.count('class="card"')
    return html_path, pdf_path, count


def command(args, settings) -> int:
    from bot.storage.db import make_engine, migrate, session_factory
    engine = make_engine(settings.database_url)
    migrate(engine)
    try:
        with session_factory(engine)() as session:
            html, pdf, count = make_sheet(session, settings, args.village, args.commune, Path(args.out),
                                          pdf=not args.no_pdf)
    except SheetError as exc:
        print(exc, file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    print(f"{count} card(s): {html}" + (f" and {pdf}" if pdf else ""))
    return 0
