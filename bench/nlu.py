"""Benchmark NLU pipelines side by side on the tuning set (nlu/eval/) and, when a change is finished, the held-out set.

    .venv/bin/python bench/nlu.py                      # (a) Rasa's recommended, (b) sparse, (c) segmented, (d) config.yml
    .venv/bin/python bench/nlu.py --held-out --retrain --write docs/NLU.md    # both sets; --retrain d: only (d)

The held-out sets (nlu/heldout/, nlu/heldout2/, nlu/heldout3/) were written blind; score them only when a change is finished,
never tune to their misses (docs/NLU.md). The development sets (nlu/dev/, nlu/dev5/) are training data since round 7.

Trains each config once (models are cached by fingerprint in models/, with their training time
beside them), serves each model with a real Rasa server and parses through nlu.client.NluClient.
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if __name__ == "__main__" and sys.path[0] == str(ROOT / "bench"):
    sys.path[0] = str(ROOT)  # run as a script: import the project, not this file as "nlu"

import argparse  # noqa: E402
import asyncio  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import time  # noqa: E402

from bench.nlu_report import Measured, SetResult, machine, render  # noqa: E402
from bot.settings import Settings  # noqa: E402
from content.loader import load_catalog  # noqa: E402
from nlu.client import NluClient  # noqa: E402
from nlu.evaluation import (  # noqa: E402
    EVAL_SET,
    HELD_OUT_2_SET,
    HELD_OUT_3_SET,
    HELD_OUT_4_SET,
    HELD_OUT_SET,
    Prediction,
    load_questions,
    score,
)
from nlu.meaning import catalog_reader  # noqa: E402
from nlu.server import RasaServer  # noqa: E402
from nlu.training import prepare, rasa_env, train  # noqa: E402

CONFIGS = {"a": ROOT / "bench" / "configs" / "a_recommended.yml", "b": ROOT / "bench" / "configs" / "b_sparse.yml",
           "c": ROOT / "bench" / "configs" / "c_segmented.yml", "d": ROOT / "config.yml"}
SETS = {"tuning": (EVAL_SET, "Tuning set (nlu/eval/, looked at while tuning)"),
        "held-out": (HELD_OUT_SET, "Held-out set (nlu/heldout/, written blind, never tuned to)"),
        "held-out 2": (HELD_OUT_2_SET, "Second held-out set (nlu/heldout2/, written blind in round 7, never tuned to)"),
        "held-out 3": (HELD_OUT_3_SET, "Third held-out set (nlu/heldout3/, written blind in round 8, never tuned to)"),
        "held-out 4": (HELD_OUT_4_SET, "Fourth held-out set (nlu/heldout4/, written blind in round 9, never tuned to)")}
RASA_VENV = ROOT / ".venv-rasa"
MODELS = ROOT / "models"
# Frequent short messages in a tutorial (next, done, ok, yes, thanks...), mixed into the latency stream.
SHORT = ["tiếp", "xong", "ok", "dạ", "tiep", "xong rồi", "ừ", "cảm ơn", "tiếp đi", "dạ vâng", "rồi", "ok"]


def train_timed(label: str, config: Path, retrain: bool) -> tuple[Path, float | None]:
    """The model for config, trained now if missing (or asked to), and its training time if known."""
    catalog = load_catalog()
    build = ROOT / "build" / "bench" / label
    model = MODELS / f"{prepare(catalog, build, config).model_name}.tar.gz"
    sidecar = model.with_suffix("").with_suffix(".train.json")
    if retrain:
        model.unlink(missing_ok=True)
        # Rasa's cache would serve the components it has seen: a cold training time needs it empty.
        shutil.rmtree(rasa_env()["RASA_CACHE_DIRECTORY"], ignore_errors=True)
    started = time.perf_counter()
    model, trained = train(catalog, MODELS, RASA_VENV, build, config=config)
    if trained:
        sidecar.write_text(json.dumps({"seconds": time.perf_counter() - started}))
    seconds = json.loads(sidecar.read_text())["seconds"] if sidecar.exists() else None
    return model, seconds


async def timed_parses(client: NluClient, texts: list[str]) -> tuple[list, list[float]]:
    answers, latencies = [], []
    for text in texts:
        started = time.perf_counter()
        answers.append(await client.parse(text))
        latencies.append((time.perf_counter() - started) * 1000)
    return answers, latencies


def chat_stream(questions: list[str]) -> list[str]:
    """Questions interleaved with frequent short messages, as a tutorial conversation goes."""
    stream = []
    for i, question in enumerate(questions):
        stream += [question, SHORT[i % len(SHORT)]]
    return stream


async def measure(label: str, config: Path, retrain: bool, sets: list[str], latency: bool = True) -> Measured:
    model, seconds = train_timed(label, config, retrain)
    return await measure_model(model, label, config.relative_to(ROOT), seconds, sets, latency)


async def measure_model(model: Path, label: str = "b", config: Path = Path("config.yml"),
                        train_seconds: float | None = None, sets: list[str] = ("tuning",),
                        latency: bool = True) -> Measured:
    """Serve the model, parse each question set through the client, time a chat stream."""
    settings = Settings()
    reader = catalog_reader(load_catalog(), settings.nlu_confidence, settings.nlu_ask_margin)
    measured = Measured(label=label, config=config, model=model, train_seconds=train_seconds, reader=reader)
    log = ROOT / "build" / f"bench-rasa-{label}.log"
    async with RasaServer(model, RASA_VENV, log_file=log) as server:
        off = NluClient(server.url, server.token, timeout=30, cache_size=0)
        on = NluClient(server.url, server.token, timeout=30)
        try:
            await timed_parses(off, SHORT * 3)  # warm up the model before timing
            for name in sets:
                questions = load_questions(SETS[name][0])
                answers, _ = await timed_parses(off, [q.text for q in questions])
                predictions = [Prediction.of(a) for a in answers]
                measured.sets[name] = SetResult(questions, predictions, score(questions, predictions, reader))
            if not latency:
                return measured
            tuning = measured.sets["tuning"].questions if "tuning" in measured.sets else load_questions(EVAL_SET)
            stream = chat_stream([q.text for q in tuning])
            load_before = os.getloadavg()[0]  # other work on the machine inflates latency
            _, measured.latency_off = await timed_parses(off, stream)
            _, measured.latency_on = await timed_parses(on, stream)
            measured.load = (load_before, os.getloadavg()[0])
        finally:
            await off.aclose()
            await on.aclose()
    return measured


def write_section(path: Path, text: str) -> None:
    """Replace the text between the bench markers in path (or append it)."""
    start, end = "<!-- bench:start -->", "<!-- bench:end -->"
    doc = path.read_text(encoding="utf-8") if path.exists() else ""
    block = f"{start}\n{text}\n{end}"
    if start in doc and end in doc:
        doc = doc[:doc.index(start)] + block + doc[doc.index(end) + len(end):]
    else:
        doc = doc + ("\n" if doc else "") + block + "\n"
    path.write_text(doc, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", action="append", metavar="LABEL=PATH",
                        help="pipelines to compare (default: a, b, c from bench/configs/ and d=config.yml)")
    parser.add_argument("--retrain", nargs="*", metavar="LABEL",
                        help="train again, with Rasa's cache emptied, to measure a cold training time (the given "
                             "pipelines, else all)")
    parser.add_argument("--held-out", action="store_true",
                        help="also score the held-out sets (only when a change is finished)")
    parser.add_argument("--errors", action="store_true",
                        help="list the questions each pipeline gets wrong (the tuning and development sets only)")
    parser.add_argument("--no-latency", action="store_true",
                        help="score the sets only, without timing the chat stream (a loaded machine's figures)")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=PATH",
                        help="also score this development set (a question file shaped like nlu/eval/'s; its "
                             "errors may be listed): a training writer's new examples, before they are added")
    parser.add_argument("--write", type=Path, help="also write the tables into this markdown file")
    args = parser.parse_args(argv)
    configs = dict(c.split("=", 1) for c in args.config) if args.config else CONFIGS
    retrain = set(configs) if args.retrain == [] else set(args.retrain or ())
    sets = ["tuning"] + ([name for name in SETS if name != "tuning"] if args.held_out else [])
    development = dict(entry.split("=", 1) for entry in args.set)
    for name, path in development.items():
        SETS[name] = (Path(path).resolve(), f"Development set {name} ({path}, studied)")
        sets.append(name)
    measured = [asyncio.run(measure(label, (ROOT / path).resolve(), label in retrain, sets,
                                       not args.no_latency))
                for label, path in configs.items()]
    where = machine()
    titles = {name: SETS[name][1] for name in sets}
    # The held-out set's misses stay sealed: listing them would invite tuning to them.
    print(render(measured, where, titles, errors=args.errors, error_sets=["tuning", *development]))
    if args.write:
        write_section(args.write, render(measured, where, titles))
    return 0


if __name__ == "__main__":
    sys.exit(main())
