"""The admin web in a real headless Chromium: login, lockout, every page, filters, CSV, scope, CSRF, escaping."""
import csv
import io
from contextlib import asynccontextmanager
from datetime import timedelta

import pytest
import yaml
from sqlalchemy import select

from bot.settings import ROOT
from bot.storage.conversations import ConversationLog
from bot.storage.households import Member
from bot.web.app import create_app
from tests.admin.conftest import PASSWORD, SCRIPT_TEXT, TOTP_SECRETS, fresh_code
from tests.helpers import serving

pytestmark = pytest.mark.browser
SCREENSHOTS = ROOT / "build" / "screenshots"


@asynccontextmanager
async def _browsing(services, browser):
    """The app served, and a fresh browser page on it, closed afterwards."""
    async with serving(create_app(services)) as url:
        context = await browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
        try:
            yield url, await context.new_page()
        finally:
            await context.close()


async def _login(page, url, username, password=PASSWORD):
    """Password, then the TOTP code when the page asks for it."""
    await page.goto(url + "/admin/login")
    await page.get_by_label("Tên đăng nhập").fill(username)
    await page.get_by_label("Mật khẩu").fill(password)
    await page.get_by_role("button", name="Đăng nhập").click()
    await page.wait_for_load_state()
    if "/admin/login/code" in page.url:
        await page.get_by_label("Mã xác thực").fill(fresh_code(TOTP_SECRETS[username], (id(page), username)))
        await page.get_by_role("button", name="Xác nhận").click()


async def _shot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=SCREENSHOTS / f"admin-{name}.png", full_page=True)


async def test_login_and_lockout(services, users, browser):
    async with _browsing(services, browser) as (url, page):
        await page.goto(url + "/admin/households")
        assert "/admin/login" in page.url
        await _shot(page, "login")
        for _ in range(4):
            await _login(page, url, "tinh", "sai-mat-khau")
            await page.get_by_text("Sai tên đăng nhập hoặc mật khẩu.").wait_for()
        await _login(page, url, "tinh", "sai-mat-khau")
        await page.get_by_role("alert").filter(has_text="Tài khoản tạm khoá").wait_for()
        await _login(page, url, "tinh")  # the right password, but locked
        await page.get_by_role("alert").filter(has_text="Tài khoản tạm khoá").wait_for()
        await _shot(page, "lockout")
        await _login(page, url, "xa")
        await page.get_by_role("heading", name="Tổng quan").wait_for()
        cookies = {c["name"]: c for c in await page.context.cookies()}
        session = cookies["camtay_admin"]
        assert session["httpOnly"] and session["sameSite"] == "Strict" and session["path"] == "/admin"
        await page.get_by_role("button", name="Đăng xuất").click()
        await page.get_by_role("heading", name="Đăng nhập quản trị").wait_for()


async def test_a_province_admin_enrols_in_totp_at_the_first_login(services, users, browser):
    from bot.admin.auth import create_user
    with services.sessions() as session:
        create_user(session, "moi", PASSWORD, "province")
        session.commit()
    async with _browsing(services, browser) as (url, page):
        errors = []
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        await page.goto(url + "/admin/households")
        await page.get_by_label("Tên đăng nhập").fill("moi")
        await page.get_by_label("Mật khẩu").fill(PASSWORD)
        await page.get_by_role("button", name="Đăng nhập").click()
        await page.get_by_role("heading", name="Bật xác thực hai bước").wait_for()
        assert await page.locator("figure.qr svg").count() == 1
        await _shot(page, "enrol")
        secret = (await page.locator("code.secret").inner_text()).strip()
        await page.get_by_label("Mã 6 chữ số trên ứng dụng").fill(fresh_code(secret, (id(page), "moi")))
        await page.get_by_role("button", name="Xác nhận và bật").click()
        await page.get_by_role("heading", name="Mã dự phòng của bạn").wait_for()
        assert await page.locator("ul.recovery-codes li").count() == 8
        await page.get_by_role("link", name="Tiếp tục vào trang quản trị").click()
        await page.get_by_role("heading", name="Hộ gia đình").wait_for()
        assert errors == []


PAGES = [
    ("overview", "/admin/", "Tổng quan"),
    ("funnel", "/admin/funnel", "Bài hướng dẫn: người học đi được đến bước nào"),
    ("households", "/admin/households", "Hộ gia đình"),
    ("household", "/admin/households/{HA1}", "Hộ HA1: Lê Thị Hoa"),
    ("places", "/admin/places", "Xã và thôn"),
    ("pushes", "/admin/pushes", "Bài đã gửi đến các hộ"),
    ("commune", "/admin/places/{commune_a}", "Xã Tân Lập: các thôn"),
    ("log", "/admin/log", "Nhật ký hội thoại"),
    ("unknown", "/admin/unknown", "Câu trợ lý chưa hiểu"),
    ("content", "/admin/content", "Nội dung bài hướng dẫn và hỏi đáp"),
    ("adoption", "/admin/adoption", "Nền tảng số của hộ gia đình"),
    ("report", "/admin/report", None),
    ("audit", "/admin/audit", "Nhật ký quản trị"),
]


async def test_every_page_renders_with_seeded_data(services, seed, users, browser):
    values = {"HA1": seed.households["HA1"], "commune_a": seed.commune_a}
    async with _browsing(services, browser) as (url, page):
        errors = []
        page.on("pageerror", lambda error: errors.append(error))
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        await _login(page, url, "tinh")
        for name, path, heading in PAGES:
            response = await page.goto(url + path.format(**values))
            assert response.status == 200, path
            if heading:
                await page.get_by_role("heading", name=heading, exact=True).first.wait_for()
            await _shot(page, name)
        assert errors == []  # no CSP violation, no script error
        await page.goto(url + "/admin/")
        assert await page.locator("svg.chart rect").count() >= 30
        await page.goto(url + "/admin/funnel")
        assert await page.locator("svg.funnel-chart").count() == 1  # only pay-electricity was walked
        await page.goto(url + "/admin/report")
        await page.get_by_role("heading", name="Báo cáo").first.wait_for()
        await page.emulate_media(media="print")
        assert not await page.locator("nav.menu").is_visible()
        assert not await page.locator(".report-tools").is_visible()
        await _shot(page, "report-print")
        await page.pdf(path=SCREENSHOTS / "admin-report.pdf", format="A4")


async def test_log_pager_moves_older_newer_and_to_a_typed_page(services, seed, users, browser):
    with services.sessions() as session:
        member = session.scalars(select(Member).where(Member.channel == "zalo")).first()
        session.add_all([ConversationLog(at=seed.now - timedelta(days=3, minutes=i), channel="zalo",
                                         member_id=member.id, household_id=member.household_id,
                                         text=f"câu số {i}", understood=True) for i in range(120)])
        session.commit()
    async with _browsing(services, browser) as (url, page):
        await _login(page, url, "tinh")
        await page.goto(url + "/admin/log?channel=zalo")
        await page.get_by_text("Trang 1 / 3").wait_for()
        await page.get_by_role("link", name="Cũ hơn ›").click()
        await page.get_by_text("Trang 2 / 3").wait_for()
        assert "after=" in page.url and "channel=zalo" in page.url
        await _shot(page, "log-page-2")
        await page.get_by_role("link", name="Cũ hơn ›").click()
        await page.get_by_text("Trang 3 / 3").wait_for()
        await page.get_by_text("câu số 119", exact=True).wait_for()
        await page.get_by_role("link", name="‹ Mới hơn").click()
        await page.get_by_text("Trang 2 / 3").wait_for()
        await page.get_by_label("Đến trang").fill("3")
        await page.get_by_role("button", name="Đi").click()
        await page.get_by_text("Trang 3 / 3").wait_for()
        assert "channel=zalo" in page.url


async def test_log_filters_and_csv_download(services, seed, users, browser):
    async with _browsing(services, browser) as (url, page):
        await _login(page, url, "tinh")
        await page.goto(url + "/admin/log")
        await page.get_by_text("10 tin nhắn.").wait_for()
        await page.get_by_label("Chỉ câu chưa hiểu").check()
        await page.get_by_role("button", name="Lọc").click()
        await page.get_by_text("6 tin nhắn.").wait_for()
        assert "not_understood=1" in page.url
        await page.get_by_label("Kênh").select_option("zalo")
        await page.get_by_label("Độ tin cậy từ").fill("0.4")
        await page.get_by_role("button", name="Lọc").click()
        await page.get_by_text("3 tin nhắn.").wait_for()
        await _shot(page, "log-filtered")
        async with page.expect_download() as download_info:
            await page.get_by_role("link", name="Tải CSV theo bộ lọc này").click()
        download = await download_info.value
        assert download.suggested_filename.endswith(".csv")
        text = (await download.path()).read_text(encoding="utf-8-sig")
        rows = list(csv.reader(io.StringIO(text)))
        assert rows[0][:4] == ["thoi_gian", "kenh", "ma_ho", "noi_dung"]
        assert len(rows) == 4 and {r[1] for r in rows[1:]} == {"zalo"}
        # Households: a filter by status, then a search.
        await page.goto(url + "/admin/households")
        await page.get_by_label("Tình trạng").select_option("stuck")
        await page.get_by_role("button", name="Lọc").click()
        await page.get_by_text("1 hộ.").wait_for()
        assert await page.get_by_role("link", name="HA2").is_visible()


async def test_a_commune_admin_gets_403_on_another_commune(services, seed, users, browser):
    async with _browsing(services, browser) as (url, page):
        await _login(page, url, "xa")
        await page.goto(url + "/admin/places")
        assert await page.get_by_role("link", name="Xã Hòa Bình").count() == 0
        response = await page.goto(url + f"/admin/places/{seed.commune_b}")
        assert response.status == 403
        await page.get_by_text("Nội dung này nằm ngoài phạm vi quản lý của bạn.").wait_for()
        await _shot(page, "forbidden")
        response = await page.goto(url + f"/admin/households/{seed.households['HB1']}")
        assert response.status == 403


async def test_a_forged_csrf_token_is_refused_and_a_real_one_teaches_the_assistant(services, seed, users, browser):
    learned = services.settings.learned_examples_path
    async with _browsing(services, browser) as (url, page):
        await _login(page, url, "xa")
        await page.goto(url + "/admin/unknown")
        row = page.locator("tr", has_text="cho hoi cai app nay la gi").or_(
            page.locator("tr", has_text="Cho hỏi cái app này là gì?")).first
        await row.locator("select[name=topic]").select_option("faq-vneid-what")
        await row.locator("input[name=csrf]").evaluate("input => input.value = 'forged'")
        await row.get_by_role("button", name="Thêm làm ví dụ").click()
        await page.get_by_text("Biểu mẫu đã hết hạn").wait_for()
        assert not learned.exists()
        await page.goto(url + "/admin/unknown")
        row = page.locator("tr", has_text="cái app này").first
        await row.locator("select[name=topic]").select_option("faq-vneid-what")
        await row.get_by_role("button", name="Thêm làm ví dụ").click()
        await page.get_by_role("status").filter(has_text="vào dữ liệu huấn luyện").wait_for()
        await page.locator(".badge.good", has_text="Đã dạy").first.wait_for()
        await _shot(page, "unknown-learned")
        data = yaml.safe_load(learned.read_text(encoding="utf-8"))
        assert data["nlu"][0]["intent"] == "topic_faq_vneid_what"


async def test_a_citizen_script_is_shown_as_text(services, seed, users, browser):
    async with _browsing(services, browser) as (url, page):
        await _login(page, url, "tinh")
        for path in ("/admin/log", "/admin/unknown", f"/admin/households/{seed.households['HA2']}"):
            await page.goto(url + path)
            await page.get_by_text(SCRIPT_TEXT).first.wait_for()
            assert await page.title() != "hacked"
            assert await page.locator("main script").count() == 0
        # An OTP that slipped into a stored text is masked on display.
        await page.goto(url + "/admin/log")
        assert await page.get_by_text("483920").count() == 0
        await page.get_by_text("mã OTP [MÃ SỐ] của tôi").wait_for()


async def test_a_province_admin_exports_and_deletes_a_household(services, seed, users, browser):
    async with _browsing(services, browser) as (url, page):
        page.on("dialog", lambda dialog: dialog.accept())
        await _login(page, url, "tinh")
        await page.goto(url + f"/admin/households/{seed.households['HA1']}")
        async with page.expect_download() as download_info:
            await page.get_by_role("button", name="Tải dữ liệu của hộ (JSON)").click()
        exported = (await (await download_info.value).path()).read_text(encoding="utf-8")
        assert '"code": "HA1"' in exported
        await page.get_by_label("để xác nhận xoá").fill("HA1")
        await page.get_by_role("button", name="Xoá toàn bộ dữ liệu của hộ").click()
        await page.get_by_text("Đã xoá toàn bộ dữ liệu của hộ HA1.").wait_for()
        await page.goto(url + "/admin/audit")
        await page.get_by_role("cell", name="Xoá dữ liệu hộ").wait_for()
        await page.get_by_role("cell", name="Tải dữ liệu hộ").wait_for()
