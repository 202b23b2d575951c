"""Adoption: per platform, the households with at least one member who has it (an outcome "done", said by the
citizen or recorded by the team), per village, commune and the whole scope, month by month (cumulative)."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.admin.period import Month, local_month
from bot.admin.queries.common import dialect
from bot.admin.scope import Scope
from bot.storage.households import Household
from bot.storage.outcomes import OUTCOME_DONE, Outcome
from bot.storage.places import Commune, Village
from content.loader import Catalog

MONTHS = 12  # the months the page shows, the chosen one last


@dataclass
class PlaceAdoption:
    """A village, a commune or the whole scope: its households, and per platform those that had it by the end
    of each month of the window (cumulative: `had[platform][-1]` is at the end of the last month)."""

    id: int | None
    name: str
    households: int = 0
    had: dict[str, list[int]] = field(default_factory=dict)
    villages: list["PlaceAdoption"] = field(default_factory=list)
    # Per platform, the households that had it before the window's first month (what its first month adds to).
    before: dict[str, int] = field(default_factory=dict)

    def count(self, platform: str, month: int = -1) -> int:
        return self.had[platform][month]

    def share(self, platform: str, month: int = -1) -> float | None:
        return self.had[platform][month] / self.households if self.households else None

    def new(self, platform: str, month: int = -1) -> int:
        """Households that first had the platform in that month."""
        series = self.had[platform]
        index = month % len(series)
        return series[index] - (series[index - 1] if index else self.before.get(platform, 0))

    def add(self, other: "PlaceAdoption") -> None:
        self.households += other.households
        for platform, series in other.had.items():
            mine = self.had.setdefault(platform, [0] * len(series))
            self.had[platform] = [a + b for a, b in zip(mine, series)]
            self.before[platform] = self.before.get(platform, 0) + other.before.get(platform, 0)


@dataclass(frozen=True)
class PlatformName:
    id: str
    name: str


@dataclass
class Adoption:
    months: list[Month]
    platforms: list[PlatformName]
    total: PlaceAdoption  # every village in scope (the province for a province admin)
    communes: list[PlaceAdoption]

    def rows(self):
        """(level, commune, village row) for the total, each commune, then its villages: the CSV's order."""
        yield "total", self.total, None
        for commune in self.communes:
            yield "commune", commune, None
            for village in commune.villages:
                yield "village", commune, village


def window(last: Month, months: int) -> list[Month]:
    out = [last]
    while len(out) < months:
        out.insert(0, out[0].previous())
    return out


def adoption(session: Session, scope: Scope, catalog: Catalog, last: Month, months: int = MONTHS,
             commune_id: int | None = None, total_name: str = "") -> Adoption:
    """Households per village in scope, and per (village, platform, month first had) the households whose
    first "done" for the platform fell in that month: two grouped queries, the cumulation in Python."""
    span = window(last, months)
    keys = {str(m): i for i, m in enumerate(span)}
    first_key, last_key = str(span[0]), str(span[-1])
    platforms = [PlatformName(p.id, p.name) for p in catalog.platforms.values()]
    where = [scope.village_filter(Village.id)]
    if commune_id is not None:
        where.append(Village.commune_id == commune_id)
    places = session.execute(
        select(Village.id, Village.name, Commune.id, Commune.name, func.count(Household.id))
        .select_from(Village).join(Commune, Commune.id == Village.commune_id)
        .outerjoin(Household, Household.village_id == Village.id)
        .where(*where).group_by(Village.id, Village.name, Commune.id, Commune.name)
        .order_by(Commune.name, Village.name)).all()
    # A household has a platform from its first "done" for it, whoever said it (citizen or team).
    firsts = (select(Outcome.household_id.label("household_id"), Outcome.platform.label("platform"),
                     func.min(Outcome.at).label("first_at"))
              .where(Outcome.result == OUTCOME_DONE, Outcome.platform.is_not(None),
                     Outcome.household_id.is_not(None))
              .group_by(Outcome.household_id, Outcome.platform).subquery())
    month_of = local_month(firsts.c.first_at, dialect(session))
    village_where = [scope.village_filter(Household.village_id)]
    if commune_id is not None:
        village_where.append(Household.village_id.in_(
            select(Village.id).where(Village.commune_id == commune_id).scalar_subquery()))
    counts = session.execute(
        select(Household.village_id, firsts.c.platform, month_of, func.count())
        .select_from(firsts).join(Household, Household.id == firsts.c.household_id)
        .where(*village_where).group_by(Household.village_id, firsts.c.platform, month_of)).all()
    firsts_by: dict[tuple[int, str], list[int]] = {}
    before: dict[tuple[int, str], int] = {}
    for village_id, platform, month_key, count in counts:
        key, text = (int(village_id), str(platform)), str(month_key)
        if text > last_key:
            continue
        if text < first_key:
            before[key] = before.get(key, 0) + int(count)
            continue
        firsts_by.setdefault(key, [0] * len(span))[keys[text]] += int(count)
    total = PlaceAdoption(None, total_name, had={p.id: [0] * len(span) for p in platforms})
    communes: dict[int, PlaceAdoption] = {}
    for village_id, village_name, cid, commune_name, households in places:
        row = PlaceAdoption(village_id, village_name, int(households))
        for p in platforms:
            running = base = before.get((village_id, p.id), 0)
            series = []
            for added in firsts_by.get((village_id, p.id), [0] * len(span)):
                running += added
                series.append(running)
            row.had[p.id] = series
            row.before[p.id] = base
        commune = communes.setdefault(cid, PlaceAdoption(cid, commune_name,
                                                         had={p.id: [0] * len(span) for p in platforms}))
        commune.villages.append(row)
        commune.add(row)
        total.add(row)
    return Adoption(span, platforms, total, list(communes.values()))
