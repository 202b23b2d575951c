"""Push throughput against the configured Telegram limit, and duplicates, on SQLite and PostgreSQL.

    .venv/bin/python -m bench.push [--households 600] [--limit 30] [--out docs/BENCHMARKS-push.md]

For each database: N households with a Telegram chat, one push to all, drained by real sender processes
(`python -m bot.team.sender`: one on SQLite, two on PostgreSQL) against the local fake Bot API.
Measured from the fake's own arrival timestamps: the achieved rate (messages over the time from the
first to the last), the most messages in any one second, duplicates and households missed.
"""
from __future__ import annotations

import argparse
import os
import platform
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import select, text

from actions.team import push
from bot.settings import ROOT
from bot.storage.db import make_engine, migrate, session_factory
from bot.storage.places import Village
from content.loader import load_catalog
from devtools.databases import postgres_database, postgres_problem, sqlite_database
from devtools.fakes.telegram_api import FakeTelegramApi
from devtools.pushing import TOKEN, TRANSPORT_JITTER, max_in_window, seed, sender_env, sends, start_sender


def measure(url: str, households: int, limit: float, senders: int, workdir: Path) -> dict:
    engine = make_engine(url)
    migrate(engine)
    sessions = session_factory(engine)
    with FakeTelegramApi(TOKEN) as api:
        chats = seed(sessions, households)
        for chat in chats:
            api.user(chat)
        with sessions() as session:
            village_id = session.scalar(select(Village.id))
            push.create_push(session, load_catalog(), "vneid-register", "all", "village", village_id, "bench",
                             None, datetime.now(timezone.utc))
            session.commit()
        env = sender_env(url, api.url, telegram_rate_limit=limit, outbox_poll_seconds=0.05)
        started = time.monotonic()
        logs = [(workdir / f"sender-{n}.log").open("w") for n in range(senders)]
        processes = [start_sender(env, f"bench-{n}", log) for n, log in enumerate(logs)]
        codes = [p.wait(timeout=households / limit * 3 + 120) for p in processes]
        wall = time.monotonic() - started
        for log in logs:
            log.close()
        calls = sends(api)
    version = None
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            version = connection.execute(text("show server_version")).scalar()
    engine.dispose()
    times = sorted(c.at for c in calls)
    per_chat = Counter(c.params["chat_id"] for c in calls)
    achieved = (len(times) - 1) / (times[-1] - times[0]) if len(times) > 1 else 0.0
    return {
        "database": f"PostgreSQL {version}" if version else f"SQLite {sqlite3.sqlite_version}",
        "senders": senders, "households": households, "limit": limit, "sent": len(calls),
        "achieved": achieved, "percent": 100 * achieved / limit,
        "max_1s": max_in_window(times, 1.0), "max_jitter": max_in_window(times, 1.0 - TRANSPORT_JITTER),
        "duplicates": sum(n - 1 for n in per_chat.values() if n > 1),
        "missed": len(set(chats) - set(per_chat)), "wall": wall, "exit_codes": codes,
        "load": ", ".join(f"{x:.1f}" for x in os.getloadavg()),
    }


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "?")
    memory = next((int(line.split()[1]) // 1024 // 1024 for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal")), 0)
    return f"{cpu}, {os.cpu_count()} cores, {memory} GiB; {platform.platform()}; Python {platform.python_version()}"


def write(results: list[dict], out: Path, households: int, limit: float, about: str) -> None:
    lines = [
        "# Push benchmark (`bench/push.py`)", "",
        f"Run {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC on: {about}.", "",
        f"One push to {households} households, drained by real sender processes against the local fake Bot API "
        f"at the configured limit of {limit:g} messages a second (`TELEGRAM_RATE_LIMIT`; the sender aims "
        "at `OUTBOX_RATE_HEADROOM` = 0.96 of it). Rates are measured from the fake's arrival timestamps. "
        "Target: at least 95 % of the limit, zero duplicates.", "",
        "| database | senders | sent | achieved msg/s | % of limit | most in any 1 s | "
        f"most in any {1 - TRANSPORT_JITTER:.2f} s | duplicates | missed | wall s | load average after |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(f"| {r['database']} | {r['senders']} | {r['sent']} | {r['achieved']:.2f} | {r['percent']:.1f} | "
                     f"{r['max_1s']} | {r['max_jitter']} | {r['duplicates']} | {r['missed']} | {r['wall']:.1f} | "
                     f"{r['load']} |")
    lines += ["", "\"most in any 1 s\" counts arrivals at the fake; the sender keeps at most the limit of request "
              "*starts* in any 1/0.96 s and takes a new slot rather than catch up when it is late. Between the "
              "sender and the fake, two event loops and the kernel can bunch a few requests on a busy machine; "
              f"the next column allows {TRANSPORT_JITTER * 1000:.0f} ms for that, as the tests do. The machine is "
              "shared with other work: the load average says how busy it was.", ""]
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.push", description=__doc__.split("\n\n")[0])
    parser.add_argument("--households", type=int, default=600)
    parser.add_argument("--limit", type=float, default=30.0)
    parser.add_argument("--out", default=str(ROOT / "docs" / "BENCHMARKS-push.md"))
    parser.add_argument("--skip-postgres", action="store_true")
    args = parser.parse_args(argv)
    about = machine()
    results = []
    with tempfile.TemporaryDirectory(prefix="camtay-bench-push-") as folder:
        workdir = Path(folder)
        with sqlite_database(workdir, "push") as url:
            results.append(measure(url, args.households, args.limit, 1, workdir))
            print(results[-1], flush=True)
        if not args.skip_postgres:
            problem = postgres_problem()
            if problem:
                print(f"PostgreSQL skipped: {problem}", file=sys.stderr)
            else:
                with postgres_database("camtay_bench_push") as url:
                    results.append(measure(url, args.households, args.limit, 2, workdir))
                    print(results[-1], flush=True)
    write(results, Path(args.out), args.households, args.limit, about)
    print(f"written: {args.out}")
    ok = all(r["duplicates"] == 0 and r["missed"] == 0 and r["percent"] >= 95 for r in results)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
