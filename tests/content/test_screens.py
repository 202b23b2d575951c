"""The step illustrations: drawn deterministically from content/screens.yml, committed, small, shown."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PIL import Image

from content import draw_screens
from content.loader import check_catalog
from content.screen_checks import MAX_IMAGE_BYTES
from content.screens import Screens

IMAGES_DIR = draw_screens.IMAGES_DIR
# A few screens of each kind of element and app, drawn twice (all of them are drawn once by the check).
SAMPLE = ["ch-play/vneid.png", "vneid/otp.png", "vneid/xac-nhan-bhyt.png", "ngan-hang/thanh-toan-hoa-don.png",
          "bocongan/quan-ly-ho-so.png", "dien-thoai/cai-dat.png"]
needs_font = pytest.mark.skipif(
    not draw_screens.fonts_available(),
    reason=f"DejaVu Sans is missing from {draw_screens.FONT_DIR}: install the Debian package fonts-dejavu-core")


def committed_images() -> list[Path]:
    return sorted(IMAGES_DIR.rglob("*.png"))


@needs_font
def test_drawing_is_deterministic(tmp_path):
    screens = [s for s in draw_screens.load_screens() if s.file in SAMPLE]
    assert len(screens) == len(SAMPLE)
    first = draw_screens.write_all(tmp_path / "a", screens)
    second = draw_screens.write_all(tmp_path / "b", screens)
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]


@needs_font
def test_committed_images_match_their_descriptions():
    problems = draw_screens.check()
    assert not problems, "\n".join(problems)


@needs_font
def test_check_reports_changed_missing_and_unused_images(tmp_path):
    images = tmp_path / "images"
    shutil.copytree(IMAGES_DIR, images)
    changed, missing = [s.file for s in draw_screens.load_screens()[:2]]
    Image.new("P", draw_screens.SIZE).save(images / changed)
    (images / missing).unlink()
    (images / "stray.png").write_bytes((images / changed).read_bytes())
    problems = draw_screens.check(images_dir=images)
    assert [p.split(":")[0] for p in problems] == [changed, missing, "stray.png"]
    assert "differs" in problems[0] and "missing" in problems[1] and "unused" in problems[2]


def test_missing_font_names_the_debian_package(monkeypatch, capsys):
    monkeypatch.setattr(draw_screens, "FONT_FILES", {False: Path("/nonexistent/DejaVuSans.ttf"),
                                                     True: Path("/nonexistent/DejaVuSans-Bold.ttf")})
    draw_screens.font.cache_clear()
    try:
        assert draw_screens.main(["--check"]) == 2
    finally:
        draw_screens.font.cache_clear()
    assert "fonts-dejavu-core" in capsys.readouterr().err


def test_tap_may_name_the_text_typed_into_an_input():
    screen = draw_screens.Screen(file="x.png", app="CH Play", tap="VssID",
                                 elements=[{"kind": "input", "value": "VssID"}, {"kind": "button", "label": "Cài đặt"}])
    assert screen.tapped.kind == "input"


def test_tap_must_name_one_element():
    with pytest.raises(ValueError, match="exactly one element"):
        draw_screens.Screen(file="x.png", app="VNeID", tap="Gửi yêu cầu",
                            elements=[{"kind": "button", "label": "Tiếp tục"}])


def test_every_step_image_exists_and_is_described():
    catalog, _ = check_catalog()
    shown = {step.image for topic in catalog for step in topic.steps if step.image}
    assert shown, "no step shows an image"
    assert sorted(i for i in shown if not (IMAGES_DIR / i).is_file()) == []
    assert shown <= {s.file for s in draw_screens.load_screens()}


@pytest.mark.parametrize("path", committed_images(), ids=lambda p: p.relative_to(IMAGES_DIR).as_posix())
def test_image_is_small_and_decodes(path):
    assert path.stat().st_size <= MAX_IMAGE_BYTES
    with Image.open(path) as image:
        assert image.format == "PNG"
        image.load()
        assert image.size == draw_screens.SIZE


def test_alt_text_is_the_contents_words_with_the_screens():
    screens = Screens.load()
    assert screens.alt_text("vneid/kich-hoat.png") == (
        "Hình minh họa màn hình VNeID, chỗ tô vàng là “Kích hoạt tài khoản định danh điện tử”. Bấm vào đây.")
    assert screens.alt_text("no/such.png") is None
    for screen in screens.by_file.values():
        alt = screens.alt_text(screen.file)
        assert alt and f"“{screen.tap}”" in alt and screen.app in alt and "{" not in alt


def test_renderer_hands_on_the_alt_text():
    from bot.render import Renderer
    from bot.shared.types import Reply

    step = {"text": "Bấm vào nút.", "tip": None, "warning": None}
    reply = Reply("tutorial_step", {"topic_id": "t", "number": 1, "total": 1, "step": step}, image="vneid/otp.png")
    message = Renderer().render(reply, "bác")
    assert message.image_alt == Screens.load().alt_text("vneid/otp.png")
    assert Renderer().render(Reply("tutorial_step", reply.context), "bác").image_alt is None
