"""The widget on a commune website (another origin), in a real headless Chromium on a phone-sized screen."""
import pytest
from starlette.applications import Starlette
from starlette.responses import HTMLResponse
from starlette.routing import Route

from bot.settings import ROOT
from bot.web.app import create_app
from nlu.server import free_port
from tests.helpers import serving

pytestmark = pytest.mark.browser
SCREENSHOTS = ROOT / "build" / "screenshots"
PHONE = {"viewport": {"width": 390, "height": 780}, "is_mobile": True, "has_touch": True}
BUBBLE = "Hỏi trợ lý Cầm tay chỉ việc"


def commune_site(bot_url: str) -> Starlette:
    """A commune's page with the pasted snippet, and styles that would wreck a widget without a shadow DOM."""
    page = f"""<!doctype html><html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>UBND xã Tân Lập</title>
<style>button {{ display: none !important; }} iframe {{ width: 10px !important; }}
body {{ font: 15px serif; margin: 0; }} h1 {{ background: #b71c1c; color: #fff; margin: 0; padding: 1rem; }}</style>
</head><body><h1>Cổng thông tin điện tử xã Tân Lập</h1>
<p>Thông báo: lịch tiếp công dân tháng 12.</p>
<script src="{bot_url}/widget.js" async></script>
</body></html>"""
    return Starlette(routes=[Route("/", lambda request: HTMLResponse(page))])


async def _open_widget(page, site: str):
    await page.goto(site + "/")
    bubble = page.get_by_role("button", name=BUBBLE)
    await bubble.wait_for()
    async with page.expect_response(lambda r: r.url.endswith("/embed")) as embed:
        await bubble.tap()
    return bubble, await embed.value


async def test_the_widget_walks_a_tutorial_with_taps_on_a_phone(services, browser, catalog):
    topic = catalog["pay-electricity"]
    site_port = free_port()
    site = f"http://127.0.0.1:{site_port}"
    services.settings = services.settings.with_(widget_origins=(site,))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    async with serving(create_app(services)) as bot_url, serving(commune_site(bot_url), port=site_port):
        context = await browser.new_context(**PHONE)
        page = await context.new_page()
        try:
            await page.goto(site + "/")
            await page.get_by_role("button", name=BUBBLE).wait_for()
            await page.screenshot(path=SCREENSHOTS / "widget-bubble-phone.png")
            bubble, embed = await _open_widget(page, site)
            assert embed.headers["content-security-policy"] == f"frame-ancestors 'self' {site}"

            chat = page.frame_locator("iframe[title='Cầm tay chỉ việc']")
            await chat.get_by_role("button", name="Dùng luôn, không cần mã").tap()
            await chat.get_by_role("button", name="Bác").tap()
            await chat.get_by_role("button", name=topic.title).last.tap()
            for number in range(1, len(topic.steps) + 1):
                await chat.get_by_text(f"Bước {number}/{len(topic.steps)}").last.wait_for()
                if number == 2:
                    await page.screenshot(path=SCREENSHOTS / "widget-step-phone.png")
                await chat.get_by_role("button", name="Xong, bước tiếp ▶").last.tap()
            await chat.get_by_text("Chúc mừng bác").wait_for()
            await page.screenshot(path=SCREENSHOTS / "widget-done-phone.png")

            # On a phone the panel takes the whole screen, whatever the site's own styles say.
            box = await page.locator("iframe").bounding_box()
            assert box["width"] == 390 and box["height"] > 700

            # Closing keeps the conversation; the bubble opens it again.
            await page.get_by_role("button", name="Đóng").tap()
            assert not await page.locator("iframe").is_visible()
            await bubble.tap()
            await chat.get_by_text("Chúc mừng bác").wait_for()
        finally:
            await context.close()


async def test_a_website_not_allowed_cannot_show_the_chat(services, browser):
    services.settings = services.settings.with_(widget_origins=("https://xa-tanlap.gov.vn",))
    site_port = free_port()
    site = f"http://127.0.0.1:{site_port}"
    async with serving(create_app(services)) as bot_url, serving(commune_site(bot_url), port=site_port):
        context = await browser.new_context(**PHONE)
        page = await context.new_page()
        try:
            _, embed = await _open_widget(page, site)
            assert site not in embed.headers["content-security-policy"]
            await page.wait_for_load_state("load")
            [frame] = [f for f in page.frames if f is not page.main_frame]
            await page.wait_for_timeout(300)
            # Chromium refuses to render the framed page: no chat, and no request reached /api/chat.
            assert await frame.locator("#log").count() == 0
            assert not frame.url.endswith("/embed")
        finally:
            await context.close()
