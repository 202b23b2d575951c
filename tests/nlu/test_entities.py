"""Which app and which bank a question names."""
import pytest

from nlu.entities import find
from nlu.normalizer import words


@pytest.mark.parametrize("text, expected", [
    ("cài vn eid cho mẹ", [("app", "VNeID")]),
    ("quen mk vss id", [("app", "VssID")]),
    ("đóng tiền điện qua app EVNHCMC", [("app", "EVN CSKH")]),
    ("trả tiền điện bằng zalo pay hay momo", [("app", "ZaloPay"), ("app", "MoMo")]),
    ("chuyen tien qua ngan hang nong nghiep", [("bank", "Agribank")]),
    ("quét qr bằng app Vietcombank", [("bank", "Vietcombank")]),
    ("tra tien dien qua vcb", [("bank", "Vietcombank")]),
    ("mb bank quét mã", [("bank", "MB")]),
    ("đóng tiền điện", []),
])
def test_find(text, expected):
    assert [(f.entity, f.value) for f in find(words(text))] == expected


def test_spans_are_word_indices():
    found = find(words("đóng tiền qua ngân hàng nông nghiệp nhé"))
    assert [(f.start, f.end) for f in found] == [(3, 7)]
