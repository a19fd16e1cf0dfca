"""Reads for sales points: where to buy a product, the public map, coverage by unit.

Pure reads with no permission logic of their own: callers pass a queryset already
narrowed with ``restrict()`` where a user is involved (``points=``), or use them for the
public surface, which sees every open point.
"""

from __future__ import annotations

import datetime
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q
from django.utils import timezone

from geo.choices import REFORM_DATE, Level
from geo.models import AdministrativeUnit, UnitSuccession
from market.choices import SalesPointStatus
from market.models import SalesPoint, SalesPointProduct, open_on_q


def _today() -> datetime.date:
    return timezone.localdate()


def where_to_buy(product, on: datetime.date | None = None, points=None):
    """The sales points open on ``on`` that carry ``product`` on that very day."""
    day = on or _today()
    points = SalesPoint.objects.all() if points is None else points
    carrying = SalesPointProduct.objects.filter(product=product, valid_from__lte=day).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=day)
    )
    return (
        points.filter(open_on_q(day), pk__in=carrying.values("sales_point_id"))
        .select_related("current_unit__province", "operator")
        .order_by("current_unit__province__name", "name", "pk")
    )


def public_points(province=None, on: datetime.date | None = None):
    """Points open today (not suspended), for the public map and "where to buy"."""
    day = on or _today()
    qs = (
        SalesPoint.objects.filter(open_on_q(day))
        .exclude(status=SalesPointStatus.SUSPENDED)
        .select_related("current_unit__province", "operator")
    )
    if province is not None:
        qs = qs.filter(current_unit__province=province)
    return qs.order_by("name", "pk")


def products_carried(point: SalesPoint, on: datetime.date | None = None):
    day = on or _today()
    return (
        point.carried.filter(valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .select_related("product__producer")
        .order_by("product__name")
    )


def point_list(points, *, kind: str = "", product=None, q: str = "", on=None):
    """Filter a (restricted) queryset of points for the map and the list."""
    if kind:
        points = points.filter(kind=kind)
    if product is not None:
        day = on or _today()
        points = points.filter(
            pk__in=SalesPointProduct.objects.filter(product=product, valid_from__lte=day)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
            .values("sales_point_id")
        )
    if q:
        from core.text import fold

        points = points.filter(name_folded__contains=fold(q))
    return points.select_related("current_unit__province", "operator").prefetch_related(
        Prefetch(
            "carried",
            queryset=SalesPointProduct.objects.select_related("product").order_by("product__name"),
        )
    )


# --- coverage ---------------------------------------------------------------------------


@dataclass
class CoverageRow:
    unit: AdministrativeUnit
    count: int = 0
    points: list = field(default_factory=list)


@dataclass
class Coverage:
    province: AdministrativeUnit
    on: datetime.date
    level: str
    rows: list[CoverageRow]
    unplaced: list = field(default_factory=list)  # open points mapped to no unit listed

    @property
    def without(self) -> list[CoverageRow]:
        return [r for r in self.rows if r.count == 0]

    @property
    def covered(self) -> list[CoverageRow]:
        return [r for r in self.rows if r.count > 0]

    @property
    def total_points(self) -> int:
        return sum(r.count for r in self.rows)

    @property
    def share_covered(self) -> float:
        return len(self.covered) / len(self.rows) if self.rows else 0.0

    @property
    def is_past_map(self) -> bool:
        return self.on < REFORM_DATE


def _provinces_of_the_time(province: AdministrativeUnit, day: datetime.date):
    """The province(s) in force on ``day`` that ``province`` is, or was made of."""
    if province.valid_on(day):
        return [province]
    # a current province asked about a past date: the former provinces merged into it
    return list(
        AdministrativeUnit.objects.provinces()
        .as_of(day)
        .filter(successor_links__successor=province)
        .distinct()
    )


def _distance(point: SalesPoint, unit: AdministrativeUnit) -> float:
    if None in (point.latitude, point.longitude, unit.latitude, unit.longitude):
        return math.inf
    return math.hypot(
        float(point.latitude - unit.latitude), float(point.longitude - unit.longitude)
    )


def former_commune_of(point: SalesPoint, predecessors: Iterable[AdministrativeUnit] = ()):
    """The commune of the time before 1 July 2025 where the point lies.

    A point recorded in a former commune: that commune. A point recorded in a current
    commune: among the former communes merged into it, the one whose centre is nearest
    the point (when the point has coordinates), otherwise the one the official mapping
    names as main, first by code.
    """
    if not point.unit_recorded.is_current:
        return point.unit_recorded
    candidates = list(predecessors)
    if not candidates:
        return None
    return min(candidates, key=lambda u: (_distance(point, u), u.code))


def coverage(
    province: AdministrativeUnit,
    on: datetime.date | None = None,
    level: str | None = None,
    points=None,
) -> Coverage:
    """Which units of ``province`` have an open sales point on ``on``, and how many.

    Today's map (on or after 1 July 2025): the current communes, points counted by their
    current commune. A past date: the districts (or, with ``level="commune"``, the
    communes) in force then, points counted by the unit where they were recorded — a
    point recorded in a current commune is mapped back through the succession table.
    """
    day = on or _today()
    past = day < REFORM_DATE
    level = level or (Level.DISTRICT if past else Level.COMMUNE)
    if not past and level != Level.COMMUNE:
        raise ValueError("since 1 July 2025 there are only communes")
    points = SalesPoint.objects.all() if points is None else points
    open_points = list(
        points.filter(open_on_q(day))
        .select_related("unit_recorded__parent", "current_unit")
        .order_by("name", "pk")
    )

    if not past:
        units = list(
            AdministrativeUnit.objects.current()
            .communes()
            .filter(province=province)
            .order_by("name", "code")
        )
        rows = {u.pk: CoverageRow(u) for u in units}
        unplaced = []
        for p in open_points:
            row = rows.get(p.current_unit_id)
            if row is None:
                continue  # a point of another province
            row.count += 1
            row.points.append(p)
        return Coverage(province, day, level, list(rows.values()), unplaced)

    provinces = _provinces_of_the_time(province, day)
    units = list(
        AdministrativeUnit.objects.as_of(day)
        .filter(level=level, province__in=provinces)
        .select_related("province")
        .order_by("province__name", "name", "code")
    )
    rows = {u.pk: CoverageRow(u) for u in units}

    # former communes merged into the current communes where points were recorded
    current_ids = {p.unit_recorded_id for p in open_points if p.unit_recorded.is_current}
    predecessors: dict[int, list[AdministrativeUnit]] = {}
    for link in UnitSuccession.objects.filter(
        successor_id__in=current_ids, predecessor__level=Level.COMMUNE
    ).select_related("predecessor"):
        if link.predecessor.valid_on(day):
            predecessors.setdefault(link.successor_id, []).append(link.predecessor)

    unplaced = []
    for p in open_points:
        commune = former_commune_of(p, predecessors.get(p.unit_recorded_id, ()))
        if commune is None:
            continue
        unit_id = commune.parent_id if level == Level.DISTRICT else commune.pk
        row = rows.get(unit_id)
        if row is None:
            if p.current_unit.province_id == province.pk:
                unplaced.append(p)
            continue
        row.count += 1
        row.points.append(p)
    return Coverage(province, day, level, list(rows.values()), unplaced)


def count_by_kind(points) -> Counter:
    return Counter(points.values_list("kind", flat=True))
