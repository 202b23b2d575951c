"""Normalize Vietnamese chat text: NFC, one tone placement, lower case, no punctuation or emoji,
no stretched letters, abbreviations and teencode expanded; and the diacritics-folded form.

Pure Python with no dependencies: the bot (Python 3.11) and Rasa's component (Python 3.10) share it.
"""
from __future__ import annotations

import unicodedata

from nlu.abbreviations import PAIRS, WORDS
from nlu.tones import fold, place_tone

__all__ = ["normalize", "fold", "feature_text", "features_of", "words"]


def _raw_words(text: str) -> list[str]:
    """Lower-case NFC words: letters and digits; stray combining marks dropped, the rest splits."""
    text = unicodedata.normalize("NFC", unicodedata.normalize("NFC", text).lower())
    words, current = [], []
    for char in text:
        if char.isalnum():
            current.append(char)
        elif unicodedata.combining(char):
            continue  # a mark NFC could not attach to a letter
        elif current:
            words.append("".join(current))
            current = []
    if current:
        words.append("".join(current))
    # lower() and NFC may not commute on exotic letters; settle each word.
    return [unicodedata.normalize("NFC", w.lower()) for w in words]


_ENGLISH_DOUBLES = frozenset("flpst")


def _collapse(word: str) -> str:
    """Stretched letters: runs of 3+ equal letters become one ("đcccc" -> "đc", "ạaaa" -> "ạ"),
    and so does a doubled last letter ("okk" -> "ok") unless English doubles it ("app", "call");
    digits and inner doubles ("xoong") stay."""
    runs: list[list[str]] = []
    for char in word:
        if runs and char.isalpha() and fold(char) == fold(runs[-1][0]):
            runs[-1].append(char)
        else:
            runs.append([char])
    out = []
    for i, run in enumerate(runs):
        if len(run) >= 3 or (len(run) == 2 and i == len(runs) - 1 and run[0] not in _ENGLISH_DOUBLES):
            out.append(next((c for c in run if fold(c) != c), run[0]))
        else:
            out.extend(run)
    return "".join(out)


def _canonical(word: str) -> str:
    if word in WORDS:
        return word  # "cccd" must not lose its stretched-looking "ccc"
    return place_tone(_collapse(word))


# Pairs by their folded words too, so that a stray or wrong tone ("muc mòt") still matches.
_FOLDED_PAIRS: dict[tuple[str, ...], str] = {}
for _pair, _meaning in PAIRS.items():
    _FOLDED_PAIRS.setdefault(tuple(fold(w) for w in _pair), _meaning)


def _pair_meaning(pair: tuple[str, ...]) -> str | None:
    if len(pair) != 2:
        return None
    return PAIRS.get(pair) or _FOLDED_PAIRS.get(tuple(fold(w) for w in pair))


def words(text: str) -> list[str]:
    """The normalized words of text."""
    tokens = [_canonical(w) for w in _raw_words(text)]
    out: list[str] = []
    i = 0
    while i < len(tokens):
        meaning = _pair_meaning(tuple(tokens[i:i + 2]))
        if meaning is not None:
            out.extend(meaning.split())
            i += 2
            continue
        out.extend(WORDS.get(tokens[i], tokens[i]).split())
        i += 1
    return out


def normalize(text: str) -> str:
    """Canonical text: 'Hoà ko đc!!! 😭' -> 'hòa không được'."""
    return " ".join(words(text))


def feature_text(text: str) -> str:
    """What the Rasa pipeline tokenizes: the normalized text, then its folded form when that
    differs, so that text typed with and without diacritics shares word and phrase features."""
    return features_of(words(text))


def features_of(normalized_words: list[str]) -> str:
    normalized = " ".join(normalized_words)
    folded = fold(normalized)
    return normalized if folded == normalized else f"{normalized} {folded}"
