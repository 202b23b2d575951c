"""Vietnamese tone marks: one canonical placement per syllable (hoà -> hòa), and diacritics folding."""
from __future__ import annotations

import unicodedata

# Combining tone marks: huyền, sắc, ngã, hỏi, nặng.
TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")
# Vowels whose letter carries a modifier (ă â ê ô ơ ư): the tone goes on them.
MODIFIED_VOWELS = frozenset("ăâêôơư")
VOWELS = frozenset("aeiouy") | MODIFIED_VOWELS
# Letters a Vietnamese syllable may contain (f, j, w, z appear in loanwords and teencode).
LETTERS = VOWELS | frozenset("bcdđfghjklmnpqrstvwxz")


def fold(text: str) -> str:
    """Text without any diacritics: 'Đăng ký' -> 'Dang ky' (other characters unchanged)."""
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", stripped.replace("đ", "d").replace("Đ", "D"))


def _split_tone(syllable: str) -> tuple[str, str | None]:
    """The syllable without its tone mark (NFC) and the first tone mark found, if any."""
    tone = None
    kept = []
    for char in unicodedata.normalize("NFD", syllable):
        if char in TONE_MARKS:
            tone = tone or char
        else:
            kept.append(char)
    return unicodedata.normalize("NFC", "".join(kept)), tone


def _tone_index(onset: str, vowels: str, coda: str) -> int:
    """Index in `vowels` of the letter that carries the tone (traditional placement: hòa, thủy)."""
    modified = [i for i, v in enumerate(vowels) if v in MODIFIED_VOWELS]
    if modified:
        return modified[-1]  # ươ -> ơ, uyê -> ê, ưu -> ư
    if len(vowels) == 1:
        return 0
    if coda:
        return len(vowels) - 1  # hoàng, khuỳnh
    if len(vowels) == 3:
        return 1  # ngoài, khuỷu
    return 0  # hòa, thủy, mía, múa


def place_tone(syllable: str) -> str:
    """The syllable with its tone mark on the canonical vowel; other words unchanged.

    Expects NFC lower-case text; only rewrites words shaped like one Vietnamese syllable
    (consonants, one run of vowels, consonants) that carry a tone mark.
    """
    bare, tone = _split_tone(syllable)
    if tone is None or not bare or any(c not in LETTERS for c in bare):
        return syllable
    start = next(i for i, c in enumerate(bare + "a") if c in VOWELS or i == len(bare))
    end = start
    while end < len(bare) and bare[end] in VOWELS:
        end += 1
    onset, vowels, coda = bare[:start], bare[start:end], bare[end:]
    if not vowels or any(c in VOWELS for c in coda):
        return syllable
    # "qu" and "gi" (before another vowel) are consonants: quả, già, giữa.
    if len(vowels) > 1 and ((onset == "q" and vowels[0] == "u") or (onset == "g" and vowels[0] == "i")):
        onset, vowels = onset + vowels[0], vowels[1:]
    if len(vowels) > 3:
        return syllable
    index = len(onset) + _tone_index(onset, vowels, coda)
    marked = unicodedata.normalize("NFC", unicodedata.normalize("NFD", bare[index]) + tone)
    return bare[:index] + marked + bare[index + 1:]
