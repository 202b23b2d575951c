"""Hostile text for the Vietnamese normalizer: any string, quickly, into plain words (never an exception)."""
from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.shared.types import MAX_TEXT_LENGTH
from nlu.normalizer import feature_text, normalize, words

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Every code point class a chat can carry: surrogates excluded (they cannot come out of JSON as str).
anything = st.text(st.characters(exclude_categories=["Cs"]), max_size=300)


@FUZZ
@given(anything)
def test_any_text_gives_words(text):
    out = words(text)
    assert all(isinstance(w, str) and w and not any(c.isspace() for c in w) for w in out)
    assert normalize(text) == " ".join(out)
    assert isinstance(feature_text(text), str)


@pytest.mark.parametrize("text", [
    "\u0301" * MAX_TEXT_LENGTH,  # combining marks with nothing to combine with
    "đ" * MAX_TEXT_LENGTH,
    "😭" * MAX_TEXT_LENGTH,
    ("ko đc " * 1000)[:MAX_TEXT_LENGTH],
    "\u202e\u200b\ufeff\x00\x1b[31m" * 400,  # bidi override, zero-width, BOM, NUL, terminal escape
    " ".join(["a"] * 2000),
], ids=["combining", "one-letter", "emoji", "abbreviations", "control", "many-words"])
def test_the_longest_message_is_normalized_fast(text):
    started = time.perf_counter()
    normalize(text)
    feature_text(text)
    assert time.perf_counter() - started < 2.0  # the whole message budget is tens of milliseconds; 2 s is a hang
