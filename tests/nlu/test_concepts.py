"""Deciding concepts: their phrases match however a citizen types them, and their tokens are no one's words."""
import pytest

from nlu.concepts import CONCEPTS, PREFIX, concept_tokens, concepts_in
from nlu.normalizer import normalize, words


def test_every_phrase_is_normalized_text():
    """A phrase that the normalizer would rewrite ("ko", "mk") could never match a normalized message."""
    for name, phrases in CONCEPTS.items():
        for phrase in phrases:
            assert normalize(phrase) == phrase, (name, phrase)


@pytest.mark.parametrize("typed, concept", [
    ("Đổi máy rồi không vào được VNeID", "new_device"),
    ("doi may roi ko vao dc vneid", "new_device"),
    ("điện thoại cũ bị hư, mua máy mới", "new_device"),
    ("định danh mức hai làm ở đâu", "level2"),
    ("dinh danh lv2", "level2"),
    ("hồ sơ lý lịch tư pháp xong chưa", "status"),
    ("co nguoi tu xung cong an goi dien", "scam"),
    ("lịch hỗ trợ của tổ công nghệ số tuần này", "team_help"),
    ("đăng ký tạm trú cho người thuê nhà", "residence"),
])
def test_concepts_are_found_in_any_spelling(typed, concept):
    assert concept in concepts_in(words(typed))


def test_a_phrase_matches_whole_words_only():
    # "lừa" is not in the scam set alone: folded it is also "lựa" (choose) and "lúa" (rice)
    assert concepts_in(words("lựa chọn gói cước")) == []
    assert concepts_in(words("máy mớii")) == ["new_device"]  # stretched letters are normalized first
    assert concepts_in(words("máy móc mới mua")) == []


def test_tokens_are_one_per_concept_and_not_words_people_type():
    tokens = concept_tokens(words("quên mật khẩu vneid vì đổi điện thoại mới, đổi máy"))
    assert tokens == [PREFIX + "newdevice", PREFIX + "forgot"]
    assert all(t.isalnum() and t.startswith(PREFIX) for t in tokens)
    assert normalize(" ".join(tokens)) == " ".join(tokens)
