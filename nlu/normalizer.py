"""Normalize Vietnamese chat text: NFC, one tone placement, lower case, no punctuation or emoji,
no stretched letters, abbreviations and teencode expanded; and the diacritics-folded form.

Pure Python with no dependencies: the bot (Python 3.11) and Rasa's component (Python 3.10) share it.
"""
from __future__ import annotations

import re
import unicodedata

from nlu.abbreviations import MISSPELT_PAIRS, PAIRS, RESPELL_KEEP, RESPELLINGS, WORDS
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


# A doubled last letter that is a word's own: English doubles ("app", "call") and "uu", which is
# "ưu" typed without diacritics ("tra cuu", "luu tru", "buu dien").
_KEPT_DOUBLES = frozenset("flpstu")


def _collapse(word: str) -> str:
    """Stretched letters: runs of 3+ equal letters become one ("đcccc" -> "đc", "ạaaa" -> "ạ"),
    and so does a doubled last letter ("okk" -> "ok") unless it is a word's own ("app", "cuu");
    digits and inner doubles ("xoong") stay."""
    runs: list[list[str]] = []
    for char in word:
        if runs and char.isalpha() and fold(char) == fold(runs[-1][0]):
            runs[-1].append(char)
        else:
            runs.append([char])
    out = []
    for i, run in enumerate(runs):
        if len(run) >= 3 or (len(run) == 2 and i == len(runs) - 1 and fold(run[0]) not in _KEPT_DOUBLES):
            out.append(next((c for c in run if fold(c) != c), run[0]))
        else:
            out.extend(run)
    return "".join(out)


# One Vietnamese syllable once folded: an onset, one to three vowels, a coda.
_SYLLABLE = re.compile(r"(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?[aeiouy]{1,3}(ch|nh|ng|[cmnpt])?")


def _respell(word: str) -> str:
    """Teencode letters respelled ("wen" -> "quen", "fải" -> "phải") when that makes a syllable."""
    if word in RESPELL_KEEP or not any(c in word for c in "fjwz"):
        return word
    respelled = word
    for typed, meant in RESPELLINGS:
        respelled = respelled.replace(typed, meant)
    return respelled if _SYLLABLE.fullmatch(fold(respelled)) else word


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
    return PAIRS.get(pair) or MISSPELT_PAIRS.get(pair) or _FOLDED_PAIRS.get(tuple(fold(w) for w in pair))


# Letters run into a number: "muc2", "lan2", "so2" ("mức 2", "lần 2", "số 2").
_LETTERS_THEN_NUMBER = re.compile(r"([^\W\d_]{2,})(\d{1,3})")


def _unglued(word: str) -> list[str]:
    """A word of two or more letters run into a short number, split when the letters are a Vietnamese syllable
    ("muc2" -> ["muc", "2"]); codes and names such as "kp3", "a57", "b2" or "vneid2" stay whole."""
    match = _LETTERS_THEN_NUMBER.fullmatch(word)
    if match is None or word in WORDS:
        return [word]
    letters = match.group(1)
    return [letters, match.group(2)] if _SYLLABLE.fullmatch(fold(letters)) else [word]


def words(text: str) -> list[str]:
    """The normalized words of text."""
    tokens = [_canonical(w) for raw in _raw_words(text) for w in _unglued(raw if raw in WORDS else _collapse(raw))]
    out: list[str] = []
    i = 0
    while i < len(tokens):
        meaning = _pair_meaning(tuple(tokens[i:i + 2]))
        if meaning is not None:
            out.extend(meaning.split())
            i += 2
            continue
        word = tokens[i]
        # Respelled only as a single word: "wi fi" is a pair (wifi), not "quy phi".
        if word not in WORDS:
            word = place_tone(_collapse(_respell(word)))
        out.extend(WORDS.get(word, word).split())
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
