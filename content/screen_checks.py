"""The steps against their screens: a step that says to tap a quoted label shows a screen highlighting it.

Run by `camtay content check` (through content.loader.check_catalog) when the content has a screens.yml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from content.schema import Step, Topic
from content.screens import Screens

MAX_IMAGE_BYTES = 80_000
# A label in quotes as the steps write it: "…", “…” or '…'.
QUOTED = re.compile(r"\"([^\"]+)\"|“([^”]+)”|'([^']+)'")
# The words before a quote that say what it is: tapped, chosen, ticked or typed into (a label on the screen) ...
TAP_WORDS = ("bấm", "chọn", "chạm", "nhấn", "mở", "vào", "nút", "mục", "ô", "điền", "đánh dấu", "quay lại")
# ... or something else: text to type in, a message seen or heard, a word on a bill.
OTHER_WORDS = ("gõ", "tìm", "thấy", "chữ", "báo", "nói", "cần", "xưng", "thành", "dòng")
_WORD = re.compile(
    r"(?<!\w)(" + "|".join(sorted(TAP_WORDS + OTHER_WORDS, key=len, reverse=True)) + r")(?!\w)", re.IGNORECASE
)


@dataclass(frozen=True)
class Problem:
    """What is wrong, in which file, and where: a YAML path (a topic's step) or a text on the line."""

    path: Path
    message: str
    loc: tuple = ()
    near: str = ""


def quoted_labels(text: str) -> list[tuple[str, bool]]:
    """Every quoted text of a step, and whether the step taps it (True) or only mentions it.

    A quote is tapped when the last of the words above before it is a tap word; a quote right after
    another ("A" hoặc "B") is of the same kind as that one."""
    found: list[tuple[str, bool]] = []
    start = 0
    for match in QUOTED.finditer(text):
        words = _WORD.findall(text[start : match.start()])
        tapped = words[-1].lower() in TAP_WORDS if words else (found[-1][1] if found else False)
        found.append((next(g for g in match.groups() if g is not None), tapped))
        start = match.end()
    return found


def tap_labels(step: Step) -> list[str]:
    """The quoted labels the step says to tap, choose, tick or fill in."""
    return [label for label, tapped in quoted_labels(step.text) if tapped]


def _says(text: str, words: str) -> bool:
    """Whether `text` contains `words` as whole words, whatever their case."""
    return re.search(r"(?<!\w)" + re.escape(words) + r"(?!\w)", text, re.IGNORECASE) is not None


def step_problem(step: Step, screens: Screens) -> str | None:
    """Why this step's screen does not fit it, or why it needs one; None when all is well."""
    taps = tap_labels(step)
    if step.image is None:
        if not taps:
            return None
        return (
            f'says to tap "{taps[0]}" but shows no screen: describe one with tap: "{taps[0]}" in '
            "content/screens.yml, draw it (python -m content.draw_screens) and name its file in the step's image:"
        )
    screen = screens.by_file.get(step.image)
    if screen is None:
        return (
            f"image {step.image!r} is not described in content/screens.yml: describe it there "
            "(python -m content.draw_screens draws it)"
        )
    if screen.tap in taps:
        return None
    if not taps or screen.tapped.kind == "input":  # a field the step names in its own words
        if _says(step.text, screen.tap):
            return None
        return (
            f'its screen {step.image} highlights "{screen.tap}", which the step does not say: make the '
            "screen's tap a text of the step (quoted, or the words naming the field or button)"
        )
    wanted = " or ".join(f'"{t}"' for t in taps)
    return (
        f'its screen {step.image} highlights "{screen.tap}" but the step says to tap {wanted}: make the '
        "screen's tap one of these, exactly as the step quotes it"
    )


def check_screens(topics: list[Topic], topics_dir: Path, screens_file: Path) -> list[Problem]:
    """Every tap step against its screen, every screen shown by a step, every image small enough."""
    screens = Screens.load(screens_file)
    problems = []
    for topic in topics:
        path = topics_dir / f"{topic.id}.yml"
        for number, step in enumerate(topic.steps, start=1):
            problem = step_problem(step, screens)
            if problem:
                loc = ("steps", number - 1, "image" if step.image else "text")
                problems.append(Problem(path, f"{topic.id}, step {number} {problem}", loc=loc))
    shown = {step.image for topic in topics for step in topic.steps if step.image}
    images = screens_file.parent / "images"
    for file in screens.by_file:
        if file not in shown:
            problems.append(
                Problem(
                    screens_file,
                    f"screen {file} is shown by no step: name it in a step's image: or remove it (and its image)",
                    near=f"file: {file}",
                )
            )
        image = images / file
        if image.is_file() and image.stat().st_size > MAX_IMAGE_BYTES:
            problems.append(
                Problem(
                    screens_file,
                    f"image {file} is {image.stat().st_size:,} bytes, more than "
                    f"{MAX_IMAGE_BYTES:,}: give the screen fewer or shorter elements",
                    near=f"file: {file}",
                )
            )
    return problems
