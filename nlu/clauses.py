"""The clause of a long message that asks: a citizen's story names its subject early and asks somewhere.

"Tôi năm nay 70 tuổi, con đi làm xa. Xin hỏi đăng ký VNeID thế nào ạ? Cảm ơn cô nhiều." asks in its middle
sentence; the words around it tell the story. The sentence embedding sees only a few dozen tokens of a
message (nlu/shorten.py), so for a long one it gets the first words (the subject) and the clause that
asks with as much as fits of what leads to it, rather than whatever comes last. Pure Python, on the raw
text's clauses, each normalized on its own.
"""
from __future__ import annotations

import re
from collections.abc import Callable

from nlu import normalizer

# Where a sentence or clause ends in what citizens type.
_BREAKS = re.compile(r"[.?!;…\n]+|,\s*|\s+-\s+")
# Folded words and pairs that ask anywhere in a clause (how, where, when, how long, how much, can I...).
_ASKING = {("the", "nao"), ("ra", "sao"), ("lam", "sao"), ("o", "dau"), ("bao", "gio"), ("bao", "lau"),
           ("bao", "nhieu"), ("duoc", "khong"), ("co", "phai"), ("phai", "khong"), ("hay", "khong"),
           ("luc", "nao"), ("cho", "nao"), ("gi",), ("sao",)}
# Folded words that ask when they end a clause ("... được chưa", "... có mất phí không", "... vậy").
_ASKING_AT_END = {"khong", "chua", "vay", "ha", "hong", "nhi", "dau", "nao"}  # "ko", "k": already "không"
# Folded words and pairs that request (show me how, help me, I would like to ask).
_REQUESTING = {("huong", "dan"), ("chi", "giup"), ("chi", "cach"), ("giup", "voi"), ("xin", "hoi"),
               ("cho", "hoi"), ("cach",), ("muon",)}


def asking_score(raw: str, words: list[str]) -> int:
    """How plainly a clause asks: 3 for a question mark, 2 for a question word, 1 for a request."""
    folded = [normalizer.fold(w) for w in words]
    grams = {tuple(folded[i:i + n]) for n in (1, 2) for i in range(len(folded) - n + 1)}
    asks = bool(grams & _ASKING) or (bool(folded) and folded[-1] in _ASKING_AT_END)
    return 3 * ("?" in raw) + 2 * asks + 1 * bool(grams & _REQUESTING)


def _clauses(text: str) -> list[tuple[str, list[str]]]:
    """Each clause of text as typed (with the mark that ends it) and its normalized words."""
    out, start = [], 0
    for match in _BREAKS.finditer(text + "\n"):
        raw, start = text[start:match.end()], match.end()
        if words := normalizer.words(raw):
            out.append((raw, words))
    return out


def asking_words(text: str, head_words: int, fits: Callable[[list[str]], bool]) -> list[str] | None:
    """The normalized words to embed for a long text: its first head_words words, then the last of its
    best-asking clauses preceded by as many whole clauses as fits() allows. None when no clause asks
    plainly, when the last clause asks (the caller's first and last words already hold it), or when the
    asking clause does not fit."""
    found = _clauses(text)
    scores = [asking_score(raw, words) for raw, words in found]
    if len(found) < 2 or max(scores) < 2:
        return None
    at = max(i for i, score in enumerate(scores) if score == max(scores))
    if at == len(found) - 1:
        return None
    chosen = None
    for first in range(at, -1, -1):
        lead = [w for _, words in found[:first] for w in words][:head_words]
        candidate = lead + [w for _, words in found[first:at + 1] for w in words]
        if not fits(candidate):
            break
        chosen = candidate
    return chosen
