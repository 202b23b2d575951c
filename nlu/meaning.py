"""What one NLU answer means for the dialogue: a topic to start, a procedure not covered yet, a choice
between two topics citizens mix up, a conversation intent, or nothing understood.

One reading for the chat (bot/dialogue/routing.py), `camtay ask` and the NLU evaluation, so the
figures measure what citizens get.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Iterable, Literal

from nlu import intents

Kind = Literal["topic", "procedure", "choose", "intent", "unclear"]


@dataclass(frozen=True)
class Meaning:
    kind: Kind
    intent: str | None = None
    topic_id: str | None = None  # kind "topic"
    procedure_id: str | None = None  # kind "procedure"
    choices: tuple[str, ...] = ()  # kind "choose": two topics, the likelier first
    likely: tuple[str, ...] = ()  # the topics in the ranking, likeliest first (for a clarifying menu)

    @property
    def starts(self) -> str | None:
        """The tutorial or FAQ that starts at once, if any."""
        return self.topic_id if self.kind == "topic" else None

    @property
    def rejects(self) -> bool:
        """Nothing of the catalog is offered: out of scope, not understood, or a procedure not covered yet."""
        return self.kind in ("unclear", "procedure") or self.intent in intents.REJECTING


@dataclass(frozen=True)
class Reader:
    """Reads NLU answers against the catalog's topics and procedures."""

    topic_ids: tuple[str, ...]
    procedure_ids: tuple[str, ...] = ()
    confusable: frozenset[frozenset[str]] = frozenset()  # pairs of topic ids
    threshold: float = 0.6  # a topic or procedure is taken at this confidence or more
    ask_margin: float = 0.0  # ask which of two confusable topics when they are closer than this

    @cached_property
    def _topic_of(self) -> dict[str, str]:
        """Intent name -> topic id, built once: read() runs on every message."""
        return {intents.topic_intent(t): t for t in self.topic_ids}

    @cached_property
    def _procedure_of(self) -> dict[str, str]:
        return {intents.procedure_intent(p): p for p in self.procedure_ids}

    def read(self, intent: str | None, confidence: float, ranking: Iterable[tuple[str, float]] = ()) -> Meaning:
        ranked = [(name, score) for name, score in ranking if name != intents.NLU_FALLBACK]
        likely = tuple(t for t in (self._topic_of.get(name) for name, _ in ranked) if t)
        choices = self._close_pair(ranked)
        if intent is None or confidence < self.threshold:
            if choices and ranked[0][1] + ranked[1][1] >= self.threshold:
                return Meaning("choose", intent, choices=choices, likely=likely)
            return Meaning("unclear", intent, likely=likely)
        topic_id = self._topic_of.get(intent)
        if topic_id is not None:
            if choices and choices[0] == topic_id and ranked[0][1] - ranked[1][1] < self.ask_margin:
                return Meaning("choose", intent, choices=choices, likely=likely)
            return Meaning("topic", intent, topic_id=topic_id, likely=likely)
        procedure_id = self._procedure_of.get(intent)
        if procedure_id is not None:
            return Meaning("procedure", intent, procedure_id=procedure_id, likely=likely)
        return Meaning("intent", intent, likely=likely)

    def _close_pair(self, ranked: list[tuple[str, float]]) -> tuple[str, ...]:
        """The two best-ranked intents when they are topics citizens mix up, else ()."""
        if len(ranked) < 2:
            return ()
        pair = tuple(self._topic_of.get(name) for name, _ in ranked[:2])
        if None in pair or frozenset(pair) not in self.confusable:
            return ()
        return pair  # type: ignore[return-value]


def catalog_reader(catalog, threshold: float, ask_margin: float = 0.0) -> Reader:
    """The reader for a content.loader.Catalog: its topics, procedures and confusable pairs."""
    return Reader(tuple(catalog.topics), tuple(catalog.procedures), catalog.confusable_pairs(),
                  threshold, ask_margin)
