"""The erasure tests' scan: every text column of every table, from the metadata, so a future table is covered."""
from __future__ import annotations

from sqlalchemy import String, Text, func, select

from bot.storage.schema import metadata


def texts_holding(session, needle: str) -> list[str]:
    """Every text column of every table (from the metadata: a future table is covered) that holds `needle`."""
    found = []
    for table in metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, (String, Text)):
                count = session.scalar(select(func.count()).select_from(table).where(column.contains(needle)))
                if count:
                    found.append(f"{table.name}.{column.name}")
    return found
