"""Join codes: what a household types (or scans) to join, and the alphabet team link codes share.

A new code is 8 random characters and 1 check character over a 32-letter alphabet, shown in groups
(`ABCD-EFGH-J`); typed with or without dashes or spaces, in any case. The check character is Luhn mod 32
over the alphabet: it catches every single wrong character and every swap of two neighbouring
characters but A and 9 (tests/shared/test_join_codes.py tries them), so a mistyped code is told apart
from a wrong one without looking at the database.

Guessing odds (docs/JOIN_CODES.md): 32**8 = 1.1e12 data parts, of which about 1.0e12 mix letters and
digits; with 500,000 households one guess hits a household with p = 5e5 / 1.0e12 = 4.9e-7. At most
one code is tried per message, and wrong codes are limited per chat identity (5 an hour) and per client
address (20 an hour, JOIN_CODE_MAX_WRONG_*): one address gets 480 tries a day, 2.4e-4 hits a day, one
hit in about 11 years (Telegram and Zalo give no address: there a new chat identity is a new account). Knowing the check scheme gains nothing: a code with a wrong check character is
never compared with a household.

Old 6-character codes (already printed on sheets) keep working under the same limits. They are the
weak part: 32**6 = 1.07e9, 8.8e8 of them mixed, so while 500,000 households still hold one, a guess
hits with p = 5.7e-4 and one address's 480 tries a day hit about one household in 4 days. Their sheets should be reprinted
with new codes (`camtay households sheet` prints whatever code a household holds).
"""
from __future__ import annotations

import re
import secrets

JOIN_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed by hand
JOIN_CODE_DATA_LENGTH = 8
JOIN_CODE_LENGTH = JOIN_CODE_DATA_LENGTH + 1  # and the check character
LEGACY_JOIN_CODE_LENGTH = 6
_N = len(JOIN_CODE_ALPHABET)
_VALUE = {c: i for i, c in enumerate(JOIN_CODE_ALPHABET)}
_SEP = r"[-\s.]?"
_NEW_TOKEN = re.compile(rf"(?<![A-Za-z0-9])([A-Za-z0-9]{{4}}){_SEP}([A-Za-z0-9]{{4}}){_SEP}([A-Za-z0-9])(?![A-Za-z0-9])")
_LEGACY_TOKEN = re.compile(r"(?<![A-Za-z0-9])([A-Za-z0-9]{6})(?![A-Za-z0-9])")


def _mixed(code: str) -> bool:
    return any(c.isdigit() for c in code) and any(c.isalpha() for c in code)


def check_character(data: str) -> str:
    """Luhn mod N over the alphabet: the character that makes `data` + it valid."""
    total, factor = 0, 2
    for char in reversed(data):
        addend = factor * _VALUE[char]
        total += addend // _N + addend % _N
        factor = 3 - factor
    return JOIN_CODE_ALPHABET[(_N - total % _N) % _N]


def check_fits(code: str) -> bool:
    """Whether a new-style code's last character is the check character of the others."""
    if len(code) != JOIN_CODE_LENGTH or any(c not in _VALUE for c in code):
        return False
    return check_character(code[:-1]) == code[-1]


def new_join_code() -> str:
    """Eight random characters and the check character, letters and digits mixed so codes stand out from words."""
    while True:
        data = "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_DATA_LENGTH))
        code = data + check_character(data)
        if _mixed(code):
            return code


def format_code(code: str) -> str:
    """`ABCDEFGHJ` -> `ABCD-EFGH-J` for reading; an old 6-character code as it is."""
    if len(code) != JOIN_CODE_LENGTH:
        return code
    return f"{code[:4]}-{code[4:8]}-{code[8:]}"


def code_candidates(text: str) -> list[str]:
    """Tokens that look like a join code, upper case and without separators, each once.

    A new code: 4+4+1 letters/digits, dashes, dots or spaces between the groups allowed; an old one: 6.
    Either must mix letters and digits, so ordinary words are not taken for codes."""
    found = ["".join(m.groups()).upper() for m in _NEW_TOKEN.finditer(text)]
    found += [m.group(1).upper() for m in _LEGACY_TOKEN.finditer(text)]
    return list(dict.fromkeys(c for c in found if _mixed(c)))


def is_mistyped(code: str) -> bool:
    """A candidate of the new length whose check character does not fit: no household can hold it."""
    return len(code) == JOIN_CODE_LENGTH and not check_fits(code)
