"""Fresh databases for one measurement or one test: a SQLite file, or a PostgreSQL database dropped afterwards."""
from __future__ import annotations

import contextlib
import os
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

POSTGRES_ADMIN_URL = os.environ.get("CAMTAY_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def postgres_problem() -> str | None:
    """None when PostgreSQL answers, else why not."""
    try:
        engine = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text("select 1"))
        engine.dispose()
        return None
    except Exception as exc:  # any driver or network error means: not reachable
        return f"{type(exc).__name__}: {exc}"


@contextlib.contextmanager
def postgres_database(prefix: str = "camtay_bench"):
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextlib.contextmanager
def sqlite_database(folder: Path, name: str):
    path = folder / f"{name}.sqlite3"
    for leftover in folder.glob(f"{name}.sqlite3*"):
        leftover.unlink()
    yield f"sqlite:///{path}"
