"""The admin over HTTP: login, cookies, CSRF, roles and scope (403), validated filters (400), headers."""
import httpx
import pytest
from sqlalchemy import select

from bot.storage.admin_access import AdminAuditLog
from bot.web.app import create_app
from tests.admin.conftest import PASSWORD, TOTP_SECRETS, csrf_of, fresh_code, login


def _actions(services) -> list[str]:
    with services.sessions() as session:
        return list(session.scalars(select(AdminAuditLog.action).order_by(AdminAuditLog.id)))


async def test_pages_need_a_login(client, users):
    response = await client.get("/admin/log?topic=vneid-register")
    assert response.status_code == 303
    assert response.headers["location"] == "/admin/login?next=%2Fadmin%2Flog%3Ftopic%3Dvneid-register"


async def test_login_sets_a_strict_http_only_cookie_and_logout_ends_the_session(client, users, services):
    response = await login(client, "tinh")
    assert response.status_code == 303 and response.headers["location"] == "/admin/"
    cookie = response.headers["set-cookie"]
    assert "camtay_admin=" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert "Path=/admin" in cookie and "Secure" not in cookie  # plain http here
    page = await client.get("/admin/")
    assert page.status_code == 200 and "Tổng quan" in page.text
    await client.post("/admin/logout", data={"csrf": csrf_of(page.text)})
    assert (await client.get("/admin/")).status_code == 303
    assert _actions(services)[-2:] == ["login", "logout"]


async def test_the_cookie_is_secure_over_https(services, users):
    app = create_app(services)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://admin.test") as client:
        response = await login(client, "tinh")
    assert "Secure" in response.headers["set-cookie"]


async def test_a_wrong_password_says_so_and_the_fifth_locks(client, users, services):
    for attempt in range(4):
        response = await login(client, "tinh", "sai-mat-khau")
        assert response.status_code == 401 and "Sai tên đăng nhập hoặc mật khẩu" in response.text
    response = await login(client, "tinh", "sai-mat-khau")
    assert response.status_code == 429 and "tạm khoá" in response.text
    response = await login(client, "tinh", PASSWORD)
    assert response.status_code == 429
    assert _actions(services) == ["login_failed"] * 4 + ["login_locked", "login_locked"]


async def test_the_login_form_needs_its_csrf_token(client, users):
    await client.get("/admin/login")
    response = await client.post("/admin/login", data={"username": "tinh", "password": PASSWORD, "csrf": "x"})
    assert response.status_code == 403 and "camtay_admin=" not in response.headers.get("set-cookie", "")


@pytest.mark.parametrize("path", ["/admin/login", "/admin/logout"])
async def test_an_oversized_or_overfull_form_is_refused_before_anything_else(client, users, path):
    huge = await client.post(path, content=b"username=" + b"a" * 70_000,
                             headers={"content-type": "application/x-www-form-urlencoded"})
    assert huge.status_code == 413
    fields = "&".join(f"f{i}=x" for i in range(60))
    overfull = await client.post(path, content=fields.encode(),
                                 headers={"content-type": "application/x-www-form-urlencoded"})
    assert overfull.status_code == 413


async def test_a_form_without_the_right_csrf_token_is_refused(client, users, services, tmp_path):
    await login(client, "tinh")
    for data in ({"topic": "vneid-register", "text": "app này là gì"},
                 {"topic": "vneid-register", "text": "app này là gì", "csrf": "forged"}):
        response = await client.post("/admin/unknown/learn", data=data)
        assert response.status_code == 403 and "Biểu mẫu đã hết hạn" in response.text
    assert not services.settings.learned_examples_path.exists()
    assert _actions(services).count("csrf_rejected") == 2


async def test_a_post_from_another_site_is_refused_even_with_a_token(client, users):
    await login(client, "tinh")
    token = csrf_of((await client.get("/admin/")).text)
    response = await client.post("/admin/unknown/learn", headers={"origin": "https://evil.example"},
                                 data={"csrf": token, "topic": "vneid-register", "text": "xin chào"})
    assert response.status_code == 403


async def test_a_commune_admin_gets_403_on_another_commune(client, users, seed, services):
    await login(client, "xa")
    assert (await client.get(f"/admin/places/{seed.commune_a}")).status_code == 200
    for path in (f"/admin/places/{seed.commune_b}", f"/admin/households/{seed.households['HB1']}",
                 f"/admin/households?commune={seed.commune_b}", f"/admin/report?commune={seed.commune_b}",
                 f"/admin/households?village={seed.village_b1}", "/admin/audit",
                 f"/admin/adoption?commune={seed.commune_b}", f"/admin/adoption.csv?commune={seed.commune_b}"):
        response = await client.get(path)
        assert response.status_code == 403, path
        assert "Không có quyền truy cập" in response.text
    assert "forbidden" in _actions(services)


async def test_a_team_member_sees_only_their_villages(client, users, seed):
    await login(client, "to")
    listing = await client.get("/admin/households")
    assert "HA3" in listing.text and "HA1" not in listing.text and "HB1" not in listing.text
    assert (await client.get(f"/admin/households/{seed.households['HA1']}")).status_code == 403
    assert (await client.get(f"/admin/households/{seed.households['HA3']}")).status_code == 200


async def test_only_a_province_admin_exports_or_deletes_a_household(client, users, seed):
    await login(client, "xa")
    page = await client.get(f"/admin/households/{seed.households['HA1']}")
    assert "Xoá toàn bộ dữ liệu" not in page.text
    response = await client.post(f"/admin/households/{seed.households['HA1']}/export",
                                 data={"csrf": csrf_of(page.text)})
    assert response.status_code == 403


@pytest.mark.parametrize("query", [
    "topic=%27%20OR%201%3D1--", "intent=greet%27%3B%20DROP%20TABLE%20conversation_log%3B--",
    "channel=web%22%20OR%20%221%22%3D%221", "from=2026-01-01%27", "min_conf=1%20OR%201%3D1",
    "min_conf=nan", "max_conf=2", "page=-1", "page=1e9", "household=HA1%27--", "not_understood=yes",
    "from=2026-02-30", "from=2026-05-02&to=2026-05-01", "evil=1", "topic=a&topic=b",
])
async def test_invalid_or_injected_filters_answer_400(client, users, query):
    await login(client, "tinh")
    for path in ("/admin/log", "/admin/log.csv"):
        response = await client.get(f"{path}?{query}")
        assert response.status_code == 400, (path, query)
        assert "Yêu cầu không hợp lệ" in response.text


@pytest.mark.parametrize("path", ["/admin/households?status=x%27", "/admin/households?commune=1%20OR%201",
                                  "/admin/funnel?period=1000", "/admin/report?month=2026-13",
                                  "/admin/unknown?period=x", "/admin/households/1?x=1",
                                  "/admin/adoption?month=2026-13", "/admin/adoption?platform=x%27%20OR%201",
                                  "/admin/adoption?platform=no-such", "/admin/adoption.csv?platform=vssid",
                                  "/admin/adoption?commune=1%20OR%201"])
async def test_other_pages_validate_their_parameters(client, users, path):
    await login(client, "tinh")
    assert (await client.get(path)).status_code == 400


async def test_pages_carry_security_headers_and_are_not_cached(client, users):
    await login(client, "tinh")
    response = await client.get("/admin/")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["cache-control"] == "no-store"


async def test_the_login_never_redirects_to_another_site(client, users):
    page = await client.get("/admin/login?next=https://evil.example/")
    assert 'value="/admin/"' in page.text
    response = await client.post("/admin/login", data={"username": "tinh", "password": PASSWORD,
                                                       "csrf": csrf_of(page.text), "next": "//evil.example/"})
    assert response.headers["location"] == "/admin/login/code?next=%2Fadmin%2F"
    step = await client.get("/admin/login/code?next=https://evil.example/")
    assert 'value="/admin/"' in step.text
    response = await client.post("/admin/login/code", data={
        "code": fresh_code(TOTP_SECRETS["tinh"], (id(client), "tinh")), "csrf": csrf_of(step.text),
        "next": "//evil.example/"})
    assert response.headers["location"] == "/admin/"


async def test_unknown_admin_paths_answer_a_plain_404(client, users):
    await login(client, "tinh")
    response = await client.get("/admin/khong-co")
    assert response.status_code == 404 and "Không tìm thấy" in response.text
