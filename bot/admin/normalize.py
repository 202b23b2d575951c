"""A simple normalization for grouping citizens' questions: case, Unicode form, diacritics, spaces."""
from __future__ import annotations

import re
import unicodedata

from nlu.tones import fold

_PUNCTUATION = re.compile(r"[^\w\s\[\]]+")
_SPACES = re.compile(r"\s+")


def normalize(text: str) -> str:
    """Lower case, NFC, diacritics folded, punctuation dropped, whitespace collapsed."""
    text = unicodedata.normalize("NFC", text).lower()
    text = fold(text)
    text = _PUNCTUATION.sub(" ", text)
    return _SPACES.sub(" ", text).strip()
