"""Diacritics put back on a message typed without them, spelt the way the training data spells its words.

The sentence embedding reads "quên mật khẩu" better than "quen mat khau"; the word features do not care (they
see folded text). Each word typed without diacritics gets the spelling that best fits its neighbours: word-pair
counts of the training examples typed with diacritics, decoded with Viterbi. A word the data never spelt stays
as typed. Pure Python: the sentence featurizer (Rasa, Python 3.10) learns and applies it, the tests call it.
"""
from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable

from nlu.tones import fold

# How much the words' own frequencies weigh against the pair counts after a word seen rarely.
PRIOR_WEIGHT = 1.0
# A message is taken as typed without diacritics when fewer than this share of its words carry them
# (abbreviations the normalizer expands, "ko" -> "không", carry them in any message).
TYPED_WITH_DIACRITICS = 0.5


def has_diacritics(word: str) -> bool:
    return fold(word) != word


def typed_without_diacritics(words: list[str]) -> bool:
    return bool(words) and sum(map(has_diacritics, words)) < TYPED_WITH_DIACRITICS * len(words)


def typed_plain(text: str) -> bool:
    """The same judgement on the words as typed, before abbreviations are expanded: "quen mk vneid" is typed
    without diacritics, though its normalized words ("quen mật khẩu vneid") carry them half the time."""
    return typed_without_diacritics([word for word in re.findall(r"\w+", text.lower()) if not word.isdigit()])


class Accents:
    """Spellings of folded words ({"mat": {"mật": 40, "mất": 12}}) and counts of spelt word pairs: a word-pair
    language model over the spelt words, searched among the spellings of each typed word."""

    def __init__(self, spellings: dict[str, dict[str, int]], pairs: dict[tuple[str, str], int]) -> None:
        self._spellings = spellings
        self._pairs = pairs
        self._counts = {word: n for counts in spellings.values() for word, n in counts.items()}
        self._total = sum(self._counts.values()) or 1
        following: Counter[str] = Counter()  # word -> pairs seen starting with it
        for (first, _), count in pairs.items():
            following[first] += count
        self._following = following

    @classmethod
    def learn(cls, sentences: Iterable[list[str]]) -> "Accents":
        """Counted from normalized sentences; only those typed with diacritics teach spellings."""
        spellings: defaultdict[str, Counter[str]] = defaultdict(Counter)
        pairs: Counter[tuple[str, str]] = Counter()
        for words in sentences:
            if typed_without_diacritics(words):
                continue
            for word in words:
                spellings[fold(word)][word] += 1
            pairs.update(zip(words, words[1:]))
        return cls({folded: dict(counts) for folded, counts in spellings.items()}, dict(pairs))

    def to_json(self) -> dict:
        return {"spellings": self._spellings, "pairs": [[a, b, n] for (a, b), n in self._pairs.items()]}

    @classmethod
    def from_json(cls, data: dict) -> "Accents":
        return cls(data["spellings"], {(a, b): n for a, b, n in data["pairs"]})

    def restore(self, words: list[str], plain: bool | None = None) -> list[str]:
        """The words with the most likely spelling of each word typed without diacritics, if the message
        was typed without them (plain, when the caller knows it from the typed text); else the words unchanged."""
        if not (typed_without_diacritics(words) if plain is None else plain):
            return list(words)
        options = [self._options(word) for word in words]
        # best[spelling] = (log-probability of the best path ending in it, the spelling before it)
        best = {s: (math.log(self._prior(s)), "") for s in options[0]}
        back = []
        for spellings in options[1:]:
            step = {}
            for spelling in spellings:
                step[spelling] = max((score + math.log(self._next(previous, spelling)), previous)
                                     for previous, (score, _) in best.items())
            back.append(step)
            best = step
        last = max(best, key=lambda s: best[s][0])
        path = [last]
        for step in reversed(back):
            last = step[last][1]
            path.append(last)
        return path[::-1]

    def _options(self, word: str) -> list[str]:
        if has_diacritics(word):
            return [word]
        return sorted(self._spellings.get(word, {word: 1}))

    def _prior(self, spelling: str) -> float:
        """How often the spelling stands in the data (half a time for a word it never had)."""
        return self._counts.get(spelling, 0.5) / self._total

    def _next(self, previous: str, spelling: str) -> float:
        """P(spelling | the word before): pair counts smoothed towards the spelling's own frequency."""
        seen = self._pairs.get((previous, spelling), 0)
        return (seen + PRIOR_WEIGHT * self._prior(spelling)) / (self._following.get(previous, 0) + PRIOR_WEIGHT)
