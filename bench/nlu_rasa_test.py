"""`rasa test nlu` on the pipelines: cross-validation and comparison on the training data, and
Rasa's own evaluator on the evaluation set (nlu/eval/, which is only ever tested on).

    .venv/bin/python -m bench.nlu_rasa_test                       # (a) and (b), 5 folds, 1 comparison run
    .venv/bin/python -m bench.nlu_rasa_test --folds 3 --skip-compare

Prints a markdown table; the raw reports stay under build/nlu-rasa-test/.
"""
from __future__ import annotations

import argparse
import json
import math
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if __name__ == "__main__" and sys.path[0] == str(ROOT / "bench"):
    sys.path[0] = str(ROOT)  # run as a script: import the project, not this file as "nlu"

import yaml  # noqa: E402

from bench.nlu import CONFIGS, RASA_VENV, train_timed  # noqa: E402
from content.loader import load_catalog  # noqa: E402
from nlu import intents  # noqa: E402
from nlu.evaluation import load_questions  # noqa: E402
from nlu.training import prepare, rasa_env, rasa_executable  # noqa: E402

OUT = ROOT / "build" / "nlu-rasa-test"
# "test Accuracy: 0.955 (0.010)": cross-validation's mean (std) over the folds.
CV_LINE = re.compile(r"\b(train|test) (Accuracy|F1-score|Precision): ([0-9.]+) \(([0-9.]+)\)")
REUSE = False  # --reuse: read the reports of an earlier run instead of running again


def eval_set_as_rasa_data(path: Path) -> Path:
    """The evaluation set in Rasa's NLU format: topics as their intents, the rest as out_of_scope."""
    by_intent: dict[str, list[str]] = {}
    for q in load_questions():
        intent = intents.topic_intent(q.topic) if q.topic else intents.OUT_OF_SCOPE
        by_intent.setdefault(intent, []).append(" ".join(q.text.split()))
    data = {"version": "3.1", "nlu": [{"intent": i, "examples": "".join(f"- {t}\n" for t in texts)}
                                      for i, texts in by_intent.items()]}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8")
    return path


def rasa_test(*args: str, log: Path) -> float:
    """Run `rasa test nlu` with args, its output into log; the seconds it took."""
    if REUSE and log.exists():
        return float("nan")
    started = time.perf_counter()
    command = [str(rasa_executable(RASA_VENV)), "test", "nlu", "--no-plot", *args]
    with log.open("w") as out:
        result = subprocess.run(command, cwd=ROOT, env=rasa_env(), stdout=out, stderr=subprocess.STDOUT)
    if result.returncode != 0:
        raise SystemExit(f"rasa test nlu failed (exit {result.returncode}), see {log}")
    return time.perf_counter() - started


def report(directory: Path) -> dict:
    return json.loads((directory / "intent_report.json").read_text())


def on_eval_set(label: str, config: Path, eval_data: Path) -> str:
    model, _ = train_timed(label, config, retrain=False)
    out = OUT / f"eval-{label}"
    rasa_test("--model", str(model), "--nlu", str(eval_data), "--out", str(out), log=OUT / f"eval-{label}.log")
    r = report(out)
    oos = r.get(intents.OUT_OF_SCOPE, {})
    return (f"accuracy {r['accuracy']:.3f}, macro F1 {r['macro avg']['f1-score']:.3f}, "
            f"weighted F1 {r['weighted avg']['f1-score']:.3f}, out_of_scope recall {oos.get('recall', 0):.3f}")


def cross_validation(label: str, config: Path, data: Path, folds: int) -> str:
    out, log = OUT / f"cv-{label}", OUT / f"cv-{label}.log"
    seconds = rasa_test("--cross-validation", "--folds", str(folds), "--config", str(config),
                        "--nlu", str(data), "--out", str(out), log=log)
    found = {(m[1], m[2]): (float(m[3]), float(m[4])) for m in CV_LINE.finditer(log.read_text())}
    test_acc, test_f1 = found.get(("test", "Accuracy")), found.get(("test", "F1-score"))
    if not test_acc or not test_f1:
        raise SystemExit(f"no cross-validation results in {log}")
    macro = report(out)["macro avg"]["f1-score"] if (out / "intent_report.json").exists() else float("nan")
    return (f"test accuracy {test_acc[0]:.3f} (± {test_acc[1]:.3f}), weighted F1 {test_f1[0]:.3f} "
            f"(± {test_f1[1]:.3f}), macro F1 {macro:.3f}" + ("" if math.isnan(seconds) else f"; {seconds / 60:.1f} min"))


def comparison(configs: dict[str, Path], data: Path, runs: int, percentages: list[int]) -> list[str]:
    """`rasa test nlu --config a b`: each config trained on (100 - p)% of an 80% split, tested on the 20%."""
    out = OUT / "compare"
    seconds = rasa_test("--config", *map(str, configs.values()), "--nlu", str(data), "--out", str(out),
                        "--runs", str(runs), "--percentages", *map(str, percentages), log=OUT / "compare.log")
    results = json.loads((out / "results.json").read_text())
    lines = []
    for label, config in configs.items():
        per_run = results[config.stem]  # runs × percentages of weighted F1
        means = [sum(run[i] for run in per_run) / len(per_run) for i in range(len(percentages))]
        cells = ", ".join(f"{100 - p}% of the data: {m:.3f}" for p, m in zip(percentages, means))
        lines.append(f"({label}) weighted F1 on the held-out 20%, {cells}")
    lines.append(f"{runs} run(s)" + ("" if math.isnan(seconds) else f", {seconds / 60:.1f} min"))
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--percentages", type=int, nargs="+", default=[0, 50])
    parser.add_argument("--skip-cv", action="store_true")
    parser.add_argument("--skip-compare", action="store_true")
    parser.add_argument("--reuse", action="store_true", help="reuse the reports of an earlier run")
    args = parser.parse_args(argv)
    global REUSE
    REUSE = args.reuse
    OUT.mkdir(parents=True, exist_ok=True)
    configs = {label: path.resolve() for label, path in CONFIGS.items()}
    data = prepare(load_catalog(), OUT / "train", configs["b"]).data_dir
    eval_data = eval_set_as_rasa_data(OUT / "eval" / "questions.yml")
    rows = []
    for label, config in configs.items():
        rows.append((f"({label}) evaluation set, `rasa test nlu --model`", on_eval_set(label, config, eval_data)))
        print(*rows[-1], sep=": ", flush=True)
        if not args.skip_cv:
            rows.append((f"({label}) {args.folds}-fold cross-validation", cross_validation(
                label, config, data, args.folds)))
            print(*rows[-1], sep=": ", flush=True)
    if not args.skip_compare:
        for line in comparison(configs, data, args.runs, args.percentages):
            rows.append(("comparison mode", line))
            print(*rows[-1], sep=": ", flush=True)
    print("\n| `rasa test nlu` | result |\n|---|---|")
    print("\n".join(f"| {name} | {text} |" for name, text in rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
