"""The steps against their screens (content/screen_checks.py, run by `camtay content check`)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot import cli
from bot.settings import Settings
from content import CONTENT_DIR
from content.loader import check_catalog
from content.schema import Step
from content.screen_checks import MAX_IMAGE_BYTES, check_screens, quoted_labels, step_problem, tap_labels
from content.screens import Screens
from tests.content.samples import VALID_TOPIC

SCREENS = Screens.load()


@pytest.mark.parametrize(
    "text, expected",
    [
        ('Bấm "Tiếp tục".', [("Tiếp tục", True)]),
        ("Bấm “Tiếp tục”.", [("Tiếp tục", True)]),
        ("Bấm 'Tiếp tục'.", [("Tiếp tục", True)]),
        ('Bấm "Cài đặt" (CH Play) hoặc "Nhận" (App Store).', [("Cài đặt", True), ("Nhận", True)]),
        ('Gõ "VNeID" vào ô tìm kiếm, rồi bấm "Cài đặt".', [("VNeID", False), ("Cài đặt", True)]),
        ('Điền ô "Số thẻ BHYT".', [("Số thẻ BHYT", True)]),
        ('Đánh dấu vào ô "Tôi đồng ý", rồi bấm "Gửi".', [("Tôi đồng ý", True), ("Gửi", True)]),
        ('Mở lại mục "Ví giấy tờ".', [("Ví giấy tờ", True)]),
        ('Nếu thấy "Yêu cầu bổ sung", bổ sung giấy tờ.', [("Yêu cầu bổ sung", False)]),
        ('Tìm dòng "Mã khách hàng" trên giấy báo.', [("Mã khách hàng", False)]),
        (
            'Người gọi nói VNeID "bị lỗi", cần "đồng bộ" hoặc "kích hoạt".',
            [("bị lỗi", False), ("đồng bộ", False), ("kích hoạt", False)],
        ),
        ('Khi nút đổi thành "Mở" là đã cài xong. Bấm "Mở".', [("Mở", False), ("Mở", True)]),
        ("Chờ tin nhắn báo đã duyệt.", []),
    ],
)
def test_quoted_labels_tell_a_tap_from_a_mention(text, expected):
    assert quoted_labels(text) == expected


def step(text: str, image: str | None = None) -> Step:
    return Step(text=text, image=image)


@pytest.mark.parametrize(
    "the_step",
    [
        step('Bấm "Kích hoạt tài khoản định danh điện tử".', "vneid/kich-hoat.png"),
        step('Bấm "Gửi yêu cầu" hoặc "Kích hoạt tài khoản định danh điện tử".', "vneid/kich-hoat.png"),
        step('Gõ mã khách hàng vào ô mã khách hàng, rồi bấm "Tiếp tục".', "ngan-hang/ma-khach-hang.png"),
        step("Mở ứng dụng VNeID và đăng nhập.", "vneid/dang-nhap.png"),
        step("Chờ tin nhắn báo đã duyệt."),
        step('Nếu thấy "Yêu cầu bổ sung", bổ sung giấy tờ.'),
    ],
    ids=["quoted", "one-of-the-quoted", "a-field-in-words", "unquoted-in-words", "no-tap", "a-mention"],
)
def test_a_step_that_fits_its_screen(the_step):
    assert step_problem(the_step, SCREENS) is None


@pytest.mark.parametrize(
    "the_step, words",
    [
        (
            step('Bấm "Quên mật khẩu".'),
            ['tap "Quên mật khẩu" but shows no screen', 'tap: "Quên mật khẩu"', "content/screens.yml", "image:"],
        ),
        (
            step('Bấm "Quên mật khẩu".', "vneid/kich-hoat.png"),
            ['highlights "Kích hoạt tài khoản định danh điện tử"', 'says to tap "Quên mật khẩu"', "screen's tap"],
        ),
        (step("Mở ứng dụng và bấm xác nhận.", "vneid/kich-hoat.png"), ["which the step does not say"]),
        (step('Bấm "Tiếp tục".', "vneid/khong-co.png"), ["'vneid/khong-co.png' is not described"]),
    ],
    ids=["no-screen", "another-label", "words-not-in-the-step", "undescribed-image"],
)
def test_a_step_that_does_not_fit_its_screen_says_the_fix(the_step, words):
    problem = step_problem(the_step, SCREENS)
    assert problem and all(w in problem for w in words), problem


def test_every_tap_step_of_the_real_content_has_its_screen(checked_catalog):
    catalog, _ = checked_catalog
    assert check_screens(list(catalog), CONTENT_DIR / "topics", CONTENT_DIR / "screens.yml") == []
    tapping = [s for t in catalog for s in t.steps if tap_labels(s)]
    assert tapping and all(s.image for s in tapping)
    assert len(SCREENS.by_file) >= 80


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A copy of the real content's topics, screens and images."""
    root = tmp_path / "content"
    shutil.copytree(CONTENT_DIR / "topics", root / "topics")
    shutil.copytree(CONTENT_DIR / "images", root / "images")
    shutil.copy(CONTENT_DIR / "screens.yml", root / "screens.yml")
    return root


def _step_lines(path: Path, number: int) -> tuple[list[str], int]:
    """The file's lines and the (1-based) line of step `number`'s image:."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    texts = [i for i, line in enumerate(lines) if line.startswith("  - text:")]
    image = next(i for i in range(texts[number - 1], len(lines)) if lines[i].startswith("    image:"))
    return lines, image + 1


def test_content_check_names_the_topic_file_the_step_and_the_fix(content, monkeypatch, capsys):
    topic = content / "topics" / "vneid-reset-password.yml"
    lines, line = _step_lines(topic, 1)
    lines[line - 1] = "    image: null\n"
    topic.write_text("".join(lines), encoding="utf-8")
    monkeypatch.setattr(cli.Settings, "from_env", lambda **_: Settings(content_dir=content))

    assert cli.main(["content", "check"]) == 1
    err = capsys.readouterr().err.splitlines()
    screens_file = content / "screens.yml"
    screens_line = next(
        i
        for i, t in enumerate(screens_file.read_text(encoding="utf-8").splitlines(), start=1)
        if t.strip() == "- file: vneid/quen-mat-khau.png"
    )
    assert err == [
        f"{topic}:{_text_line(topic, 1)}: vneid-reset-password, step 1 says to tap "
        '"Quên mật khẩu" but shows no screen: describe one with tap: "Quên mật khẩu" in content/screens.yml, '
        "draw it (python -m content.draw_screens) and name its file in the step's image:",
        f"{screens_file}:{screens_line}: screen vneid/quen-mat-khau.png is shown by no step: name it in a "
        "step's image: or remove it (and its image)",
        "2 error(s) in content.",
    ]


def _text_line(path: Path, number: int) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [i for i, line in enumerate(lines, start=1) if line.startswith("  - text:")][number - 1]


def test_a_wrong_screen_is_named_at_the_steps_image_line(content):
    topic = content / "topics" / "vneid-documents.yml"
    lines, line = _step_lines(topic, 4)  # "Thẻ bảo hiểm y tế", shown the licence's list
    lines[line - 1] = "    image: vneid/chon-giay-phep-lai-xe.png\n"
    topic.write_text("".join(lines), encoding="utf-8")
    _, errors = check_catalog(content / "topics")
    [error] = [e for e in errors if e.path == topic]
    assert error.line == line
    assert 'step 4 its screen vneid/chon-giay-phep-lai-xe.png highlights "Giấy phép lái xe"' in error.message
    assert 'says to tap "Thẻ bảo hiểm y tế"' in error.message
    assert {e.message.split(":")[0] for e in errors if e.path != topic} == {
        "screen vneid/chon-the-bhyt.png is shown by no step"
    }


def test_an_image_over_the_limit_is_named(content):
    image = content / "images" / "vneid" / "otp.png"
    image.write_bytes(image.read_bytes() + b"\0" * MAX_IMAGE_BYTES)
    _, errors = check_catalog(content / "topics")
    [error] = errors
    assert error.path == content / "screens.yml"
    assert error.message.startswith("image vneid/otp.png is ") and f"more than {MAX_IMAGE_BYTES:,}" in error.message


def test_content_without_screens_is_not_checked_for_them(topics_dir):
    tapping = VALID_TOPIC.replace('"Mở ứng dụng."', "'Bấm \"Mở\".'", 1)
    (topics_dir / "demo-topic.yml").write_text(tapping, encoding="utf-8")
    catalog, errors = check_catalog(topics_dir)
    assert errors == []
    assert tap_labels(catalog["demo-topic"].steps[0]) == ["Mở"]
