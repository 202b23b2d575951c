"""`make bench`: the assistant's figures in webhook mode against a fake Bot API in its own process.

    python -m bench.run            # everything, about 8 minutes; writes docs/BENCHMARKS.md
    python -m bench.run --quick    # shorter phases, for a smoke run (does not write the file)

Processes: this load generator, the fake Bot API, one or two `camtay run` workers, one Rasa server,
PostgreSQL when it answers. They share the machine: the figures are for all of them on its cores.
"""
from __future__ import annotations

import argparse
import asyncio
import datetime
import logging
import os
import sys
import tempfile
from pathlib import Path

from sqlalchemy import create_engine

from bot.settings import ROOT
from content.loader import load_catalog
from devtools import figures
from devtools.citizens import fake_tally
from devtools.databases import postgres_database, postgres_problem, sqlite_database
from devtools.processes import SECRET, FakeProcess, Worker, cpu_seconds, rss_mib, tree_rss_mib
from devtools.progress import check_progress
from devtools.scenarios import Crowd, Figures, crowd_walk, saturate, sequential_latency
from nlu.server import RasaServer
from nlu.training import train

log = logging.getLogger("bench")
TARGETS = {"button_p95": 15.0, "text_p95": 60.0, "button_rate": 300.0, "bot_rss": 200.0, "load_p95": 2000.0,
           "button_cpu": 3.5, "floor_ratio": 1.5}


class Bench:
    def __init__(self, args, catalog, rasa: RasaServer, fake: FakeProcess, scratch: Path):
        self.args, self.catalog, self.rasa, self.fake, self.scratch = args, catalog, rasa, fake, scratch
        self.results: dict = {"bot_rss": [], "errors": []}
        self.next_id = 10_000_000

    def ids(self, count: int) -> int:
        first, self.next_id = self.next_id, self.next_id + count
        return first

    def workers(self, database_url: str, count: int, name: str) -> list[Worker]:
        workers = [Worker(database_url, self.fake.url, self.rasa.url, self.rasa.token, name=f"{name}-{i + 1}")
                   for i in range(count)]
        for worker in workers:
            worker.start()
        return workers

    def crowd(self, workers: list[Worker]) -> Crowd:
        return Crowd([w.url for w in workers], SECRET, self.fake.url, self.fake.stream_port, self.catalog)

    def note_rss(self, workers: list[Worker], phase: str) -> None:
        for worker in workers:
            current, peak = rss_mib(worker.pid)
            self.results["bot_rss"].append((phase, current, peak))

    def note_errors(self, phase: str, crowd: Crowd) -> None:
        if crowd.tally.errors:
            self.results["errors"].append(f"{phase}: {dict(crowd.tally.errors)}")

    async def latency(self) -> None:
        """Sequential presses and free text on one worker, SQLite (the embedded default)."""
        with sqlite_database(self.scratch, "latency") as url:
            [worker] = self.workers(url, 1, "latency")
            try:
                async with self.crowd([worker]) as crowd:
                    citizens = await crowd.citizens(self.ids(20), 20)
                    await sequential_latency(crowd, citizens, 50, 24)  # warm-up: caches, connections, Rasa
                    cpu = cpu_seconds(worker.pid)
                    figures = await sequential_latency(crowd, citizens, self.args.presses, 0)
                    self.results["button_cpu_ms"] = (cpu_seconds(worker.pid) - cpu) * 1000 / self.args.presses
                    figures["text"] = (await sequential_latency(crowd, citizens, 0, self.args.texts))["text"]
                    self.results["latency"] = figures
                    self.note_errors("latency", crowd)
                self.note_rss([worker], "latency")
                self.results["rasa_rss"] = tree_rss_mib(self.rasa.process.pid)
            finally:
                worker.stop()

    async def floor(self) -> None:
        """The framework's floor (devtools/floor_bot.py): the same Bot API calls per press and nothing else."""
        floor = Worker("", self.fake.url, None, None, name="floor",
                       command=[sys.executable, "-m", "devtools.floor_bot"])
        floor.start()
        try:
            async with self.crowd([floor]) as crowd:
                citizens = await crowd.citizens(self.ids(20), 20)
                await sequential_latency(crowd, citizens, 50, 0)  # warm-up
                cpu = cpu_seconds(floor.pid)
                figures = await sequential_latency(crowd, citizens, self.args.presses, 0)
                self.results["floor_cpu_ms"] = (cpu_seconds(floor.pid) - cpu) * 1000 / self.args.presses
                self.results["floor_latency"] = figures["button"]
                self.note_errors("floor", crowd)
        finally:
            floor.stop()

    async def saturation(self, label: str, database_url: str, workers_count: int) -> None:
        """A closed loop at rising concurrency; the best rate is the saturation throughput."""
        workers = self.workers(database_url, workers_count, label)
        best: tuple[int, Figures] | None = None
        try:
            async with self.crowd(workers) as crowd:
                for concurrency in self.args.concurrency:
                    citizens = await crowd.citizens(self.ids(concurrency), concurrency)
                    cpu, count = sum(cpu_seconds(w.pid) for w in workers), len(crowd.tally.samples)
                    figures = await saturate(crowd, citizens, self.args.seconds)
                    # CPU per update: a figure that other load on the machine distorts far less than rates.
                    cpu_ms = (sum(cpu_seconds(w.pid) for w in workers) - cpu) * 1000 \
                        / max(1, len(crowd.tally.samples) - count)
                    log.info("%s, %d citizens: %.0f updates/s, p95 %.1f ms, %.1f ms CPU per update", label,
                             concurrency, figures.rate, figures.p95 or -1, cpu_ms)
                    self.results.setdefault(f"crowd {label}", []).append((concurrency, figures.rate, cpu_ms))
                    if best is None or figures.rate > best[1].rate:
                        best = (concurrency, figures, cpu_ms)
                self.note_errors(label, crowd)
            self.note_rss(workers, label)
        finally:
            for worker in workers:
                worker.stop()
        self.results[f"saturation {label}"] = best

    async def load(self, label: str, database_url: str, workers_count: int) -> None:
        """The crowd: many citizens at once, each reading a step before pressing on; then the database check."""
        workers = self.workers(database_url, workers_count, label)
        try:
            async with self.crowd(workers) as crowd:
                citizens = await crowd.citizens(self.ids(self.args.citizens), self.args.citizens, onboard=False)
                took = await crowd_walk(crowd, citizens, self.args.load_seconds, self.args.think)
                tally = crowd.tally
                self.note_errors(label, crowd)
            self.note_rss(workers, label)
        finally:
            for worker in workers:
                worker.stop()
        engine = create_engine(database_url)
        try:
            check = check_progress(engine, tally.accepted, tally.next_presses, posted=tally.posted)
        finally:
            engine.dispose()
        statuses = [s.status for s in tally.samples]
        self.results["load"] = {
            "label": label, "seconds": took, "updates": len(statuses),
            "rate": len(statuses) / took, "server_errors": sum(1 for s in statuses if s >= 500),
            "no_reply": sum(1 for s in tally.samples if s.status == 200 and s.latency is None),
            "all": Figures.of([s.latency for s in tally.samples if s.latency is not None]),
            # Seen by the citizen: from the first delivery, with the waits of refused ones (Telegram's redelivery).
            "with_refusals": Figures.of([s.refused_for + s.latency for s in tally.samples if s.latency is not None]),
            "button": Figures.of(tally.latencies("button")), "check": check,
            "refusals": tally.refusals, "refused": tally.refused_updates,
            "refused_answered": tally.refused_then_accepted,
        }
        log.info("load: %s", check.summary())

    def cold_start(self) -> None:
        """`camtay run` starting its own Rasa (the model already trained): a fresh database, then a restart."""
        with sqlite_database(self.scratch, "cold") as url:
            starts = []
            for name in ("cold-first", "cold-later"):
                worker = Worker(url, self.fake.url, None, None, name=name)
                try:
                    starts.append(worker.start(wait_nlu=True, timeout=self.args.cold_timeout))
                finally:
                    worker.stop()
            self.results["cold"] = starts


def rows(results: dict) -> tuple[list, list[str]]:
    fmt, verdict = figures.fmt, figures.verdict
    table, notes = [], []
    latency = results.get("latency")
    if latency:
        for kind, target in (("button", TARGETS["button_p95"]), ("text", TARGETS["text_p95"])):
            f = latency[kind]
            name = "button press" if kind == "button" else "free text (real Rasa)"
            table.append((f"{name}: latency p50 / p95 / p99, one at a time ({f.count})",
                          f"{fmt(f.p50)} / **{fmt(f.p95)}** / {fmt(f.p99)} ms", f"p95 ≤ {target:.0f} ms",
                          verdict(f.p95, target)))
    if results.get("button_cpu_ms"):
        cpu_ms = results["button_cpu_ms"]
        table.append(("bot CPU per button press (user + system, one at a time)",
                      f"{fmt(cpu_ms)} ms: at most {1000 / cpu_ms:.0f} presses/s on one core",
                      f"≤ {TARGETS['button_cpu']} ms", verdict(cpu_ms, TARGETS["button_cpu"])))
    if results.get("floor_cpu_ms"):
        floor_ms = results["floor_cpu_ms"]
        table.append(("the framework's floor: a bare python-telegram-bot webhook bot making the same Bot API "
                      "calls per press (devtools/floor_bot.py), CPU per press, one at a time",
                      f"{fmt(floor_ms)} ms (latency p50 {fmt(results['floor_latency'].p50)} ms)", "", ""))
        if results.get("button_cpu_ms"):
            ratio = results["button_cpu_ms"] / floor_ms
            table.append(("camtay's CPU per press over the floor's", f"**{ratio:.2f} ×**",
                          f"≤ {TARGETS['floor_ratio']} ×", verdict(ratio, TARGETS["floor_ratio"])))
    for key, value in results.items():
        if key.startswith("saturation ") and value:
            concurrency, f, cpu_ms = value
            per_worker = TARGETS["button_rate"] * (2 if "2 workers" in key else 1)
            table.append((f"button throughput at saturation, {key[11:]} ({concurrency} citizens)",
                          f"**{fmt(f.rate, digits=0)} updates/s** (p95 {fmt(f.p95)} ms; bot CPU "
                          f"{fmt(cpu_ms)} ms per update)", f"≥ {per_worker:.0f}/s",
                          verdict(f.rate, per_worker, at_least=True)))
    for key, levels in results.items():
        if key.startswith("crowd ") and len(levels) > 1:
            # Congestion collapse or not: the largest crowd against the best rate and the smallest crowd's CPU.
            (few, _, few_cpu), (most, most_rate, most_cpu) = levels[0], levels[-1]
            best_rate = max(rate for _, rate, _ in levels)
            share, growth = most_rate / best_rate, most_cpu / few_cpu - 1
            table.append((f"{key[6:]}: {most} citizens against the best rate, and CPU per update against {few} "
                          f"citizens' ({', '.join(f'{n}: {rate:.0f}/s, {cpu:.1f} ms' for n, rate, cpu in levels)})",
                          f"**{share:.0%}** of the best rate, CPU {growth:+.0%}", "≥ 90 %, CPU within +15 %",
                          "yes" if share >= 0.9 and growth <= 0.15 else "**no**"))
    load = results.get("load")
    if load:
        check = load["check"]
        table.append((f"load: {load['label']}, {load['updates']} updates in {load['seconds']:.0f} s",
                      f"accepted updates p95 {fmt(load['all'].p95)} ms (buttons {fmt(load['button'].p95)} ms; "
                      f"from the first delivery, refusals included, {fmt(load['with_refusals'].p95)} ms), "
                      f"{load['rate']:.0f} updates/s, {load['server_errors']} × 5xx, {load['no_reply']} unanswered",
                      f"p95 ≤ {TARGETS['load_p95'] / 1000:.0f} s, no 5xx",
                      "yes" if (load["all"].p95 or 0) <= TARGETS["load_p95"]
                      and not load["server_errors"] + load["no_reply"] else "**no**"))
        table.append(("load: progress in the database", check.summary(), "nothing lost or doubled",
                      "yes" if check.ok else "**no**"))
        table.append(("load: updates refused (503, worker full) and delivered again",
                      f"{load['refused']} updates refused ({load['refusals']} refusals), "
                      f"{load['refused_answered']} of them accepted on a later delivery",
                      "every refused one answered", verdict(load["refused"] - load["refused_answered"], 0)))
        notes += [f"load check: {problem}" for problem in (check.lost + check.duplicated + check.inconsistent)[:10]]
    if results["bot_rss"]:
        peak = max(p for _, _, p in results["bot_rss"])
        phase = max(results["bot_rss"], key=lambda r: r[2])[0]
        current = max(c for _, c, _ in results["bot_rss"])
        table.append(("bot resident memory (largest worker)", f"{fmt(current, ' MiB', 0)} at the end, "
                      f"peak {fmt(peak, ' MiB', 0)} ({phase})", "≤ 200 MB", verdict(peak * 1.048576, 200)))
    if results.get("rasa_rss"):
        table.append(("Rasa resident memory", fmt(results["rasa_rss"], " MiB", 0), "", ""))
    for name, started in zip(("first (fresh database)", "later (restart)"), results.get("cold", [])):
        table.append((f"cold start of `camtay run`, {name}",
                      f"web + webhook {fmt(started.web_ready, ' s', 2)}, NLU ready "
                      f"{fmt(started.nlu_ready, ' s', 1) if started.nlu_ready else 'not within the timeout'}",
                      "", ""))
    table.append(("push send rate", "measured by the outbox's own benchmark, bench/push.py: see BENCHMARKS-push.md",
                  "", ""))
    notes += results["errors"]
    return table, notes


async def main_async(args) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    started_at = datetime.datetime.now(datetime.timezone.utc)
    machine_line = figures.machine()
    catalog = load_catalog()
    log.info("training the NLU model if needed")
    model, _ = await asyncio.to_thread(train, catalog, ROOT / "models", ROOT / ".venv-rasa", ROOT / "build")
    problem = postgres_problem()
    if problem:
        log.warning("PostgreSQL does not answer (%s): the PostgreSQL phases are skipped", problem)
    with tempfile.TemporaryDirectory(prefix="camtay-bench-") as scratch, \
            RasaServer(model, ROOT / ".venv-rasa", log_file=ROOT / "build" / "bench" / "rasa.log") as rasa, \
            FakeProcess() as fake:
        bench = Bench(args, catalog, rasa, fake, Path(scratch))
        phases = args.only or ["latency", "saturation", "load", "cold"]
        if "latency" in phases:
            log.info("latency, one update at a time")
            await bench.latency()
            log.info("the framework's floor, one press at a time")
            await bench.floor()
        if "saturation" in phases:
            with sqlite_database(Path(scratch), "saturation") as url:
                await bench.saturation("1 worker, SQLite", url, 1)
            if not problem:
                with postgres_database() as url:
                    await bench.saturation("1 worker, PostgreSQL", url, 1)
                with postgres_database() as url:
                    await bench.saturation("2 workers, PostgreSQL", url, 2)
        if "load" in phases:
            log.info("load: %d citizens for %.0f s", args.citizens, args.load_seconds)
            if problem:
                with sqlite_database(Path(scratch), "load") as url:
                    await bench.load("1 worker, SQLite", url, 1)
            else:
                with postgres_database() as url:
                    await bench.load("2 workers, PostgreSQL", url, 2)
        if "cold" in phases:
            log.info("cold start")
            await asyncio.to_thread(bench.cold_start)
        bench.results["fake"] = await fake_tally(fake.url)
    table, notes = rows(bench.results)
    fake_errors = {k: v for k, v in bench.results["fake"].items() if not k.endswith(" 200")}
    if fake_errors:
        notes.append(f"the fake Bot API answered errors: {fake_errors}")
    markdown = figures.table(table)
    print(f"\n{machine_line}\n\n{markdown}\n")
    for note in notes:
        print(f"- {note}")
    if args.write:
        figures.write(markdown, notes, started_at, machine_line, figures.machine())
        print(f"\nwritten to {figures.BENCHMARKS.relative_to(ROOT)}")
    load = bench.results.get("load")
    return 0 if load is None or (load["check"].ok and not load["server_errors"]) else 1


def parse_args(argv: list[str] | None = None):
    parser = argparse.ArgumentParser(description="camtay benchmarks (see docs/BENCHMARKS.md)")
    parser.add_argument("--quick", action="store_true", help="short phases; does not write docs/BENCHMARKS.md")
    parser.add_argument("--only", nargs="+", choices=["latency", "saturation", "load", "cold"])
    parser.add_argument("--citizens", type=int, default=1000)
    parser.add_argument("--load-seconds", type=float, default=60.0)
    parser.add_argument("--think", type=float, nargs=2, default=(1.0, 7.0), metavar=("MIN", "MAX"),
                        help="seconds a citizen reads a step before pressing on (uniform)")
    parser.add_argument("--seconds", type=float, default=8.0, help="each saturation measurement")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[8, 32, 128])
    parser.add_argument("--presses", type=int, default=400)
    parser.add_argument("--texts", type=int, default=120)
    parser.add_argument("--cold-timeout", type=float, default=300.0, help="seconds to wait for NLU at a cold start")
    parser.add_argument("--no-write", dest="write", action="store_false")
    args = parser.parse_args(argv)
    if args.quick:
        args.write = False
        args.citizens, args.load_seconds, args.seconds = min(args.citizens, 200), 10.0, 3.0
        args.concurrency, args.presses, args.texts = [16, 64], 100, 24
    return args


def main(argv: list[str] | None = None) -> int:
    os.chdir(ROOT)
    return asyncio.run(main_async(parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
