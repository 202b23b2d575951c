"""Questions the assistant learns from its users: nlu/data/learned.yml, read by the next `camtay train`.

The file is Rasa NLU YAML with one intent per topic (`topic_<id>`, as in nlu/intents.py). Writes are
atomic (a temporary file renamed over the old one, under a lock) and idempotent (a question already
there under the same topic changes nothing; under another topic it moves: the newest decision wins).
"""
from __future__ import annotations

import fcntl
import os
import tempfile
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import yaml

from bot.admin.messages import message
from bot.admin.normalize import normalize
from bot.redact import MASKS, redact
from nlu.intents import TOPIC_PREFIX, topic_intent

HEADER = ("# Learned from the admin web's \"not understood\" page (bot/admin/learned.py).\n"
          "# Each question was confirmed by an admin as an example of a topic; `camtay train` reads this file.\n")
MAX_EXAMPLE_LENGTH = 300
_process_lock = threading.Lock()


class ExampleRefused(ValueError):
    """The question cannot become a training example; the message says why (in Vietnamese, for the admin)."""


@dataclass(frozen=True)
class AddResult:
    status: str  # "added", "unchanged" or "moved"
    intent: str
    text: str
    previous_intent: str | None = None


def clean_example(text: str) -> str:
    """One line of plain text, or ExampleRefused."""
    cleaned = " ".join((text or "").split())
    if not cleaned:
        raise ExampleRefused(message("learned.empty"))
    if len(cleaned) > MAX_EXAMPLE_LENGTH:
        raise ExampleRefused(message("learned.too_long", max_length=MAX_EXAMPLE_LENGTH))
    # Rasa reads [text](entity) and [text]{...} as entity annotations.
    if "](" in cleaned or "]{" in cleaned or "][" in cleaned:
        raise ExampleRefused(message("learned.entity_marks"))
    # Training data is kept in the repository: no personal number may reach it, nor the masks that
    # stand for one in the log (they would teach the model nothing but noise).
    if redact(cleaned) != cleaned or any(mask in cleaned for mask in MASKS):
        raise ExampleRefused(message("learned.personal_numbers"))
    return cleaned


def read_learned(path: Path) -> dict[str, list[str]]:
    """{intent: [examples]} from the file, in file order; empty when there is no file."""
    if not path.exists():
        return {}
    learned: dict[str, list[str]] = {}
    for intent, example in _nlu_examples(yaml.safe_load(path.read_text(encoding="utf-8"))):
        learned.setdefault(intent, []).append(example)
    return learned


def _nlu_examples(data) -> Iterator[tuple[str, str]]:
    """(intent, example) for each example line of Rasa NLU YAML, in file order."""
    for block in (data or {}).get("nlu") or []:
        if isinstance(block, dict) and "intent" in block:
            for line in (block.get("examples") or "").splitlines():
                example = line.strip()[2:].strip() if line.strip().startswith("- ") else ""
                if example:
                    yield str(block["intent"]), example


def learned_topics(path: Path) -> dict[str, str]:
    """{normalized question: topic id} for everything already learned."""
    topics = {}
    for intent, examples in read_learned(path).items():
        if intent.startswith(TOPIC_PREFIX):
            for example in examples:
                topics[normalize(example)] = intent
    return topics


def render(learned: dict[str, list[str]]) -> str:
    """Rasa NLU YAML, intents sorted so the file diffs well."""
    blocks = []
    for intent in sorted(learned):
        if learned[intent]:
            examples = "".join(f"    - {e}\n" for e in learned[intent])
            blocks.append(f"- intent: {intent}\n  examples: |\n{examples}")
    return HEADER + 'version: "3.1"\nnlu:\n' + "".join(blocks) if blocks else HEADER + 'version: "3.1"\nnlu: []\n'


@contextmanager
def _locked(directory: Path):
    """One writer at a time: threads of this process, and other processes (several workers)."""
    with _process_lock:
        fd = os.open(directory, os.O_RDONLY)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)


def _write_atomically(path: Path, text: str) -> None:
    handle = tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, prefix=f".{path.name}.",
                                         suffix=".tmp", delete=False)
    try:
        with handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(handle.name, 0o644)
        os.replace(handle.name, path)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def add_example(path: Path, topic_id: str, text: str, known: dict[str, str] | None = None) -> AddResult:
    """Record `text` as an example question of `topic_id`.

    `known` maps normalized questions of the hand-written data and the topics' own examples to their
    intent: a question that already means something else there is refused rather than contradicted.
    """
    example = clean_example(text)
    intent = topic_intent(topic_id)
    key = normalize(example)
    if not key:
        raise ExampleRefused(message("learned.no_letters"))
    elsewhere = (known or {}).get(key)
    if elsewhere is not None and elsewhere != intent:
        raise ExampleRefused(message("learned.already_example", intent=elsewhere))
    path.parent.mkdir(parents=True, exist_ok=True)
    with _locked(path.parent):
        learned = read_learned(path)
        previous = None
        for other, examples in learned.items():
            if any(normalize(e) == key for e in examples):
                if other == intent:
                    return AddResult("unchanged", intent, example)
                previous = other
                learned[other] = [e for e in examples if normalize(e) != key]
        if elsewhere == intent and previous is None:
            # Already one of the topic's own examples: training has it.
            return AddResult("unchanged", intent, example)
        learned.setdefault(intent, []).append(example)
        _write_atomically(path, render(learned))
    return AddResult("moved" if previous else "added", intent, example, previous)


def known_examples(catalog, nlu_data_dir: Path, exclude: Path | None = None) -> dict[str, str]:
    """{normalized example: intent} from the topics and the hand-written NLU files (not learned.yml)."""
    known: dict[str, str] = {}
    for topic in catalog:
        for example in topic.examples:
            known.setdefault(normalize(example), topic_intent(topic.id))
    for path in sorted(nlu_data_dir.glob("*.yml")):
        if exclude is not None and path.resolve() == exclude.resolve():
            continue
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError):
            continue
        for intent, example in _nlu_examples(data):
            known.setdefault(normalize(example), intent)
    return known
