"""Places: the communes of the province and their villages."""
from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.storage.base import Base

if TYPE_CHECKING:
    from bot.storage.households import Household


class Commune(Base):
    __tablename__ = "communes"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    villages: Mapped[list["Village"]] = relationship(back_populates="commune")

    def __repr__(self) -> str:
        return f"Commune(id={self.id!r}, name={self.name!r})"


class Village(Base):
    __tablename__ = "villages"
    __table_args__ = (UniqueConstraint("commune_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("communes.id"))
    name: Mapped[str] = mapped_column(String(120))
    commune: Mapped[Commune] = relationship(back_populates="villages")
    households: Mapped[list["Household"]] = relationship(back_populates="village")

    def __repr__(self) -> str:
        return f"Village(id={self.id!r}, name={self.name!r})"
