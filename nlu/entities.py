"""Which app and which bank a question names: looked up in normalized words, with or without diacritics."""
from __future__ import annotations

from dataclasses import dataclass

from nlu.tones import fold

# entity -> canonical value -> ways of writing it (normalized text; matched without diacritics).
TABLES: dict[str, dict[str, tuple[str, ...]]] = {
    "app": {
        "VNeID": ("vneid", "ứng dụng định danh điện tử", "app định danh"),
        "VssID": ("vssid", "bảo hiểm xã hội số"),
        "EVN CSKH": ("evn", "evnhcmc", "evncpc", "evnspc", "evnnpc", "evnhanoi", "evn hà nội",
                     "app điện lực", "ứng dụng điện lực"),
        "Zalo": ("zalo",),
        "ZaloPay": ("zalopay", "zalo pay"),
        "MoMo": ("momo", "ví momo"),
    },
    "bank": {
        "Agribank": ("agribank", "agri bank", "agri", "ngân hàng nông nghiệp"),
        "Vietcombank": ("vietcombank", "vcb", "ngân hàng ngoại thương"),
        "BIDV": ("bidv",),
        "VietinBank": ("vietinbank", "viettinbank", "vietin", "viettin", "ngân hàng công thương"),
        "Techcombank": ("techcombank", "tcb"),
        "MB": ("mbbank", "mb bank", "mb", "ngân hàng quân đội"),
        "ACB": ("acb",),
        "Sacombank": ("sacombank",),
        "VPBank": ("vpbank", "vp bank"),
        "TPBank": ("tpbank", "tp bank"),
        "LPBank": ("lpbank", "lienvietpostbank", "liên việt", "bưu điện liên việt"),
        "SHB": ("shb",),
        "VIB": ("vib",),
        "Ngân hàng Chính sách xã hội": ("ngân hàng chính sách", "nhcsxh", "vbsp"),
    },
}


@dataclass(frozen=True)
class Found:
    entity: str
    value: str
    start: int  # index of the first word
    end: int  # index after the last word


def _aliases() -> list[tuple[tuple[str, ...], str, str]]:
    """(folded words, entity, value), longest first so "zalo pay" wins over "zalo"."""
    rows = [(tuple(fold(alias).split()), entity, value)
            for entity, values in TABLES.items() for value, aliases in values.items() for alias in aliases]
    return sorted(rows, key=lambda row: -len(row[0]))


_ALIASES = _aliases()


def find(words: list[str]) -> list[Found]:
    """Entities named in normalized words, left to right, not overlapping."""
    folded = [fold(w) for w in words]
    found, i = [], 0
    while i < len(folded):
        for alias, entity, value in _ALIASES:
            if tuple(folded[i:i + len(alias)]) == alias:
                found.append(Found(entity, value, i, i + len(alias)))
                i += len(alias)
                break
        else:
            i += 1
    return found
