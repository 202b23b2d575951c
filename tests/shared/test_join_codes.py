"""The check character tells a mistyped code from a wrong one; candidates are read in any form."""
import random

from bot.shared.join_codes import (
    JOIN_CODE_ALPHABET,
    check_fits,
    code_candidates,
    format_code,
    is_mistyped,
    new_join_code,
)


def test_every_single_wrong_character_is_caught():
    for code in (new_join_code() for _ in range(300)):
        for i, right in enumerate(code):
            for wrong in JOIN_CODE_ALPHABET.replace(right, ""):
                assert is_mistyped(code[:i] + wrong + code[i + 1:])


def test_swaps_of_neighbours_are_caught_but_a_and_9():
    rng = random.Random(15)
    for _ in range(3000):
        code = new_join_code()
        i = rng.randrange(7)  # two data characters side by side
        swapped = code[:i] + code[i + 1] + code[i] + code[i + 2:]
        if swapped != code and {code[i], code[i + 1]} != {"A", "9"}:
            assert not check_fits(swapped)


def test_codes_are_read_grouped_spaced_or_lower_case():
    code = new_join_code()
    for typed in (code, format_code(code), format_code(code).lower(), f"{code[:4]} {code[4:8]} {code[8]}"):
        assert code_candidates(f"ma nha toi la {typed} nhe") == [code]
    assert code_candidates("minh muon a hoc cai vneid") == []  # words are not codes
