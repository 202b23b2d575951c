"""Channel adapters: turn platform updates into Incoming and render replies for the platform."""
from __future__ import annotations

from pathlib import Path


def upload_key(image: Path) -> tuple[str, int, int]:
    """What an uploaded image is cached under: a changed file is uploaded again."""
    stat = image.stat()
    return str(image), stat.st_mtime_ns, stat.st_size
