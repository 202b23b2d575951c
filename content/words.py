"""Small words the code puts into templates (content/words.yml): what a sticker is called, a guest's name."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from content import CONTENT_DIR

WORDS_FILE = CONTENT_DIR / "words.yml"


@dataclass(frozen=True)
class Words:
    media: dict[str, str]
    media_other: str
    guest: str
    whole_province: str

    @classmethod
    def load(cls, path: Path = WORDS_FILE) -> Words:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return cls(dict(data["media"]), data["media_other"], data["guest"], data["whole_province"])

    def media_word(self, media: str) -> str:
        return self.media.get(media, self.media_other)


@cache
def words() -> Words:
    return Words.load()
