"""content/words.yml: the small words the code puts into templates, and the caption under every step image."""
from __future__ import annotations

from content.draw_screens import load_caption
from content.words import Words, words


def test_the_words_load():
    loaded = Words.load()
    assert loaded == words()
    assert loaded.media_word("sticker") == "hình dán (sticker)"
    assert loaded.media_word("voice") == loaded.media_word("audio") == "tin nhắn thoại"
    assert loaded.media_word("hologram") == "loại tin nhắn này"
    assert loaded.guest == "Khách" and loaded.whole_province == "toàn tỉnh"


def test_every_word_is_set():
    loaded = words()
    assert all(loaded.media.values()) and loaded.media_other and loaded.guest and loaded.whole_province


def test_the_step_images_caption_comes_from_screens_yml():
    assert load_caption() == "Hình minh họa, màn hình thật có thể khác"
