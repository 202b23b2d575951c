"""Redaction of personal numbers before anything is stored or shown to staff."""
from __future__ import annotations

import re
from typing import overload

_RULES: list[tuple[re.Pattern[str], str]] = [
    # E-mails first, before their digits are masked and the rest leaks.
    (re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+"), "[EMAIL]"),
    # Numbers read out digit by digit ("0 0 1 2 0 3 ..."), before the rules below take a part of them.
    (re.compile(r"(?<!\d)\d(?:[\s.\-]\d){5,}(?!\d)"), "[MÃ SỐ]"),
    # Phone numbers: 0xxxxxxxxx or +84 / 84 followed by 9 digits, spaces or dots allowed.
    (re.compile(r"(?<!\d)(?:\+?84|0)(?:[\s.\-]?\d){9}(?!\d)"), "[SĐT]"),
    # Citizen ID (12 digits) and old ID card (9 digits), grouped or not.
    (re.compile(r"(?<!\d)\d{3}[\s.\-]?\d{3}[\s.\-]?\d{3}(?:[\s.\-]?\d{3})?(?!\d)"), "[SỐ GIẤY TỜ]"),
    # Any other run of 4 or more digits, grouped or not ("123 456"), may be an OTP, a passcode,
    # a bank or card number.
    (re.compile(r"(?<!\d)\d(?:[\s.\-]?\d){3,}(?!\d)"), "[MÃ SỐ]"),
]

# What stands in for a masked number in stored text.
MASKS = tuple(dict.fromkeys(mask for _, mask in _RULES))


@overload
def redact(text: str) -> str: ...
@overload
def redact(text: None) -> None: ...
def redact(text: str | None) -> str | None:
    """The text with phone numbers, ID numbers, OTP-like codes and e-mails masked."""
    if text is None:
        return None
    for pattern, mask in _RULES:
        text = pattern.sub(mask, text)
    return text
