"""Turn replies-as-data into text and button labels, from the Jinja2 templates in content/."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from bot.shared.types import Reply
from content import CONTENT_DIR
from content.address_forms import AddressForms
from content.screens import Screens


@dataclass(frozen=True)
class RenderedButton:
    label: str
    payload: str


@dataclass(frozen=True)
class RenderedMessage:
    text: str
    buttons: tuple[tuple[RenderedButton, ...], ...]
    image: Path | None
    image_name: str | None = None
    image_alt: str | None = None  # what the image shows, from screens.yml (web chat's alt, a photo's caption)


class Renderer:
    """Renders templates (content/templates/*.j2) and button labels (buttons.yml)."""

    def __init__(self, content_dir: Path = CONTENT_DIR):
        self.content_dir = content_dir
        self.env = Environment(
            loader=FileSystemLoader(content_dir / "templates"),
            undefined=StrictUndefined,
            autoescape=False,  # plain chat text; the web page escapes on display
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
        )
        self.env.filters["say"] = self._say
        labels = yaml.safe_load((content_dir / "templates" / "buttons.yml").read_text(encoding="utf-8"))
        self.labels = {key: self.env.from_string(value) for key, value in labels.items()}
        self.address_forms = AddressForms.load(content_dir)
        screens_file = content_dir / "screens.yml"
        self.screens = Screens.load(screens_file) if screens_file.is_file() else None

    def _address(self, address_form: str | None) -> dict[str, str]:
        you, me = self.address_forms.pair(address_form)
        return {"you": you, "You": _capital(you), "me": me, "Me": _capital(me)}

    def _say(self, text: str | None, address_form: str | None = None) -> str:
        """Content text may hold {{ you }} / {{ You }}; fill them in."""
        if not text:
            return ""
        return _compiled(self.env, text).render(**self._address(address_form))

    def render(self, reply: Reply, address_form: str | None = None) -> RenderedMessage:
        address = self._address(address_form)
        template = self.env.get_template(f"{reply.template}.j2")
        text = template.render(**address, address_form=address_form, **reply.context).strip()
        buttons = tuple(
            tuple(RenderedButton(self.labels[b.label].render(**address, **b.context).strip(), b.payload)
                  for b in row)
            for row in reply.buttons
        )
        image = self.content_dir / "images" / reply.image if reply.image else None
        alt = self.screens.alt_text(reply.image) if self.screens and reply.image else None
        return RenderedMessage(text=text, buttons=buttons, image=image, image_name=reply.image, image_alt=alt)

    def template_ids(self) -> list[str]:
        return sorted(p.stem for p in (self.content_dir / "templates").glob("*.j2"))


def _capital(word: str) -> str:
    return word[:1].upper() + word[1:]


@lru_cache(maxsize=4096)
def _compiled_cached(env_id: int, text: str, env: Environment):
    return env.from_string(text)


def _compiled(env: Environment, text: str):
    return _compiled_cached(id(env), text, env)
