"""The benchmark's tables: both question sets side by side, latency, cost, and the dialogue-gate grid."""
from __future__ import annotations

import datetime
import math
import os
import platform
from dataclasses import dataclass, field
from pathlib import Path

from devtools.figures import percentile
from nlu.evaluation import STYLES, Prediction, Question, Scores, score
from nlu.meaning import Reader

TARGETS = {"accuracy": "≥ 95%", "with diacritics": "≥ 93%", "without diacritics": "≥ 93%",
           "rejection": "≥ 95%", "p95": "≤ 40"}
GRID_THRESHOLDS = (0.5, 0.6, 0.7, 0.8)
GRID_MARGINS = (0.0, 0.3, 0.5, 0.7)


@dataclass
class SetResult:
    questions: list[Question]
    predictions: list[Prediction]
    scores: Scores


@dataclass
class Measured:
    label: str
    config: Path
    model: Path
    train_seconds: float | None
    reader: Reader
    sets: dict[str, SetResult] = field(default_factory=dict)  # set name -> result
    latency_off: list[float] = field(default_factory=list)
    latency_on: list[float] = field(default_factory=list)
    load: tuple[float, float] = (float("nan"), float("nan"))  # 1-minute load average around the timing


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in _lines("/proc/cpuinfo")
                if line.startswith("model name")), platform.processor() or "unknown CPU")
    mem_kb = next((int(line.split()[1]) for line in _lines("/proc/meminfo") if line.startswith("MemTotal")), 0)
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return (f"{datetime.datetime.now():%Y-%m-%d %H:%M}, {os.cpu_count()} cores ({cpu}), "
            f"{mem_kb / 1024 / 1024:.0f} GiB RAM, {platform.system()} {platform.release()}, "
            f"load average {load} at the end of the run")


def _lines(path: str) -> list[str]:
    try:
        return Path(path).read_text().splitlines()
    except OSError:
        return []


def _pct(x: float) -> str:
    return "n/a" if math.isnan(x) else f"{100 * x:.1f}%"


def _set_table(name: str, measured: list[Measured]) -> list[str]:
    questions = measured[0].sets[name].questions
    in_catalog = [q for q in questions if q.topic is not None]
    outside = [q for q in questions if q.topic is None]
    rows = ["| | target | " + " | ".join(f"({m.label}) `{m.config}`" for m in measured) + " |",
            "|---|---|" + "---|" * len(measured)]

    def row(title: str, target: str, cells) -> None:
        rows.append(f"| {title} | {target} | " + " | ".join(cells) + " |")

    scores = [m.sets[name].scores for m in measured]
    row(f"topic accuracy, all ({len(in_catalog)})", TARGETS["accuracy"], [_pct(s.accuracy) for s in scores])
    for style in STYLES:
        count = sum(1 for q in in_catalog if style in q.styles)
        row(f"— {style} ({count})", TARGETS.get(style, ""), [_pct(s.by_style[style]) for s in scores])
    for voice in scores[0].by_voice:
        count = sum(1 for q in in_catalog if q.voice == voice)
        row(f"— voice: {voice} ({count})", "", [_pct(s.by_voice.get(voice, float("nan"))) for s in scores])
    row("asked back, own topic among the two", "", [_pct(s.asked_back) for s in scores])
    row("another topic started", "", [_pct(s.wrong_start) for s in scores])
    row("macro F1 (topics + none)", "", [f"{s.macro_f1:.3f}" for s in scores])
    row(f"out-of-catalog rejected or \"not covered yet\" ({len(outside)})", TARGETS["rejection"],
        [_pct(s.rejection) for s in scores])
    near = sum(1 for q in outside if q.near_miss)
    if near:
        row(f"— near misses ({near})", "", [_pct(s.near_miss_rejection) for s in scores])
    row("out-of-catalog false starts (a tutorial or FAQ)", "", [_pct(s.false_start) for s in scores])
    return rows


def render(measured: list[Measured], machine_line: str, set_titles: dict[str, str], errors: bool = False,
           error_sets: list[str] = ()) -> str:
    parts = [f"Measured {machine_line}.", ""]
    for name, title in set_titles.items():
        parts += [f"**{title}**", ""] + _set_table(name, measured) + [""]
    rows = ["| | target | " + " | ".join(f"({m.label})" for m in measured) + " |",
            "|---|---|" + "---|" * len(measured)]
    for title, attr in (("cache off", "latency_off"), ("cache on", "latency_on")):
        if not all(getattr(m, attr) for m in measured):
            continue  # --no-latency
        # Half the stream is short messages the cache answers; the mean shows it, p50 lands on a miss.
        cells = [f"{percentile(getattr(m, attr), 50):.1f} / {percentile(getattr(m, attr), 95):.1f} / "
                 f"{sum(getattr(m, attr)) / max(1, len(getattr(m, attr))):.1f}" for m in measured]
        rows.append(f"| parse p50 / p95 / mean, {title} (ms) | {TARGETS['p95'] if title == 'cache off' else ''} | "
                    + " | ".join(cells) + " |")
    rows.append("| load average while timed (1 min, before → after) | | "
                + " | ".join(f"{m.load[0]:.2f} → {m.load[1]:.2f}" for m in measured) + " |")
    rows.append("| training time | ≤ 3 min | " + " | ".join(
        "n/a (cached)" if m.train_seconds is None else f"{m.train_seconds / 60:.1f} min" for m in measured) + " |")
    rows.append("| model size | | " + " | ".join(f"{m.model.stat().st_size / 1e6:.1f} MB" for m in measured) + " |")
    reader = measured[0].reader
    parts += ["**Cost**", ""] + rows + ["",
              f"Accuracy counts a question right when its own topic starts at once (nlu/meaning.py: intent = "
              f"topic, confidence ≥ {reader.threshold}, and no close second topic within {reader.ask_margin}). "
              "Rejected: out of scope, not understood, or a procedure answered as not covered yet. Latency: "
              f"sequential parses through NluClient of {len(measured[0].latency_off)} messages (the tuning "
              "set's questions, each followed by a frequent short message such as \"tiếp\", \"ok\", \"dạ\").", ""]
    for m in measured:
        parts += [_grid(m), ""]
        if errors:
            for name in (n for n in error_sets if n in m.sets):
                parts += [f"Errors of ({m.label}) on {name}:", ""] + [
                    f"- {text} — expected {exp}, {did}" for text, exp, did in m.sets[name].scores.errors] + [""]
    return "\n".join(parts).rstrip()


def _grid(m: Measured, name: str = "tuning") -> str:
    """On the tuning set only: accuracy / asked back / rejection for other gates and ask-back margins."""
    result = m.sets[name]
    lines = [f"Dialogue gate grid for ({m.label}) on the tuning set, replayed from the classifier's ranking "
             "(started right / asked back, own topic among the two / another topic started / rejected):", "",
             "| confidence \\ ask margin | " + " | ".join(f"{a:g}" for a in GRID_MARGINS) + " |",
             "|---|" + "---|" * len(GRID_MARGINS)]
    for threshold in GRID_THRESHOLDS:
        cells = []
        for margin in GRID_MARGINS:
            reader = Reader(m.reader.topic_ids, m.reader.procedure_ids, m.reader.confusable, threshold, margin)
            s = score(result.questions, result.predictions, reader)
            cells.append(f"{100 * s.accuracy:.1f} / {100 * s.asked_back:.1f} / {100 * s.wrong_start:.1f} / "
                         f"{100 * s.rejection:.1f}")
        lines.append(f"| {threshold:g} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
