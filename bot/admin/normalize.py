"""A simple normalization for grouping citizens' questions: case, Unicode form, diacritics, spaces."""
from __future__ import annotations

import re
import unicodedata

_PUNCTUATION = re.compile(r"[^\w\s\[\]]+")
_SPACES = re.compile(r"\s+")


def fold_diacritics(text: str) -> str:
    """'Đăng ký' -> 'Dang ky': combining marks dropped, đ/Đ mapped (it has no decomposition)."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def normalize(text: str) -> str:
    """Lower case, NFC, diacritics folded, punctuation dropped, whitespace collapsed."""
    text = unicodedata.normalize("NFC", text).lower()
    text = fold_diacritics(text)
    text = _PUNCTUATION.sub(" ", text)
    return _SPACES.sub(" ", text).strip()
