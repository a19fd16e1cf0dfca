"""Which records lie in a plan's area, on today's map or on the map of the plan's time.

A record keeps the commune where it was recorded (possibly a former commune) and today's
commune. A plan of a current province counts records by today's commune. A plan of a former
unit (Quảng Nam before 1 July 2025, one of its districts) counts records recorded in one of
its former communes, or recorded after the reform in a current commune that took over one
of them.
"""

from __future__ import annotations

import datetime

from django.db.models import Q

from geo.choices import Level
from geo.models import AdministrativeUnit, UnitSuccession


def former_communes(unit: AdministrativeUnit):
    """The communes of a former province or district (the commune itself for a commune)."""
    communes = AdministrativeUnit.objects.filter(level=Level.COMMUNE, valid_to__isnull=False)
    if unit.level == Level.PROVINCE:
        return communes.filter(province=unit)
    if unit.level == Level.DISTRICT:
        return communes.filter(parent=unit)
    return communes.filter(pk=unit.pk)


def area_q(unit: AdministrativeUnit, current_path: str, recorded_path: str) -> Q:
    """Rows (by their unit paths) that lie in ``unit``."""
    if unit.is_current:
        if unit.level == Level.PROVINCE:
            return Q(**{f"{current_path}__province_id": unit.pk})
        return Q(**{f"{current_path}_id": unit.pk})
    old = former_communes(unit)
    successors = UnitSuccession.objects.filter(predecessor__in=old).values("successor_id")
    return Q(**{f"{recorded_path}_id__in": old.values("pk")}) | Q(
        **{f"{recorded_path}_id__in": successors}
    )


def units_of_the_time(area: AdministrativeUnit, day: datetime.date):
    """The districts of ``area`` (a former province) in force on ``day``, by name; on a day
    after the area ended, those of its last day (a plan's map of the time stays its own)."""
    if area.is_current:
        return AdministrativeUnit.objects.none()
    if area.valid_to is not None and day > area.valid_to:
        day = area.valid_to
    return (
        AdministrativeUnit.objects.as_of(day)
        .filter(level=Level.DISTRICT, province=area)
        .order_by("name", "code")
    )


def units_of_today(area: AdministrativeUnit):
    """Today's communes that cover ``area`` (its own communes when it is current)."""
    communes = AdministrativeUnit.objects.current().communes()
    if area.is_current:
        return communes.filter(province=area).order_by("name", "code")
    successors = UnitSuccession.objects.filter(predecessor__in=former_communes(area))
    return communes.filter(pk__in=successors.values("successor_id")).order_by("name", "code")


def district_of_the_time(
    unit_ids: set[int], within: AdministrativeUnit | None = None
) -> dict[int, int | None]:
    """For units where records were recorded: the district of the time (before 1 July 2025)
    they lie in.

    A district: itself. A former commune: its district. A current commune: the district of
    the first (main, then by code) former commune merged into it — among the former
    communes of ``within`` when given, so that a commune made of communes of two former
    provinces is placed in the plan's own. Two queries.
    """
    result: dict[int, int | None] = {}
    units = AdministrativeUnit.objects.filter(pk__in=unit_ids).values_list(
        "pk", "level", "parent_id", "valid_to"
    )
    current = set()
    for pk, level, parent_id, valid_to in units:
        if level == Level.DISTRICT:
            result[pk] = pk
        elif valid_to is None:
            current.add(pk)
        else:
            result[pk] = parent_id
    links = UnitSuccession.objects.filter(
        successor_id__in=current, predecessor__level=Level.COMMUNE
    )
    if within is not None and not within.is_current:
        links = links.filter(predecessor__in=former_communes(within))
    links = links.order_by("successor_id", "-is_main", "predecessor__code").values_list(
        "successor_id", "predecessor__parent_id"
    )
    for successor_id, district_id in links:
        result.setdefault(successor_id, district_id)
    for pk in current:
        result.setdefault(pk, None)
    return result


def unit_placement(rows) -> dict[int, tuple[int | None, int | None]]:
    """Where the units counted by a coverage lie (``rows``: ``market.selectors`` coverage
    rows, each a unit with the open points counted in it).

    The unit of the time is the unit itself. On today's map a current commune is itself; a
    unit of the time with a point lies in the current commune of its first point (the
    point that makes it count), one without in the current commune that took over most of
    its communes (``geo.selectors.main_communes_today``) — so a coverage split by today's
    communes adds up to the coverage. Two or three queries.
    """
    from geo.selectors import main_communes_today

    placement: dict[int, tuple[int | None, int | None]] = {}
    empty_districts, empty_communes = [], []
    for row in rows:
        unit = row.unit
        if unit.is_current:
            placement[unit.pk] = (unit.pk, unit.pk)
        elif row.count:
            placement[unit.pk] = (row.points[0].current_unit_id, unit.pk)
        elif unit.level == Level.DISTRICT:
            empty_districts.append(unit.pk)
        else:
            empty_communes.append(unit.pk)
    for district, commune in main_communes_today(empty_districts).items():
        placement[district] = (commune, district)
    links = (
        UnitSuccession.objects.filter(
            predecessor_id__in=empty_communes, successor__valid_to__isnull=True
        )
        .order_by("predecessor_id", "-is_main", "successor__code")
        .values_list("predecessor_id", "successor_id")
    )
    for commune, successor in links if empty_communes else ():
        placement.setdefault(commune, (successor, commune))
    for row in rows:
        placement.setdefault(row.unit.pk, (None, row.unit.pk))
    return placement
