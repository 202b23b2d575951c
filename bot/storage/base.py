"""The declarative base every model module builds on, the clock its defaults use, and a DML row count."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, ClassVar, cast

from sqlalchemy import CursorResult, Executable, Table
from sqlalchemy.orm import DeclarativeBase, Session


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    # Every model here maps one Table (no mapping of a join or a select), so say so to the type checker.
    __table__: ClassVar[Table]


def changed_rows(session: Session, statement: Executable) -> int:
    """Execute an UPDATE or DELETE (no RETURNING) in the session; how many rows it changed."""
    # Session.execute is typed as returning a plain Result; for such a statement it is a CursorResult.
    return cast(CursorResult[Any], session.execute(statement)).rowcount
