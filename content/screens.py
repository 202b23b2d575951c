"""The step illustrations described in content/screens.yml: their models, caption and alt text (no drawing)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from jinja2 import Environment, StrictUndefined, Template
from pydantic import Field, model_validator

from content import CONTENT_DIR
from content.schema import Strict

SCREENS_FILE = CONTENT_DIR / "screens.yml"
IMAGES_DIR = CONTENT_DIR / "images"
COLOR = r"^#[0-9a-fA-F]{6}$"


class Element(Strict):
    kind: Literal["title", "text", "button", "input", "list item", "icon row", "checkbox"]
    label: str = ""
    detail: str = ""  # list item: the second line
    value: str = ""  # input: the text in the box
    boxes: int = Field(default=0, ge=0, le=6)  # input: one box per digit of a code
    labels: list[str] = Field(default_factory=list)  # icon row
    color: str | None = Field(default=None, pattern=COLOR)  # list item: its icon

    @model_validator(mode="after")
    def _labels(self) -> "Element":
        if (self.kind == "icon row") != (1 <= len(self.labels) <= 4):
            raise ValueError("an icon row has 1 to 4 labels, the other kinds none")
        return self

    def names(self) -> list[str]:
        """The texts a `tap` may name: the label, an icon's label, an input's typed value."""
        return [t for t in [self.label, *self.labels, self.value if self.kind == "input" else ""] if t]


class Screen(Strict):
    file: str = Field(pattern=r"^[a-z0-9][a-z0-9_\-/]*\.png$")
    app: str = Field(min_length=1)
    color: str = Field(default="#1565c0", pattern=COLOR)
    tap: str = Field(min_length=1)
    hint: str | None = None
    elements: list[Element] = Field(min_length=1)

    @model_validator(mode="after")
    def _one_tap(self) -> "Screen":
        found = sum(e.names().count(self.tap) for e in self.elements)
        if found != 1:
            raise ValueError(f"tap {self.tap!r} must be the label of exactly one element, not {found}")
        return self

    @property
    def tapped(self) -> Element:
        """The element the screen highlights."""
        return next(e for e in self.elements if self.tap in e.names())


@dataclass(frozen=True)
class Screens:
    """screens.yml: the caption under every image, the alt text's template, the screens by file."""

    caption: str
    alt: str
    by_file: dict[str, Screen]

    @classmethod
    def load(cls, path: Path = SCREENS_FILE) -> "Screens":
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        screens = [Screen.model_validate(s) for s in data["screens"]]
        by_file = {s.file: s for s in screens}
        if len(by_file) != len(screens):
            raise ValueError(f"{path}: two screens have the same file name")
        return cls(caption=data["caption"], alt=data["alt"], by_file=by_file)

    def alt_text(self, file: str) -> str | None:
        """What the image shows, in the words of screens.yml's `alt:`; None for an undescribed file."""
        screen = self.by_file.get(file)
        if screen is None:
            return None
        text = _compiled(self.alt).render(
            app=screen.app, tap=screen.tap, hint=screen.hint or "", caption=self.caption
        )
        return " ".join(text.split())


_ENV = Environment(undefined=StrictUndefined, autoescape=False)


@lru_cache(maxsize=8)
def _compiled(source: str) -> Template:
    """The alt text's template, compiled once: compiling it for every step sent was a tenth of a press's CPU."""
    return _ENV.from_string(source)


@lru_cache(maxsize=4)
def screens(path: Path = SCREENS_FILE) -> Screens:
    """screens.yml, loaded once per process."""
    return Screens.load(path)
