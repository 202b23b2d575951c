"""The evaluation set (nlu/eval/, never trained on) and how a model is scored on it."""
from __future__ import annotations

import difflib
import functools
from dataclasses import dataclass
from pathlib import Path

import yaml

from nlu import NLU_DIR, intents
from nlu.abbreviations import PAIRS, WORDS
from nlu.normalizer import fold, normalize
from nlu.training import HAND_WRITTEN

EVAL_SET = NLU_DIR / "eval" / "questions.yml"
REJECTING_INTENTS = (intents.OUT_OF_SCOPE, intents.NLU_FALLBACK)
STYLES = ("with diacritics", "without diacritics", "abbreviations")


@dataclass(frozen=True)
class Question:
    text: str
    topic: str | None  # None: out of the catalog

    @property
    def diacritics(self) -> bool:
        return fold(self.text) != self.text

    @property
    def abbreviated(self) -> bool:
        """Typed with at least one abbreviation, teencode or misspelled app name the normalizer expands."""
        raw = [fold(w) for w in self.text.lower().replace(",", " ").split()]
        return any(w in WORDS or fold(w) in WORDS for w in self.text.lower().split()) or \
            any(pair in PAIRS for pair in zip(raw, raw[1:]))

    @property
    def styles(self) -> list[str]:
        return [STYLES[0] if self.diacritics else STYLES[1]] + ([STYLES[2]] if self.abbreviated else [])


def load_questions(path: Path = EVAL_SET) -> list[Question]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    questions = [Question(text, topic) for topic, texts in data["topics"].items() for text in texts]
    return questions + [Question(text, None) for text in data["out_of_catalog"]]


def training_examples(catalog) -> dict[str, list[str]]:
    """Every training example by intent: the content's topic examples and nlu/data/*.yml."""
    examples = {intents.topic_intent(t.id): list(t.examples) for t in catalog}
    for path in sorted(HAND_WRITTEN.glob("*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu") or []:
            if "intent" in block:
                lines = [line.strip()[2:] for line in block["examples"].splitlines() if line.strip().startswith("- ")]
                examples.setdefault(block["intent"], []).extend(lines)
    return examples


@functools.lru_cache(maxsize=4096)
def _comparable(text: str) -> str:
    return fold(normalize(text))


def near_duplicate(one: str, other: str, ratio: float = 0.85) -> bool:
    """Equal or almost equal once normalized and folded: same words or few characters apart."""
    a, b = _comparable(one), _comparable(other)
    if a == b or set(a.split()) == set(b.split()):
        return True
    return _close(difflib.SequenceMatcher(None, a, b), ratio)


def near_duplicates(texts: list[str], examples: list[str], ratio: float = 0.85) -> list[tuple[str, str]]:
    """Every (text, example) pair that near_duplicate() would flag, computed in one sweep."""
    keys = [(t, _comparable(t), set(_comparable(t).split())) for t in texts]
    found = []
    for example in examples:
        b = _comparable(example)
        words, matcher = set(b.split()), difflib.SequenceMatcher(None, "", b)
        for text, a, a_words in keys:
            matcher.set_seq1(a)
            if a == b or a_words == words or _close(matcher, ratio):
                found.append((text, example))
    return found


def _close(matcher: difflib.SequenceMatcher, ratio: float) -> bool:
    return matcher.real_quick_ratio() >= ratio and matcher.quick_ratio() >= ratio and matcher.ratio() >= ratio


@dataclass(frozen=True)
class Prediction:
    intent: str | None
    confidence: float
    ranking: tuple[tuple[str, float], ...] = ()

    @classmethod
    def of(cls, understanding) -> "Prediction":
        """The prediction in an nlu.client.Understanding."""
        return cls(understanding.intent, understanding.confidence, tuple(understanding.ranking))


def with_fallback(prediction: Prediction, threshold: float, ambiguity: float) -> Prediction:
    """What Rasa's FallbackClassifier with these thresholds would answer, from the classifier's ranking."""
    ranking = tuple(r for r in prediction.ranking if r[0] != intents.NLU_FALLBACK)
    if not ranking:
        return prediction
    top, confidence = ranking[0]
    second = ranking[1][1] if len(ranking) > 1 else 0.0
    if confidence < threshold or confidence - second < ambiguity:
        return Prediction(intents.NLU_FALLBACK, threshold, ((intents.NLU_FALLBACK, threshold),) + ranking)
    return Prediction(top, confidence, ranking)


def started_topic(prediction: Prediction, topic_ids, min_confidence: float) -> str | None:
    """The topic the dialogue would start (bot/dialogue/routing.py), or None."""
    if prediction.confidence < min_confidence:
        return None
    return intents.topic_of_intent(prediction.intent, topic_ids)


def rejected(prediction: Prediction, min_confidence: float) -> bool:
    return prediction.intent in REJECTING_INTENTS or prediction.confidence < min_confidence


@dataclass(frozen=True)
class Scores:
    accuracy: float  # in-catalog questions whose own topic starts
    by_style: dict[str, float]
    macro_f1: float  # over the topics and "none" (out of catalog)
    rejection: float  # out-of-catalog questions answered out_of_scope/nlu_fallback or below confidence
    false_start: float  # out-of-catalog questions that would start a tutorial or FAQ
    errors: list[tuple[str, str | None, str | None]]  # (text, expected topic, started topic)


def score(questions: list[Question], predictions: list[Prediction], topic_ids,
          min_confidence: float) -> Scores:
    topic_ids = list(topic_ids)
    started = [started_topic(p, topic_ids, min_confidence) for p in predictions]
    in_catalog = [(q, s) for q, s in zip(questions, started) if q.topic is not None]
    outside = [(q, p, s) for q, p, s in zip(questions, predictions, started) if q.topic is None]
    by_style = {}
    for style in STYLES:
        rows = [(q, s) for q, s in in_catalog if style in q.styles]
        by_style[style] = _share(rows, lambda r: r[1] == r[0].topic)
    return Scores(
        accuracy=_share(in_catalog, lambda r: r[1] == r[0].topic),
        by_style=by_style,
        macro_f1=_macro_f1([q.topic for q in questions], started, topic_ids + [None]),
        rejection=_share(outside, lambda r: rejected(r[1], min_confidence)),
        false_start=_share(outside, lambda r: r[2] is not None),
        errors=[(q.text, q.topic, s) for q, s in zip(questions, started) if s != q.topic],
    )


def _share(rows, ok) -> float:
    rows = list(rows)
    return sum(1 for r in rows if ok(r)) / len(rows) if rows else float("nan")


def _macro_f1(expected, got, labels) -> float:
    f1s = []
    for label in labels:
        tp = sum(1 for e, g in zip(expected, got) if e == label and g == label)
        fp = sum(1 for e, g in zip(expected, got) if e != label and g == label)
        fn = sum(1 for e, g in zip(expected, got) if e == label and g != label)
        if tp + fp + fn:
            f1s.append(2 * tp / (2 * tp + fp + fn))
    return sum(f1s) / len(f1s) if f1s else float("nan")
