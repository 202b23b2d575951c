"""Join codes: the six characters a household types (or scans) to join, and the alphabet team link codes share."""
from __future__ import annotations

import re
import secrets

JOIN_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed by hand
JOIN_CODE_LENGTH = 6
_CODE_TOKEN = re.compile(r"(?<![A-Za-z0-9])([A-Za-z0-9]{6})(?![A-Za-z0-9])")


def new_join_code() -> str:
    """Six characters with at least one letter and one digit, so typed codes stand out from words."""
    while True:
        code = "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))
        if code_candidates(code):
            return code


def code_candidates(text: str) -> list[str]:
    """Tokens that look like a join code: 6 letters/digits with at least one digit."""
    return [t.upper() for t in _CODE_TOKEN.findall(text) if any(c.isdigit() for c in t)
            and any(c.isalpha() for c in t)]
