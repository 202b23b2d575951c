"""Diacritics put back on messages typed without them (nlu/accents.py), as the sentence embedding sees them."""
import json

from nlu.accents import Accents, typed_plain, typed_without_diacritics
from nlu.evaluation import EVAL_SET, load_questions, training_examples
from nlu.normalizer import fold, words

SENTENCES = ["Quên mật khẩu VNeID thì làm sao", "Tôi bị mất điện thoại rồi", "mật khẩu bị lộ",
             "mất tiền oan", "đăng ký tài khoản"]


def _accents(sentences=SENTENCES) -> Accents:
    return Accents.learn([words(s) for s in sentences])


def _restored(accents: Accents, text: str) -> str:
    return " ".join(accents.restore(words(text)))


def test_each_word_gets_the_spelling_its_neighbours_choose():
    accents = _accents()
    assert _restored(accents, "quen mat khau vneid") == "quên mật khẩu vneid"
    assert _restored(accents, "bi mat dien thoai roi") == "bị mất điện thoại rồi"


def test_a_word_the_data_never_spelt_stays_as_typed():
    assert _restored(_accents(), "dang ky xe may") == "đăng ký xe may"


def test_a_message_typed_with_diacritics_is_left_alone():
    # "tai" would become "tài" after "đăng ký"; the citizen typed it plainly among accented words.
    assert _restored(_accents(), "Đăng ký tai nhà được không") == "đăng ký tai nhà được không"


def test_expanded_abbreviations_do_not_make_a_message_look_accented():
    typed = words("dang ky tai khoan ko dc")
    assert typed[-2:] == ["không", "được"] and typed_without_diacritics(typed)
    assert _restored(_accents(), "dang ky tai khoan ko dc") == "đăng ký tài khoản không được"


def test_how_a_message_was_typed_is_judged_on_the_words_as_typed():
    # "mk" expands to "mật khẩu": half the normalized words carry diacritics, none of the typed ones did.
    normalized = words("quen mk vneid")
    assert not typed_without_diacritics(normalized) and typed_plain("quen mk vneid")
    assert " ".join(_accents().restore(normalized, typed_plain("quen mk vneid"))) == "quên mật khẩu vneid"
    assert not typed_plain("Đăng ký tai nhà được không") and not typed_plain("đc ko")
    assert typed_plain("toi ko bik dk vneid muc 2") and not typed_plain("") and not typed_plain("1900 0368")


def test_sentences_typed_without_diacritics_teach_no_spelling():
    accents = _accents(["quen mat khau", "mất điện"])
    assert _restored(accents, "quen mat dien") == "quen mất điện"


def test_the_learnt_spellings_survive_json():
    accents = _accents()
    again = Accents.from_json(json.loads(json.dumps(accents.to_json(), ensure_ascii=False)))
    for text in ("quen mat khau vneid", "bi mat dien thoai roi", "mat tien"):
        assert _restored(again, text) == _restored(accents, text)


def test_most_words_of_the_tuning_set_come_back_as_written(catalog):
    """Folded, then restored from the training data: the tuning set's questions typed with diacritics."""
    accents = Accents.learn([words(e) for texts in training_examples(catalog).values() for e in texts])
    right = total = 0
    for question in load_questions(EVAL_SET):
        if question.diacritics:
            written = words(question.text)
            restored = accents.restore([fold(w) for w in written])
            right += sum(a == b for a, b in zip(written, restored))
            total += len(written)
    assert right / total >= 0.93  # 94.4% on 2026-12-07
