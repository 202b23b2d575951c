"""The benchmark's tables: side by side scores, latency, cost, and the fallback-threshold grid."""
from __future__ import annotations

import datetime
import math
import os
import platform
from dataclasses import dataclass
from pathlib import Path

from bench.figures import percentile
from nlu.evaluation import STYLES, Prediction, Question, Scores, score, with_fallback

TARGETS = {"accuracy": 0.95, "without diacritics": 0.93, "rejection": 0.90, "p95": 40.0}
GRID_THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7)
GRID_AMBIGUITY = (0.0, 0.05, 0.1, 0.15)


@dataclass
class Measured:
    label: str
    config: Path
    model: Path
    train_seconds: float | None
    scores: Scores
    predictions: list[Prediction]
    questions: list[Question]
    latency_off: list[float]
    latency_on: list[float]
    min_confidence: float
    topic_ids: list[str]
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


def _count(questions: list[Question], style: str) -> int:
    return sum(1 for q in questions if q.topic is not None and style in q.styles)


def render(measured: list[Measured], machine_line: str, errors: bool = False) -> str:
    questions = measured[0].questions
    in_catalog = sum(1 for q in questions if q.topic is not None)
    outside = len(questions) - in_catalog
    head = "| | target | " + " | ".join(f"({m.label}) `{m.config}`" for m in measured) + " |"
    rows = [head, "|---|---|" + "---|" * len(measured)]

    def row(name: str, target: str, cells) -> None:
        rows.append(f"| {name} | {target} | " + " | ".join(cells) + " |")

    row(f"topic accuracy, all ({in_catalog})", "≥ 95%", [_pct(m.scores.accuracy) for m in measured])
    for style in STYLES:
        target = "≥ 93%" if style == "without diacritics" else ""
        row(f"— {style} ({_count(questions, style)})", target, [_pct(m.scores.by_style[style]) for m in measured])
    row("macro F1 (18 topics + none)", "", [f"{m.scores.macro_f1:.3f}" for m in measured])
    row(f"out-of-catalog rejected ({outside})", "≥ 90%", [_pct(m.scores.rejection) for m in measured])
    row("out-of-catalog false starts", "", [_pct(m.scores.false_start) for m in measured])
    for name, attr in (("cache off", "latency_off"), ("cache on", "latency_on")):
        # Half the stream is short messages the cache answers; the mean shows it, p50 lands on a miss.
        row(f"parse p50 / p95 / mean, {name} (ms)", "p95 ≤ 40" if name == "cache off" else "",
            [f"{percentile(getattr(m, attr), 50):.1f} / {percentile(getattr(m, attr), 95):.1f} / "
             f"{sum(getattr(m, attr)) / max(1, len(getattr(m, attr))):.1f}" for m in measured])
    row("load average while timed (1 min, before → after)", "",
        [f"{m.load[0]:.2f} → {m.load[1]:.2f}" for m in measured])
    row("training time", "", ["n/a (cached)" if m.train_seconds is None else f"{m.train_seconds / 60:.1f} min"
                              for m in measured])
    row("model size", "", [f"{m.model.stat().st_size / 1e6:.1f} MB" for m in measured])
    parts = [f"Measured {machine_line}.", "", "\n".join(rows), "",
             f"Accuracy counts a question right when its own topic would start: intent = topic and "
             f"confidence ≥ {measured[0].min_confidence} (bot/dialogue/routing.py). Rejected: out_of_scope, "
             "nlu_fallback or confidence below that. Latency: sequential parses through NluClient of "
             f"{len(measured[0].latency_off)} messages (the evaluation questions, each followed by a "
             "frequent short message such as \"tiếp\", \"ok\", \"dạ\").", ""]
    for m in measured:
        parts += [_grid(m), ""]
        if errors:
            parts += [f"Errors of ({m.label}):", ""] + [f"- {text} — expected {exp}, started {got}"
                                                       for text, exp, got in m.scores.errors] + [""]
    return "\n".join(parts).rstrip()


def _grid(m: Measured) -> str:
    """Accuracy / accuracy without diacritics / rejection for other FallbackClassifier settings."""
    lines = [f"FallbackClassifier grid for ({m.label}), replayed from the classifier's ranking "
             "(all / without diacritics / rejected):", "",
             "| threshold \\ ambiguity | " + " | ".join(f"{a:g}" for a in GRID_AMBIGUITY) + " |",
             "|---|" + "---|" * len(GRID_AMBIGUITY)]
    for threshold in GRID_THRESHOLDS:
        cells = []
        for ambiguity in GRID_AMBIGUITY:
            replayed = [with_fallback(p, threshold, ambiguity) for p in m.predictions]
            s = score(m.questions, replayed, m.topic_ids, m.min_confidence)
            cells.append(f"{100 * s.accuracy:.1f} / {100 * s.by_style['without diacritics']:.1f} / "
                         f"{100 * s.rejection:.1f}")
        lines.append(f"| {threshold:g} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
