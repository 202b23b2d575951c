"""Personal numbers and e-mails are masked before storage; ordinary text is left alone."""
from __future__ import annotations

import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.redact import redact


@pytest.mark.parametrize("text, expected", [
    ("0912345678", "[SĐT]"),
    ("0912 345 678", "[SĐT]"),
    ("0912.345.678", "[SĐT]"),
    ("+84912345678", "[SĐT]"),
    ("84 912 345 678", "[SĐT]"),
    ("số của tôi là 0912345678, gọi sau 5 giờ", "số của tôi là [SĐT], gọi sau 5 giờ"),
    ("001203004567", "[SỐ GIẤY TỜ]"),
    ("001 203 004 567", "[SỐ GIẤY TỜ]"),
    ("CCCD của tôi: 001203004567.", "CCCD của tôi: [SỐ GIẤY TỜ]."),
    ("123456789", "[SỐ GIẤY TỜ]"),
    ("cmnd cũ 123 456 789", "cmnd cũ [SỐ GIẤY TỜ]"),
    ("mã otp là 482913", "mã otp là [MÃ SỐ]"),
    ("OTP: 4829", "OTP: [MÃ SỐ]"),
    ("passcode 12345678", "passcode [MÃ SỐ]"),
    ("nguyenvana@gmail.com", "[EMAIL]"),
    ("email tran.thi-b+vneid@yahoo.com.vn nhé", "email [EMAIL] nhé"),
    pytest.param("nguyenvan1985@gmail.com", "[EMAIL]"),
    pytest.param("0912345678@gmail.com", "[EMAIL]"),
    pytest.param("stk 1234567890", "stk [MÃ SỐ]"),
    pytest.param("thẻ 9704123412341234", "thẻ [MÃ SỐ]"),
    # OTPs and numbers typed in groups or digit by digit.
    ("ma otp 123 456", "ma otp [MÃ SỐ]"),
    ("otp: 12 34 56", "otp: [MÃ SỐ]"),
    ("0 0 1 2 0 3 0 0 4 5 6 7", "[MÃ SỐ]"),
    ("001 2030 04567", "[MÃ SỐ]"),
    ("4 8 2 9 1 3 nhé", "[MÃ SỐ] nhé"),
])
def test_personal_numbers_are_masked(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize("text", [
    "Tôi muốn cài VNeID trên điện thoại",
    "mã hộ của tôi là AB3K7Q",
    "AB3K7Q",
    "tôi đang ở bước 2",
    "bước 10/12 rồi",
    "lúc 9 giờ 30 sáng",
    "đóng 150 nghìn tiền điện",
    "",
    "   ",
])
def test_ordinary_text_is_untouched(text):
    assert redact(text) == text


def test_none_stays_none():
    assert redact(None) is None


LONG_DIGITS = re.compile(r"\d{9,}")
# Digits, separators and the characters of e-mails and masks, so the search meets phone-like text often.
chat_text = st.text(alphabet=st.sampled_from("0123456789 .-+@_abcđAB[]\n"), max_size=60) | st.text(max_size=60)


@settings(max_examples=500, deadline=None)
@given(chat_text)
@example("12 345 678 9012")
@example("0912345678@b.com")
@example("84 84 912 345 678")
def test_redact_never_raises_and_is_idempotent(text):
    once = redact(text)
    assert isinstance(once, str)
    assert redact(once) == once


@settings(max_examples=500, deadline=None)
@given(chat_text)
def test_redact_leaves_no_run_of_nine_digits(text):
    assert not LONG_DIGITS.search(redact(text))


@settings(max_examples=300, deadline=None)
@given(st.from_regex(r"(\+?84|0)[35789][0-9]{8}", fullmatch=True), st.sampled_from(["", " ", ".", "-"]))
def test_any_mobile_number_is_masked(number, separator):
    grouped = number if not separator else f"{number[:-6]}{separator}{number[-6:-3]}{separator}{number[-3:]}"
    assert redact(f"sđt {grouped} nhé") == "sđt [SĐT] nhé"
