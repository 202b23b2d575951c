"""What of a long message the sentence embedding sees: its first words and as many of its last as fit.

The embedding costs about 1 ms a token on this machine, most of a parse; a rambling question of 70 tokens
took 60–80 ms. A citizen's story usually names the subject first and ends with the question ("… thì làm
thế nào?"), so the middle goes. The word features still see every word. Pure Python: Rasa's component
(Python 3.10) passes its tokenizer's count, the tests a plain one.
"""
from __future__ import annotations

from collections.abc import Callable


def shorten(text: str, count: Callable[[str], int], max_tokens: int, head_words: int = 4) -> str:
    """The text if count(text) <= max_tokens (or max_tokens is 0), else its first head_words words and the
    longest run of its last words with which count stays within max_tokens (at least one word)."""
    if not max_tokens or count(text) <= max_tokens:
        return text
    words = text.split()
    head, tail = words[:head_words], words[head_words:]
    if not tail:
        return " ".join(head)
    fits, too_many = 1, len(tail)  # how many of the last words to keep: a binary search, ~6 counts
    while too_many - fits > 1:
        middle = (fits + too_many) // 2
        if count(" ".join(head + tail[-middle:])) <= max_tokens:
            fits = middle
        else:
            too_many = middle
    return " ".join(head + tail[-fits:])
