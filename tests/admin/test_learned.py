"""The learned-examples writer: Rasa NLU YAML, atomic, idempotent, read by the next training."""
import threading

import pytest
import yaml

from bot.admin.learned import ExampleRefused, add_example, known_examples, learned_topics, read_learned
from nlu import training


def test_the_first_example_creates_the_file_in_rasa_format(tmp_path):
    path = tmp_path / "data" / "learned.yml"
    result = add_example(path, "vneid-register", "  cài   cái vneid ở đâu  ")
    assert (result.status, result.intent, result.text) == ("added", "topic_vneid_register", "cài cái vneid ở đâu")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert data["version"] == "3.1"
    assert data["nlu"] == [{"intent": "topic_vneid_register", "examples": "- cài cái vneid ở đâu\n"}]


def test_adding_again_changes_nothing_even_written_differently(tmp_path):
    path = tmp_path / "learned.yml"
    add_example(path, "vneid-register", "Cài VNeID ở đâu?")
    before = path.read_bytes()
    assert add_example(path, "vneid-register", "cai vneid o dau").status == "unchanged"
    assert path.read_bytes() == before


def test_a_question_moved_to_another_topic_leaves_the_first(tmp_path):
    path = tmp_path / "learned.yml"
    add_example(path, "vneid-register", "quên mật khẩu")
    add_example(path, "vneid-register", "cài vneid")
    result = add_example(path, "vneid-reset-password", "Quên mật khẩu")
    assert (result.status, result.previous_intent) == ("moved", "topic_vneid_register")
    assert read_learned(path) == {"topic_vneid_register": ["cài vneid"],
                                  "topic_vneid_reset_password": ["Quên mật khẩu"]}
    assert learned_topics(path) == {"cai vneid": "topic_vneid_register",
                                    "quen mat khau": "topic_vneid_reset_password"}


def test_a_question_that_means_something_else_in_the_training_data_is_refused(tmp_path, catalog):
    known = known_examples(catalog, training.HAND_WRITTEN)
    with pytest.raises(ExampleRefused, match="greet"):
        add_example(tmp_path / "learned.yml", "vneid-register", "Xin chào", known)
    own = catalog["vneid-register"].examples[0]
    assert add_example(tmp_path / "learned.yml", "vneid-register", own, known).status == "unchanged"
    assert not (tmp_path / "learned.yml").exists()


@pytest.mark.parametrize("text", ["", "   ", "x" * 301, "[VNeID](app) là gì", 'a]{"entity": "x"}', "a][b",
                                  # Personal numbers never reach the training data, nor their masks.
                                  "cccd 001203004567 bi khoa", "otp 123 456 khong ve", "goi 0912345678",
                                  "so cccd [SỐ GIẤY TỜ] sai"])
def test_texts_that_cannot_be_examples_are_refused(tmp_path, text):
    with pytest.raises(ExampleRefused):
        add_example(tmp_path / "learned.yml", "vneid-register", text)
    assert not (tmp_path / "learned.yml").exists()


def test_concurrent_writers_lose_nothing_and_leave_no_temporary_file(tmp_path):
    path = tmp_path / "learned.yml"
    threads = [threading.Thread(target=add_example, args=(path, "scam-safety", f"câu hỏi số {i}"))
               for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(read_learned(path)["topic_scam_safety"]) == 20
    assert [p.name for p in tmp_path.iterdir()] == ["learned.yml"]


def test_a_failed_write_keeps_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "learned.yml"
    add_example(path, "scam-safety", "có phải lừa đảo không")
    before = path.read_bytes()

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("os.replace", broken)
    with pytest.raises(OSError):
        add_example(path, "scam-safety", "một câu khác")
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["learned.yml"]


def test_the_next_training_reads_the_learned_examples(tmp_path, catalog, monkeypatch):
    data_dir = tmp_path / "nlu-data"
    data_dir.mkdir()
    (data_dir / "conversation.yml").write_text((training.HAND_WRITTEN / "conversation.yml").read_text("utf-8"),
                                               encoding="utf-8")
    monkeypatch.setattr(training, "HAND_WRITTEN", data_dir)
    before = training.prepare(catalog, tmp_path / "build-1")
    add_example(data_dir / "learned.yml", "pay-electricity", "đóng tiền điện bằng điện thoại được không")
    after = training.prepare(catalog, tmp_path / "build-2")
    assert after.fingerprint != before.fingerprint  # so `camtay train` does not skip
    written = yaml.safe_load((after.data_dir / "learned.yml").read_text(encoding="utf-8"))
    assert written["nlu"][0]["intent"] == "topic_pay_electricity"
