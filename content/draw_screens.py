"""Draw the step illustrations described in content/screens.yml as small PNGs.

`python -m content.draw_screens` (re)writes content/images/; with `--check` it draws into a
temporary directory and exits 1 listing images that differ, are missing or are unused.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from functools import lru_cache
from pathlib import Path

import yaml
from PIL import Image, ImageDraw, ImageFont

from content import CONTENT_DIR
from content.screens import IMAGES_DIR, SCREENS_FILE, Element, Screen, Screens

__all__ = ["IMAGES_DIR", "SCREENS_FILE", "Element", "Screen", "check", "load_caption", "load_screens", "write_all"]
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT_FILES = {False: FONT_DIR / "DejaVuSans.ttf", True: FONT_DIR / "DejaVuSans-Bold.ttf"}
SIZE = W, H = 540, 960
SCREEN = L, T, R, B = 56, 72, 484, 884  # the phone's display
PAD = 22  # margin inside the display and gap between elements
X0, X1 = L + PAD, R - PAD  # where elements go
INK, GREY, PALE, MARK = "#1f2933", "#6b7680", "#dde3e8", "#ffc400"


class FontMissing(RuntimeError):
    pass


def fonts_available() -> bool:
    return all(path.is_file() for path in FONT_FILES.values())


@lru_cache(maxsize=None)
def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    if not FONT_FILES[bold].is_file():
        raise FontMissing(
            f"font {FONT_FILES[bold]} not found: install the Debian package fonts-dejavu-core "
            "(apt-get install fonts-dejavu-core)"
        )
    return ImageFont.truetype(str(FONT_FILES[bold]), size)


def load_screens(path: Path = SCREENS_FILE) -> list[Screen]:
    return list(Screens.load(path).by_file.values())


def load_caption(path: Path = SCREENS_FILE) -> str:
    """The caption under every screen, from screens.yml."""
    return Screens.load(path).caption


def wrap(text: str, f, width: float) -> list[str]:
    """`text` broken into lines no wider than `width` (a long word keeps a line of its own)."""
    lines = [""]
    for word in text.split():
        if lines[-1] and f.getlength(f"{lines[-1]} {word}") > width:
            lines.append(word)
        else:
            lines[-1] = f"{lines[-1]} {word}".strip()
    return lines


def put(
    d: ImageDraw.ImageDraw, text: str, f, x: float, y: float, width: float, fill: str, center: bool = False
) -> float:
    """Draw `text` wrapped to `width` from (x, y); return the y below it."""
    for line in wrap(text, f, width):
        d.text((x + ((width - f.getlength(line)) / 2 if center else 0), y), line, font=f, fill=fill)
        y += round(f.size * 1.35)
    return y


def bars(d: ImageDraw.ImageDraw, x: float, y: float, widths: list[float], h: int = 14) -> float:
    """Grey placeholder lines of text; return the y below them."""
    for width in widths:
        d.rounded_rectangle((x, y, x + width, y + h), h // 2, fill=PALE)
        y += h + 12
    return y - 12


def element(d: ImageDraw.ImageDraw, e: Element, color: str, tap: str, top: float):
    """Draw one element from `top`; return its bottom and the box to highlight (or None)."""
    width, y, box = X1 - X0, top, None
    if e.kind in ("title", "text"):
        big = e.kind == "title"
        bottom = (
            put(d, e.label, font(28 if big else 22, big), X0, y, width, INK)
            if e.label
            else bars(d, X0, y, [width * 0.6] if big else [width, width * 0.7], 20 if big else 14)
        )
    elif e.kind == "button":
        lines = wrap(e.label, font(23, True), width - 40)
        bottom = y + max(64, len(lines) * 31 + 30)
        d.rounded_rectangle((X0, y, X1, bottom), 16, fill=color if e.label else PALE)
        mid = (y + bottom) / 2
        put(
            d, e.label, font(23, True), X0 + 20, mid - len(lines) * 31 / 2 - 2, width - 40, "white", True
        ) if e.label else bars(d, X0 + width * 0.3, mid - 7, [width * 0.4])
    elif e.kind == "input":
        y = put(d, e.label, font(20), X0, y, width, GREY) + 4 if e.label else y
        left, step = X0 + (width - 65 * e.boxes + 9) / 2, 65  # digit boxes, 56 wide, centred
        for x0, x1 in [(left + i * step, left + i * step + 56) for i in range(e.boxes)] or [(X0, X1)]:
            d.rounded_rectangle((x0, y, x1, y + 56), 10, outline=GREY, width=2)
        d.text((X0 + 18, y + 28), e.value, font=font(23), fill=INK, anchor="lm")
        bottom = y + 56
    elif e.kind == "list item":
        d.rounded_rectangle((X0, y, X0 + 64, y + 64), 16, fill=e.color or PALE)
        if e.label and e.color:
            d.text((X0 + 32, y + 32), e.label[0], font=font(32, True), fill="white", anchor="mm")
        if e.label:
            bottom = put(d, e.label, font(23, True), X0 + 82, y + 2, width - 82, INK)
            bottom = put(d, e.detail, font(19), X0 + 82, bottom + 2, width - 82, GREY) if e.detail else bottom
        else:
            bottom = bars(d, X0 + 82, y + 12, [width * 0.55, width * 0.35])
        bottom = max(bottom, y + 64) + 12
        d.line((X0, bottom, X1, bottom), fill=PALE, width=2)
    elif e.kind == "checkbox":
        d.rounded_rectangle((X0, y + 2, X0 + 34, y + 36), 6, outline=color, width=3)
        end = (
            put(d, e.label, font(21), X0 + 50, y + 4, width - 50, INK)
            if e.label
            else bars(d, X0 + 50, y + 12, [width * 0.6])
        )
        bottom = max(end, y + 38)
    else:  # icon row
        cell, bottom = width / len(e.labels), y + 80
        for i, label in enumerate(e.labels):
            cx = X0 + cell * (i + 0.5)
            d.rounded_rectangle((cx - 38, y, cx + 38, y + 76), 20, fill=color if label else PALE)
            end = (
                put(d, label, font(18), cx - cell / 2 + 4, y + 86, cell - 8, INK, True)
                if label
                else bars(d, cx - cell * 0.3, y + 90, [cell * 0.6], 12) + 6
            )
            bottom = max(bottom, end)
            box = (cx - cell / 2 + 6, y, cx + cell / 2 - 6, end) if label == tap else box
    return bottom, box or ((X0, top, X1, bottom) if e.kind != "icon row" and tap in e.names() else None)


def highlight(d: ImageDraw.ImageDraw, box, hint: str | None) -> float:
    """Outline `box`, point at it with an arrow from below, add the hint; return the y below."""
    x0, y0, x1, y1 = box
    d.rounded_rectangle((x0 - 15, y0 - 15, x1 + 15, y1 + 15), 22, outline=INK, width=12)
    d.rounded_rectangle((x0 - 13, y0 - 13, x1 + 13, y1 + 13), 20, outline=MARK, width=7)
    ax, tip = (x0 + x1) / 2, y1 + 16
    bottom = tip + 64
    if hint:
        f, room = font(21, True), X1 - X0 - 36
        length = f.getlength(hint)  # a hint of two lines gets two lines of about equal length
        lines = wrap(hint, f, length if length <= room else min(room, length / 2 + 40))
        bw = max(f.getlength(line) for line in lines) + 36
        left = min(max(ax - bw / 2, X0), X1 - bw)
        d.rounded_rectangle(
            (left, bottom - 4, left + bw, bottom + len(lines) * 28 + 18), 14, fill=MARK, outline=INK, width=3
        )
        put(d, hint, f, left + 18, bottom + 7, bw - 36, INK, True)
        bottom += len(lines) * 28 + 18
    d.polygon(
        [
            (ax, tip),
            (ax + 28, tip + 32),
            (ax + 11, tip + 32),
            (ax + 11, tip + 62),
            (ax - 11, tip + 62),
            (ax - 11, tip + 32),
            (ax - 28, tip + 32),
        ],
        fill=MARK,
        outline=INK,
        width=3,
    )
    return bottom


def draw(screen: Screen, caption: str) -> Image.Image:
    img = Image.new("RGB", SIZE, "#eef2f6")
    d = ImageDraw.Draw(img)
    d.rounded_rectangle((L - 18, T - 56, R + 18, B + 60), 58, fill="#263238")  # the phone's body
    d.rounded_rectangle((W / 2 - 40, T - 32, W / 2 + 40, T - 24), 4, fill="#455a64")  # its speaker
    d.rounded_rectangle(SCREEN, 22, fill="white")
    d.text((L + 22, T + 20), "9:41", font=font(17, True), fill=INK, anchor="lm")  # the status bar
    for box in [(R - 90 + i * 8, T + 20 - 4 * i, R - 85 + i * 8, T + 26) for i in range(4)] + [
        (R - 47, T + 16, R - 32, T + 24),
        (R - 21, T + 17, R - 19, T + 23),
    ]:  # signal, battery
        d.rectangle(box, fill=INK)
    d.rounded_rectangle((R - 50, T + 13, R - 22, T + 27), 3, outline=INK, width=2)
    d.rectangle((L, T + 38, R, T + 102), fill=screen.color)  # the app bar
    size = next((n for n in range(26, 16, -1) if font(n, True).getlength(screen.app) <= X1 - X0), 16)
    d.text((X0, T + 70), screen.app, font=font(size, True), fill="white", anchor="lm")  # a long name smaller
    y: float = T + 102 + PAD + 8
    for e in screen.elements:
        y, box = element(d, e, screen.color, screen.tap, y)
        y = (highlight(d, box, screen.hint) if box else y) + PAD + 8
    if y > B:
        raise ValueError(f"{screen.file}: the elements do not fit on the screen")
    d.text((W / 2, B + 30), caption, font=font(16), fill="#b0bec5", anchor="mm")
    return img


def write_all(out_dir: Path, screens: list[Screen] | None = None, caption: str | None = None) -> list[Path]:
    """Draw every described screen into `out_dir` as a palette PNG; return the paths."""
    paths, caption = [], load_caption() if caption is None else caption
    for screen in load_screens() if screens is None else screens:
        paths.append(out_dir / screen.file)
        paths[-1].parent.mkdir(parents=True, exist_ok=True)
        image = draw(screen, caption).quantize(64, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
        image.save(paths[-1], "PNG", optimize=True)
    return paths


def check(images_dir: Path = IMAGES_DIR, screens_file: Path = SCREENS_FILE) -> list[str]:
    """What is wrong with the committed images, one line each; empty when they all match."""
    from content.loader import check_catalog

    screens, problems, redo = load_screens(screens_file), [], "(run python -m content.draw_screens)"
    with tempfile.TemporaryDirectory() as tmp:
        for fresh in write_all(Path(tmp), screens, load_caption(screens_file)):
            name, committed = fresh.relative_to(tmp).as_posix(), images_dir / fresh.relative_to(tmp)
            if not committed.is_file():
                problems.append(f"{name}: missing {redo}")
            elif committed.read_bytes() != fresh.read_bytes():
                problems.append(f"{name}: differs from its description in screens.yml {redo}")
    described = {s.file for s in screens}
    on_disk = sorted(p.relative_to(images_dir).as_posix() for p in images_dir.rglob("[!.]*") if p.is_file())
    problems += [f"{name}: unused, not described in screens.yml" for name in on_disk if name not in described]
    shown = {step.image for topic in check_catalog()[0] for step in topic.steps if step.image}
    return problems + [f"{name}: unused, no step shows it" for name in sorted(described - shown)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m content.draw_screens", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the committed images, change nothing")
    args = parser.parse_args(argv)
    try:
        if args.check:
            problems = check()
            print("\n".join(problems) or "images ok")
            return 1 if problems else 0
        for path in write_all(IMAGES_DIR):
            print(f"wrote {path.relative_to(CONTENT_DIR.parent)} ({path.stat().st_size:,} bytes)")
    except (FontMissing, ValueError, yaml.YAMLError) as exc:  # pydantic's ValidationError is a ValueError
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
