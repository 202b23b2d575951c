"""Learning curve: the chosen pipeline trained on a share of each topic's examples, scored on the
evaluation set. It shows whether more example questions per topic would still pay off.

    .venv/bin/python -m bench.nlu_curve            # shares 0.5, 0.75 and 1
"""
from __future__ import annotations

import argparse
import asyncio
import random
import subprocess
import tempfile
from pathlib import Path

import yaml

from bench.nlu import RASA_VENV, measure_model
from bot.settings import ROOT
from content.loader import load_catalog
from nlu.training import CONFIG, prepare, rasa_env, rasa_executable


def subsample(topics_yml: Path, share: float, seed: int) -> None:
    """Keep `share` of each topic intent's examples (at least one), in place."""
    data = yaml.safe_load(topics_yml.read_text(encoding="utf-8"))
    rng = random.Random(seed)
    for block in data["nlu"]:
        lines = [line for line in block["examples"].splitlines() if line.strip()]
        kept = rng.sample(lines, max(1, round(share * len(lines))))
        block["examples"] = "\n".join(kept) + "\n"
    topics_yml.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def train_share(share: float, seed: int, scratch: Path) -> Path:
    training = prepare(load_catalog(), scratch / f"data-{share}", CONFIG)
    subsample(training.data_dir / "topics.yml", share, seed)
    name = f"curve-{round(share * 100)}-{seed}"  # no dot: Rasa would read it as an extension
    subprocess.run([str(rasa_executable(RASA_VENV)), "train", "nlu", "--config", str(CONFIG), "--nlu",
                    str(training.data_dir), "--out", str(scratch), "--fixed-model-name", name],
                   cwd=ROOT, env=rasa_env(), check=True, capture_output=True)
    model = scratch / f"{name}.tar.gz"
    if not model.exists():
        raise FileNotFoundError(model)
    return model


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shares", type=float, nargs="+", default=[0.5, 0.75, 1.0])
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    print("| share of topic examples | topic accuracy | without diacritics | out-of-catalog rejected |")
    print("|---|---|---|---|")
    with tempfile.TemporaryDirectory(dir=ROOT / "build") as scratch:
        for share in args.shares:
            model = train_share(share, args.seed, Path(scratch))
            scores = asyncio.run(measure_model(model)).sets["tuning"].scores
            print(f"| {share:.0%} | {scores.accuracy:.1%} | {scores.by_style['without diacritics']:.1%} "
                  f"| {scores.rejection:.1%} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
