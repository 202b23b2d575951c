"""The grouping normalization of the not-understood page."""
import pytest

from bot.admin.normalize import normalize
from nlu.tones import fold


@pytest.mark.parametrize("text, expected", [
    ("Cho hỏi cái app này là gì?", "cho hoi cai app nay la gi"),
    ("cho hoi  cai app   nay la gi", "cho hoi cai app nay la gi"),
    ("ĐĂNG KÝ định danh", "dang ky dinh danh"),
    ("Cho ho\u0309i", "cho hoi"),  # decomposed (NFD) input
    ("  \tmạng\nyếu  ", "mang yeu"),
    ("số tôi là [SĐT] nhé", "so toi la [sdt] nhe"),
    ("???", ""),
])
def test_normalize(text, expected):
    assert normalize(text) == expected


def test_folding_keeps_letters_without_marks():
    assert fold("Đà Nẵng, Huế") == "Da Nang, Hue"
