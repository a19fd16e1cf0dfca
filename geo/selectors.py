"""Reads of units across the 2025 reform: which unit stood for an area during a period, and
where a district of the time lies on today's map.

A unit exists over [valid_from, valid_to] (either end open). ``UnitSuccession`` links a
former unit to the current unit(s) that took it over (provinces to provinces, communes to
communes, a district merged early to the district that took it over — ADR 0008).
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable

from django.db.models import Q

from geo.choices import Level
from geo.models import AdministrativeUnit, UnitSuccession


def existed_between(unit: AdministrativeUnit, start: datetime.date, end: datetime.date) -> bool:
    """Whether ``unit`` existed on at least one day of [start, end]."""
    return (unit.valid_from is None or unit.valid_from <= end) and (
        unit.valid_to is None or unit.valid_to >= start
    )


def counterparts_between(unit: AdministrativeUnit, start: datetime.date, end: datetime.date):
    """The units of ``unit``'s level linked to it by a succession (the units it took over, or
    those that took it over) that existed during [start, end], by name.

    For today's Đà Nẵng and the year 2021: the former city of Đà Nẵng and the former province
    of Quảng Nam; for the former Quảng Nam and 2026: today's Đà Nẵng.
    """
    linked = Q(successor_links__successor=unit) | Q(predecessor_links__predecessor=unit)
    return (
        AdministrativeUnit.objects.filter(level=unit.level)
        .filter(linked)
        .filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=end),
            Q(valid_to__isnull=True) | Q(valid_to__gte=start),
        )
        .exclude(pk=unit.pk)
        .distinct()
        .order_by("name", "pk")
    )


def main_communes_today(district_ids: Iterable[int]) -> dict[int, int]:
    """For districts of the time: the current commune that took over most of their communes.

    Each former commune's main successor counts once (the official default of a split
    commune), ties go to the commune with most links of any kind, then to the lowest code.
    A district merged into another before the reform (Nông Sơn, ADR 0008) has no communes of
    its own and takes the commune of the district that took it over. Two queries.
    """
    ids = set(district_ids)
    if not ids:
        return {}
    merged = dict(
        UnitSuccession.objects.filter(
            predecessor_id__in=ids, successor__level=Level.DISTRICT
        ).values_list("predecessor_id", "successor_id")
    )
    wanted = ids | set(merged.values())
    main: dict[int, Counter] = {}
    links: dict[int, Counter] = {}
    codes: dict[int, str] = {}
    rows = UnitSuccession.objects.filter(
        predecessor__parent_id__in=wanted,
        predecessor__level=Level.COMMUNE,
        successor__valid_to__isnull=True,
        successor__level=Level.COMMUNE,
    ).values_list("predecessor__parent_id", "successor_id", "successor__code", "is_main")
    for district, commune, code, is_main in rows:
        codes[commune] = code
        links.setdefault(district, Counter())[commune] += 1
        main.setdefault(district, Counter())[commune] += int(is_main)

    def best(district):
        candidates = links.get(district)
        if not candidates:
            return None
        return min(
            candidates,
            key=lambda c: (-main[district][c], -candidates[c], codes[c]),
        )

    result = {}
    for district in ids:
        commune = best(district)
        if commune is None and district in merged:
            commune = best(merged[district])
        if commune is not None:
            result[district] = commune
    return result


def provinces_for(user, *, through: tuple[str, ...] = ("commune", "district")):
    """Provinces whose figures ``user`` may look at: those of their provincial grants and the
    provinces of their grants at the levels ``through``; every province for administrators."""
    qs = AdministrativeUnit.objects.current().provinces().order_by("name")
    scope = user.get_scope()
    if scope.is_admin:
        return qs
    ids = set(scope.unit_ids("province"))
    local = set().union(*(scope.unit_ids(level) for level in through))
    if local:
        ids |= set(
            AdministrativeUnit.objects.filter(pk__in=local).values_list("province_id", flat=True)
        )
    return qs.filter(pk__in=ids)
