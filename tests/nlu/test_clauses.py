"""The clause of a long message that asks (nlu/clauses.py)."""
from hypothesis import given
from hypothesis import strategies as st

from nlu.clauses import asking_score, asking_words
from nlu.normalizer import words as normalized


def at_most(n: int):
    return lambda chosen: len(chosen) <= n


STORY = ("Tôi năm nay 70 tuổi, con đi làm xa. Xin hỏi đăng ký VNeID thế nào ạ? "
         "Cảm ơn cô nhiều, chúc cô khỏe, tôi không rành điện thoại lắm.")


def test_a_question_mark_a_question_word_and_a_request_each_count():
    assert asking_score("Xin hỏi đăng ký VNeID thế nào ạ?", normalized("Xin hỏi đăng ký VNeID thế nào ạ")) == 6
    assert asking_score("lam sao dang ky vneid", normalized("lam sao dang ky vneid")) == 2
    assert asking_score("co mat phi ko", normalized("co mat phi ko")) == 2  # "không" ending a clause asks
    assert asking_score("tôi không rành điện thoại lắm", normalized("tôi không rành điện thoại lắm")) == 0
    assert asking_score("chỉ giúp tôi với", normalized("chỉ giúp tôi với")) == 1


def test_a_story_that_asks_in_the_middle_keeps_its_subject_and_its_question():
    assert asking_words(STORY, 4, at_most(12)) == normalized("tôi năm nay 70 xin hỏi đăng ký vneid thế nào ạ")
    # with more room, the clauses leading to the question come along, whole
    assert asking_words(STORY, 4, at_most(30)) == normalized(
        "tôi năm nay 70 tuổi con đi làm xa xin hỏi đăng ký vneid thế nào ạ")


def test_the_question_at_the_start_is_kept_whole():
    text = "Cho tôi hỏi làm sao đổi số điện thoại trên VNeID? Tôi mới mua sim mới, sim cũ bị khóa rồi."
    assert asking_words(text, 4, at_most(14)) == normalized("cho tôi hỏi làm sao đổi số điện thoại trên vneid")


def test_the_caller_keeps_its_choice_when_the_end_asks_or_nothing_asks_or_it_does_not_fit():
    assert asking_words("Mẹ tôi 70 tuổi, mắt kém. Làm sao cài VNeID cho mẹ?", 4, at_most(10)) is None
    assert asking_words("Tôi ở thôn 3. Con tôi đi làm xa. Nhà có điện thoại cũ.", 4, at_most(10)) is None
    assert asking_words(STORY, 4, at_most(5)) is None
    assert asking_words("cài vneid thế nào", 4, at_most(10)) is None  # one clause


@given(st.lists(st.sampled_from(["tôi 70 tuổi", "làm sao đăng ký", "cảm ơn", "có mất phí không", "mẹ tôi",
                                 "xin hỏi cách cài", "nhà ở xa"]), min_size=1, max_size=12),
       st.sampled_from([", ", ". ", "? "]), st.integers(min_value=1, max_value=30))
def test_what_is_chosen_fits_ends_on_an_asking_clause_and_follows_the_text(parts, mark, limit):
    text = mark.join(parts)
    chosen = asking_words(text, 4, at_most(limit))
    if chosen is None:
        return
    assert len(chosen) <= limit
    everything = normalized(text)
    kept = iter(everything)
    assert all(word in kept for word in chosen)  # in the text's order
    # it ends on a clause that asks (a clause chosen is never the last, so the mark follows it)
    assert any(chosen[-len(w):] == w and asking_score(part + mark, w) >= 2
               for part in parts if (w := normalized(part)))
