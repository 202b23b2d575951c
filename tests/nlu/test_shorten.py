"""What of a long message the sentence embedding sees (nlu/shorten.py)."""
from hypothesis import given
from hypothesis import strategies as st

from nlu.shorten import shorten


def words(text: str) -> int:
    return len(text.split())


def test_a_message_that_fits_is_left_whole():
    assert shorten("quên mật khẩu vneid", words, 24) == "quên mật khẩu vneid"
    assert shorten("một hai ba bốn năm sáu", words, 0) == "một hai ba bốn năm sáu"


def test_a_long_message_keeps_its_subject_and_its_question():
    story = ("tài khoản vneid của tôi đang ở mức 1 vào làm thủ tục thì nó báo phải có mức 2 "
             "vậy làm mức 2 thì mang theo những gì")
    assert shorten(story, words, 12) == "tài khoản vneid của làm mức 2 thì mang theo những gì"


@given(st.lists(st.sampled_from(["mức", "2", "vneid", "làm", "sao", "thì", "ạ"]), min_size=1, max_size=60),
       st.integers(min_value=2, max_value=30), st.integers(min_value=0, max_value=6))
def test_the_shortened_text_fits_and_is_the_longest_that_does(parts, limit, head):
    text = " ".join(parts)
    short = shorten(text, words, limit, head)
    kept = short.split()
    if words(text) <= limit:
        assert short == text
        return
    assert kept[:head] == parts[:head]
    tail = kept[head:]
    assert tail == parts[len(parts) - len(tail):]
    if head + 1 <= limit:
        assert words(short) == limit  # the longest tail that fits, never more
