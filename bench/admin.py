"""Benchmark of the admin pages on generated data (10,000 households, 200,000 log rows by default).

    .venv/bin/python -m bench.admin                 # SQLite file under build/bench/
    .venv/bin/python -m bench.admin --postgres URL  # also a PostgreSQL database (created and dropped)

Every page is requested through the ASGI app (routing, session, SQL, templates), a few times after a
warm-up; p50 and p95 are printed and written with the date and machine to docs/BENCHMARKS-admin.md.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import platform
import re
import sqlite3
import statistics
import sys
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, this folder would come first on the path and its http.py hide the standard library's.
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(ROOT)

import httpx  # noqa: E402
import pyotp  # noqa: E402
from sqlalchemy import create_engine, func, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from bot.admin.auth import create_user  # noqa: E402
from bot.admin.queries.log import PAGE_SIZE, Cursor  # noqa: E402
from bot.services import build_services  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.storage.conversations import ConversationLog  # noqa: E402
from bot.storage.households import Household  # noqa: E402
from bot.storage.places import Commune, Village  # noqa: E402
from content.loader import load_catalog  # noqa: E402
from devtools.admin_data import Size, generate  # noqa: E402
from devtools.databases import sqlite_database  # noqa: E402

TARGET_MS = 300
PASSWORD = "benchmark-password"
# Every admin account has a second factor: the benchmark's users are enrolled with these secrets.
TOTP_SECRETS = {"province": "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", "commune": "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU",
                "team": "MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U"}
PAGES = [
    ("Tổng quan", "province", "/admin/"),
    ("Bài hướng dẫn (phễu)", "province", "/admin/funnel?period=all"),
    ("Phễu một bài", "province", "/admin/funnel?period=all&topic=vneid-register"),
    ("Hộ gia đình", "province", "/admin/households"),
    ("Hộ: lọc vướng", "province", "/admin/households?status=stuck"),
    ("Hộ: tìm tên", "province", "/admin/households?q=Nguy%E1%BB%85n%20Th%E1%BB%8B"),
    ("Hộ: trang 150", "province", "/admin/households?page=150"),
    ("Chi tiết hộ", "province", "/admin/households/{household}"),
    ("Xã và thôn", "province", "/admin/places"),
    ("Một xã", "province", "/admin/places/{commune}"),
    ("Nhật ký", "province", "/admin/log"),
    ("Nhật ký: chưa hiểu", "province", "/admin/log?not_understood=1"),
    ("Nhật ký: chủ đề + ngày", "province", "/admin/log?topic=vneid-register&from={week_ago}"),
    ("Nhật ký: ý định + tin cậy", "province", "/admin/log?intent=topic_pay_electricity&min_conf=0.7"),
    ("Nhật ký: trang 3000", "province", "/admin/log?page=3000"),
    ("Tải CSV một ngày (tệp, không phải trang)", "province", "/admin/log.csv?from={yesterday}&to={yesterday}"),
    ("Câu chưa hiểu (30 ngày)", "province", "/admin/unknown"),
    ("Nội dung", "province", "/admin/content"),
    ("Báo cáo tháng", "province", "/admin/report"),
    ("Nhật ký quản trị", "province", "/admin/audit"),
    ("Bài đã gửi (30 ngày)", "province", "/admin/pushes"),
    ("Bài đã gửi (toàn bộ)", "province", "/admin/pushes?period=all"),
    ("Nhật ký: trang 3000 qua nút Cũ hơn", "province", "/admin/log?page=3000&after={cursor_3000}"),
    ("Tổng quan (quản trị xã)", "commune", "/admin/"),
    ("Nhật ký (quản trị xã)", "commune", "/admin/log"),
    ("Hộ gia đình (tổ công nghệ)", "team", "/admin/households"),
    ("Bài đã gửi (quản trị xã)", "commune", "/admin/pushes?period=all"),
    ("Báo cáo tháng (quản trị xã)", "commune", "/admin/report"),
    ("Nền tảng số của hộ", "province", "/admin/adoption"),
    ("Nền tảng số: biểu đồ VssID", "province", "/admin/adoption?platform=vssid"),
    ("Nền tảng số (quản trị xã)", "commune", "/admin/adoption"),
    ("Tải CSV nền tảng số (tệp, không phải trang)", "province", "/admin/adoption.csv"),
    ("Đánh giá (30 ngày)", "province", "/admin/ratings"),
    ("Đánh giá (toàn bộ)", "province", "/admin/ratings?period=all"),
    ("Đánh giá (7 ngày)", "province", "/admin/ratings?period=7"),
    ("Đánh giá (quản trị xã)", "commune", "/admin/ratings"),
    ("Đánh giá: toàn bộ (quản trị xã)", "commune", "/admin/ratings?period=all"),
    ("Đánh giá (tổ công nghệ, 3 thôn)", "team", "/admin/ratings"),
    ("Đánh giá: toàn bộ (tổ công nghệ)", "team", "/admin/ratings?period=all"),
]


def load_now() -> str:
    return ", ".join(f"{x:.1f}" for x in os.getloadavg())


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}")


def prepare(url: str, catalog, size: Size) -> tuple[dict[str, int], float]:
    """A migrated database filled with generated data and three users; PostgreSQL also vacuumed."""
    from bot.storage.db import make_engine, migrate, session_factory
    engine = make_engine(url)
    migrate(engine)
    started = time.perf_counter()
    counts = generate(engine, catalog, size, statistics=engine.dialect.name == "postgresql")
    seconds = time.perf_counter() - started
    with session_factory(engine)() as session:
        commune = session.get(Commune, 1)
        villages = list(session.query(Village).filter(Village.commune_id == 1).limit(3))
        users = [create_user(session, "province", PASSWORD, "province"),
                 create_user(session, "commune", PASSWORD, "commune", commune=commune),
                 create_user(session, "team", PASSWORD, "team", commune=commune, villages=villages)]
        for user in users:
            user.totp_secret = TOTP_SECRETS[user.username]
            user.totp_enabled_at = datetime.now(timezone.utc)
        session.commit()
    engine.dispose()
    return counts, seconds


async def login(client: httpx.AsyncClient, username: str) -> None:
    page = await client.get("/admin/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    response = await client.post("/admin/login", data={"username": username, "password": PASSWORD,
                                                       "csrf": csrf, "next": "/admin/"})
    assert response.status_code == 303, response.text[:500]
    if response.headers["location"].startswith("/admin/login/code"):  # the second factor
        step = await client.get(response.headers["location"])
        csrf = re.search(r'name="csrf" value="([^"]+)"', step.text).group(1)
        code = pyotp.TOTP(TOTP_SECRETS[username]).now()
        response = await client.post("/admin/login/code", data={"code": code, "csrf": csrf, "next": "/admin/"})
        assert response.status_code == 303, response.text[:500]


async def time_pages(url: str, catalog, requests: int) -> list[tuple[str, str, float, float, int]]:
    from bot.web.app import create_app
    settings = Settings(database_url=url, nlu_url=None, telegram_bot_token=None,
                        admin_secret_key="bench-" + "x" * 40)
    services = build_services(settings, catalog)
    app = create_app(services)
    now = datetime.now(timezone.utc)
    values = {"household": 1234, "commune": 1,
              "week_ago": (now.date().fromordinal(now.date().toordinal() - 7)).isoformat(),
              "yesterday": (now.date().fromordinal(now.date().toordinal() - 1)).isoformat()}
    with services.sessions() as session:
        # What the "older" link on page 2,999 carries: its last row (row 149,950 newest first).
        newest = select(ConversationLog.at, ConversationLog.id).order_by(ConversationLog.at.desc(),
                                                                         ConversationLog.id.desc())
        row = (session.execute(newest.offset(2999 * PAGE_SIZE - 1).limit(1)).first()
               or session.execute(newest.limit(1)).first())  # a small --logs run has no page 3,000
        values["cursor_3000"] = str(Cursor.of(*row))
        # Household 1,234 (a smaller --households run has fewer).
        values["household"] = min(1234, session.scalar(select(func.max(Household.id))) or 1)
    results = []
    clients = {}
    try:
        for role in ("province", "commune", "team"):
            client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench")
            await login(client, role)
            clients[role] = client
        for name, role, path in PAGES:
            target = path.format(**values)
            client = clients[role]
            first = await client.get(target)  # warm-up (caches, statement compilation)
            assert first.status_code == 200, f"{target}: {first.status_code} {first.text[:300]}"
            times = []
            for _ in range(requests):
                started = time.perf_counter()
                response = await client.get(target)
                times.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200
            times.sort()
            p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
            results.append((name, target, statistics.median(times), p95, len(response.content)))
            print(f"  {name:32} p50 {statistics.median(times):7.1f} ms   p95 {p95:7.1f} ms", flush=True)
    finally:
        for client in clients.values():
            await client.aclose()
        await services.aclose()
    return results


def is_download(path: str) -> bool:
    return ".csv" in path


def table(results) -> str:
    lines = ["| trang | đường dẫn | p50 (ms) | p95 (ms) | < 300 ms |", "|---|---|---:|---:|:---:|"]
    for name, path, p50, p95, _ in results:
        verdict = "tệp" if is_download(path) else ("✓" if p95 < TARGET_MS else "✗")
        lines.append(f"| {name} | `{path}` | {p50:.1f} | {p95:.1f} | {verdict} |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--households", type=int, default=10_000)
    parser.add_argument("--logs", type=int, default=200_000)
    parser.add_argument("--requests", type=int, default=7, help="timed requests per page after a warm-up")
    parser.add_argument("--postgres", help="an admin URL of a PostgreSQL server; a scratch database is used")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "BENCHMARKS-admin.md")
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument("--skip-sqlite", action="store_true", help="with --postgres: PostgreSQL only")
    args = parser.parse_args()
    load_at_start = load_now()
    catalog = load_catalog()
    size = Size(households=args.households, logs=args.logs)
    sections = []

    def measure(title: str, url: str) -> None:
        print(f"{title}: generating data…", flush=True)
        counts, seconds = prepare(url, catalog, size)
        print(f"  {counts} in {seconds:.1f} s", flush=True)
        sections.append((title, counts, asyncio.run(time_pages(url, catalog, args.requests))))

    if not args.skip_sqlite:
        with sqlite_database(ROOT / "build" / "bench", "admin") as url:
            measure("SQLite (file, WAL)", url)

    if args.postgres:
        name = f"camtay_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(args.postgres, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
            version = connection.execute(text("show server_version")).scalar()
        pg_url = make_url(args.postgres).set(database=name).render_as_string(hide_password=False)
        try:
            measure(f"PostgreSQL {version}", pg_url)
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()

    report = [
        "# Admin web benchmark",
        "",
        f"Run {datetime.now().astimezone().strftime('%Y-%m-%d %H:%M %Z')} on {machine()} "
        f"(load average at the start: {load_at_start}; at the end: {load_now()}) "
        f"by `bench/admin.py` ({args.requests} timed requests per page after a warm-up, through the ASGI app: "
        "session check, SQL, templates). Target: every page under 300 ms. The data is generated by "
        "`devtools/admin_data.py`; SQLite without ANALYZE statistics (as a live file has none), PostgreSQL "
        "vacuumed and analyzed (as autovacuum keeps a live server); "
        "`tests/admin/test_query_plans.py` checks that no page reads a big table without an index.",
        "",
    ]
    for title, counts, results in sections:
        report += [f"## {title}", "", "Rows: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()) + ".", "",
                   table(results), ""]
    report += [
        "## Notes",
        "",
        "- The machine is shared with other work: the load average above says how busy it was; p95 on a busy "
        "machine is noisy, p50 is the steadier figure.",
        "- How the pages stay fast: overview daily counts are index range counts; active people come from "
        "`members.last_seen_at`; the log's pager links seek from a cursor (the last row's time and id) on the `(at, id)` index, "
        "so page 3,000 reached by \"Cũ hơn\" costs what page 1 costs, and a page number typed by hand is "
        "counted from the nearer end on the same index; "
        "not-understood questions are grouped by exact text in SQL before the Python normalization; "
        "per-household facts (linked, completed, stuck, reached) are `EXISTS` probes on covering indexes "
        "(the `Index` lines beside their tables in `bot/storage/`).",
        "- Pushes: one row per push with its outbox counted in the admin's scope; \"opened\" and "
        "\"completed\" are flat `EXISTS` probes per sent message on the tutorial runs' (household, status, topic, updated_at) index.",
        "- Platforms of households (and the monthly report's table): each household's first \"done\" per platform "
        "grouped once over the outcomes, counted per village and local month in "
        "SQL; the villages, communes, months and shares are summed in Python.",
        "- Ratings: the generator taps 👍 / 👎 after 15 % of the FAQ answers in the log and at 25 % of completed "
        "tutorials' ends (about one in five \"not helpful\", two in three of those with a reason code); the page is "
        "one count grouped by topic, rating and reason, over the period on the `(at, topic_id)` index or over the "
        "scope's households on the `household_id` index; the shares and the worst rated are worked out in Python.",
        "",
    ]
    text_report = "\n".join(report)
    print()
    print(text_report)
    if not args.no_write:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text_report, encoding="utf-8")
        print(f"written to {args.out}")
    failed = any(p95 >= TARGET_MS for _, _, results in sections
                 for _, path, _, p95, _ in results if not is_download(path))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
