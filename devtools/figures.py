"""The machine a run was on, the table of figures, and its place in docs/BENCHMARKS.md."""
from __future__ import annotations

import datetime
import os
import platform
import re
from pathlib import Path

from bot.settings import ROOT

BENCHMARKS = ROOT / "docs" / "BENCHMARKS.md"
BEGIN, END = "<!-- bench:begin (written by `make bench`) -->", "<!-- bench:end -->"


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "unknown CPU")
    mem_kib = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal"))
    load = os.getloadavg()
    return (f"{os.cpu_count()} CPUs ({cpu}), {mem_kib / 1024 / 1024:.1f} GiB RAM, "
            f"Linux {platform.release()}, Python {platform.python_version()}; "
            f"load average {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} (1/5/15 min)")


def percentile(values: list[float], q: float) -> float | None:
    """The q-th percentile (0-100) by the nearest-rank method; None without values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * q // 100))
    return ordered[int(rank) - 1]


def fmt(value, unit: str = "", digits: int = 1) -> str:
    if value is None:
        return "–"
    return f"{value:.{digits}f}{unit}"


def table(rows: list[tuple[str, str, str, str]]) -> str:
    """Markdown: measurement | figure | target | met."""
    lines = ["| measurement | figure | target | met |", "|---|---|---|---|"]
    lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    return "\n".join(lines)


def verdict(value, limit, at_least: bool = False) -> str:
    if value is None or limit is None:
        return ""
    return "yes" if (value >= limit if at_least else value <= limit) else "**no**"


def write(markdown_table: str, notes: list[str], started: datetime.datetime, machine_before: str,
          machine_after: str, path: Path = BENCHMARKS) -> None:
    """Replace the generated block of docs/BENCHMARKS.md, keeping the hand-written analysis around it."""
    block = "\n".join([BEGIN, f"Run of {started:%Y-%m-%d %H:%M} UTC.", "",
                       f"Machine before the run: {machine_before}.  ", f"After: {machine_after}.", "",
                       markdown_table, "", *[f"- {n}" for n in notes], END])
    text = path.read_text(encoding="utf-8") if path.exists() else f"# Benchmarks\n\n{BEGIN}\n{END}\n"
    if BEGIN not in text:
        text = text.rstrip() + f"\n\n{BEGIN}\n{END}\n"
    text = re.sub(re.escape(BEGIN) + ".*?" + re.escape(END), lambda _: block, text, flags=re.S)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
