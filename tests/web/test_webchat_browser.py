"""The web chat page in a real headless Chromium, on a phone-sized screen."""
import pytest

from bot.settings import ROOT
from bot.web.app import create_app
from tests.helpers import serving

pytestmark = pytest.mark.browser
SCREENSHOTS = ROOT / "build" / "screenshots"


async def test_a_tutorial_walked_with_taps_on_a_phone(services, browser, catalog):
    topic = catalog["pay-electricity"]
    async with serving(create_app(services)) as url:
        page = await browser.new_page(viewport={"width": 390, "height": 780}, is_mobile=True)
        try:
            await page.goto(url + "/")
            await page.get_by_role("button", name="Dùng luôn, không cần mã").click()
            await page.get_by_role("button", name="Bác").click()
            await page.get_by_role("button", name=topic.title).last.click()
            for number in range(1, len(topic.steps) + 1):
                await page.get_by_text(f"Bước {number}/{len(topic.steps)}").last.wait_for()
                await page.get_by_role("button", name="Xong, bước tiếp ▶").last.click()
            await page.get_by_text("Chúc mừng bác").wait_for()
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            await page.screenshot(path=SCREENSHOTS / "webchat-phone.png")
            # Buttons of answered messages are disabled, so an old step cannot be pressed by mistake.
            assert await page.locator(".buttons button:disabled").count() > 0
        finally:
            await page.close()


async def test_citizen_text_is_shown_as_text_not_html(services, browser):
    async with serving(create_app(services)) as url:
        page = await browser.new_page()
        try:
            await page.goto(url + "/")
            await page.fill("#text", "<img src=x onerror=\"document.title='hacked'\">")
            await page.press("#text", "Enter")
            await page.get_by_text("<img src=x").wait_for()
            assert await page.title() != "hacked"
            assert await page.locator("#log img[src='x']").count() == 0
        finally:
            await page.close()
