"""The real catalog, loaded once and leniently; an empty topics directory."""
from __future__ import annotations

from pathlib import Path

import pytest

from content.loader import CATALOG_SPEC, check_catalog


@pytest.fixture(scope="session")
def checked_catalog():
    """The real catalog with the topics that load, and the errors of those that do not."""
    return check_catalog(spec=CATALOG_SPEC)


@pytest.fixture
def topics_dir(tmp_path: Path) -> Path:
    path = tmp_path / "topics"
    path.mkdir()
    return path
