"""Shared fixtures: a fresh database per test, built services, one real Rasa model per run."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.services import build_services
from bot.settings import ROOT, Settings
from bot.shared.team_settings import TeamSettings
from content.loader import load_catalog
from devtools.databases import POSTGRES_ADMIN_URL, postgres_database, postgres_problem


@pytest.fixture(scope="session")
def catalog():
    return load_catalog()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings for one test: its own SQLite file, no NLU, no Telegram.

    Consent is presumed, so that other features' tests see their own replies; the privacy tests
    (tests/privacy/test_privacy.py) ask for it as a citizen would."""
    return Settings(database_url=f"sqlite:///{tmp_path / 'camtay.sqlite3'}", nlu_url=None,
                    telegram_bot_token=None, team=TeamSettings(presumed_consent=True),
                    # One loopback address drives the web chat far faster than a person: the limit has its
                    # own test (tests/web/test_chat_rate_limit.py).
                    web_chat_rate_limit="100000/minute")


@pytest.fixture
async def services(settings, catalog):
    built = build_services(settings, catalog)
    yield built
    await built.aclose()


@pytest.fixture
def postgres_url():
    """A new, empty PostgreSQL database for one test, dropped afterwards."""
    problem = postgres_problem()
    if problem:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is not reachable at {POSTGRES_ADMIN_URL}: {problem}")
        pytest.skip(f"PostgreSQL is not reachable ({problem}); CI runs these tests")
    with postgres_database("camtay_test") as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def both_databases_url(request, tmp_path: Path) -> str:
    """A new, empty database for one test, which runs twice: on SQLite ([sqlite]), then on PostgreSQL ([postgres])."""
    if request.param == "sqlite":
        # A file of its own, so that a test may also use the suite's `settings` database beside it.
        return f"sqlite:///{tmp_path / 'both.sqlite3'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def both_databases_settings(settings, both_databases_url) -> Settings:
    """The test's settings on both_databases_url: the test runs on SQLite, then on PostgreSQL."""
    return settings.with_(database_url=both_databases_url)


@pytest.fixture(scope="session")
def rasa_model(catalog) -> Path:
    """One real Rasa model per run (reused across runs while data and config are unchanged)."""
    from nlu.training import train
    model, _ = train(catalog, ROOT / "models", ROOT / ".venv-rasa", ROOT / "build")
    return model


@pytest.fixture(scope="session")
def rasa_server(rasa_model):
    """A real Rasa NLU server on loopback for the whole run."""
    from nlu.server import RasaServer
    with RasaServer(rasa_model, ROOT / ".venv-rasa", log_file=ROOT / "build" / "rasa-test-server.log") as server:
        yield server


@pytest.fixture
def nlu_settings(settings, rasa_server) -> Settings:
    return settings.with_(nlu_url=rasa_server.url, nlu_token=rasa_server.token)


CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _chromium_path() -> str | None:
    for candidate in (os.environ.get("CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"):
        if candidate and Path(candidate).exists():
            return candidate
    return None


@pytest.fixture(scope="session")
async def browser():
    """Debian's headless Chromium, driven by Playwright, shared by the run's browser tests."""
    path = _chromium_path()
    if path is None:
        message = "Chromium not found (scripts/ensure-chromium.sh installs it)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.async_api import async_playwright
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield chromium
        await chromium.close()
