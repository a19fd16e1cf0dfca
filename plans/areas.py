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
    """The districts in force on ``day`` of ``area`` (a former province), by name."""
    province = area
    if area.is_current and not area.valid_on(day):
        return AdministrativeUnit.objects.none()
    return (
        AdministrativeUnit.objects.as_of(day)
        .filter(level=Level.DISTRICT, province=province)
        .order_by("name", "code")
    )


def units_of_today(area: AdministrativeUnit):
    """Today's communes that cover ``area`` (its own communes when it is current)."""
    communes = AdministrativeUnit.objects.current().communes()
    if area.is_current:
        return communes.filter(province=area).order_by("name", "code")
    successors = UnitSuccession.objects.filter(predecessor__in=former_communes(area))
    return communes.filter(pk__in=successors.values("successor_id")).order_by("name", "code")


def district_of_the_time(recorded_ids: set[int]) -> dict[int, int | None]:
    """For recorded commune ids: the district of the time (before 1 July 2025) they lie in.

    A former commune: its district. A current commune: the district of the first (main,
    then by code) former commune merged into it. One query for the former, one for links.
    """
    result: dict[int, int | None] = {}
    units = AdministrativeUnit.objects.filter(pk__in=recorded_ids).values_list(
        "pk", "parent_id", "valid_to"
    )
    current = set()
    for pk, parent_id, valid_to in units:
        if valid_to is None:
            current.add(pk)
        else:
            result[pk] = parent_id
    links = (
        UnitSuccession.objects.filter(successor_id__in=current, predecessor__level=Level.COMMUNE)
        .order_by("successor_id", "-is_main", "predecessor__code")
        .values_list("successor_id", "predecessor__parent_id")
    )
    for successor_id, district_id in links:
        result.setdefault(successor_id, district_id)
    for pk in current:
        result.setdefault(pk, None)
    return result
