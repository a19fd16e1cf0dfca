"""Reads for training and communication: scoped lists, and the coverage the plans count.

Coverage functions (the plans module calls these; ``units`` is one administrative unit or
an iterable of them — a province counts its communes too unless ``include_communes`` is
False, a commune counts itself):

- ``officials_trained(units, year) -> Coverage``: officials holding an official role
  (accounts.choices.OFFICIAL_ROLES) at one of the units on at least one day of ``year``;
  covered when they attended (attended = yes) a course ending in ``year``.
- ``producers_trained(units, year) -> Coverage``: active producers of the units; covered
  when a representative attended a course ending in ``year``.
- ``producers_informed(units, year) -> Coverage``: the same producers; covered when a
  communication activity dated in ``year`` reached them.

Each person counts once per year (``rules.covered_in_year``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Count, Q, QuerySet

from accounts.choices import OFFICIAL_ROLES, Role
from accounts.models import Assignment, User
from core.params import id_param, year_param
from core.text import fold
from geo.models import AdministrativeUnit
from outreach import rules
from outreach.models import Attendance, CommunicationActivity, Course
from registry.choices import ProducerStatus
from registry.models import Producer

Units = AdministrativeUnit | Iterable[AdministrativeUnit]


class Coverage(NamedTuple):
    numerator: int
    denominator: int
    covered: QuerySet
    not_covered: QuerySet

    @property
    def share(self) -> rules.Share:
        return rules.Share(self.numerator, self.denominator)

    @property
    def percent(self) -> Decimal | None:
        return self.share.percent


def _as_list(units: Units) -> list[AdministrativeUnit]:
    if isinstance(units, AdministrativeUnit):
        return [units]
    return list(units)


def units_filter(path: str, units: Units, *, include_communes: bool = True) -> Q:
    """Rows whose unit at ``path`` is one of ``units`` (or, for a province, in it).

    Three conditions whatever the number of units (subqueries for a queryset): never one
    ``OR`` per unit, which grows with the country (SQLite refuses a tree that deep)."""
    if isinstance(units, QuerySet):
        ids = units.values("pk")
        provinces = ids.filter(level="province") if include_communes else ids.none()
        districts = ids.filter(level="district") if include_communes else ids.none()
        exact = ids.exclude(level="province") if include_communes else ids
    else:
        listed = _as_list(units)
        provinces = [u.pk for u in listed if include_communes and u.level == "province"]
        districts = [u.pk for u in listed if include_communes and u.level == "district"]
        exact = [u.pk for u in listed if not (include_communes and u.level == "province")]
    return (
        Q(**{f"{path}__province_id__in": provinces})
        | Q(**{f"{path}__parent_id__in": districts})
        | Q(**{f"{path}_id__in": exact})
    )


def _official_rows(units: Units, year: int, include_communes: bool = True):
    start, end = rules.year_bounds(year)
    return (
        Assignment.objects.filter(units_filter("unit", units, include_communes=include_communes))
        .filter(role__in=OFFICIAL_ROLES)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=end))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=start))
        .values_list("unit_id", "user_id", "valid_from", "valid_to")
    )


def _official_events(year: int):
    return Attendance.objects.filter(
        attended=True, user__isnull=False, course__end_date__year=year
    ).values_list("user_id", "course__end_date")


def producers_of_units(units: Units, include_communes: bool = True) -> QuerySet[Producer]:
    return Producer.objects.filter(
        units_filter("current_unit", units, include_communes=include_communes),
        status=ProducerStatus.ACTIVE,
    )


def _trained_events(year: int, producers):
    return Attendance.objects.filter(
        attended=True, producer__in=producers, course__end_date__year=year
    ).values_list("producer_id", "course__end_date")


def _informed_events(year: int, producers):
    return CommunicationActivity.producers_reached.through.objects.filter(
        producer__in=producers, communicationactivity__date__year=year
    ).values_list("producer_id", "communicationactivity__date")


def _coverage(model, population: set, covered: set) -> Coverage:
    part = rules.share(population, covered)
    return Coverage(
        part.numerator,
        part.denominator,
        model.objects.filter(pk__in=covered & population),
        model.objects.filter(pk__in=population - covered),
    )


def officials_trained(units: Units, year: int, *, include_communes: bool = True) -> Coverage:
    rows = _official_rows(units, year, include_communes)
    population = set().union(*rules.population_by_unit(rows, year).values())
    covered = rules.covered_in_year(population, _official_events(year), year)
    return _coverage(User, population, covered)


def producers_trained(units: Units, year: int, *, include_communes: bool = True) -> Coverage:
    producers = producers_of_units(units, include_communes)
    population = set(producers.values_list("pk", flat=True))
    covered = rules.covered_in_year(population, _trained_events(year, producers), year)
    return _coverage(Producer, population, covered)


def producers_informed(units: Units, year: int, *, include_communes: bool = True) -> Coverage:
    producers = producers_of_units(units, include_communes)
    population = set(producers.values_list("pk", flat=True))
    covered = rules.covered_in_year(population, _informed_events(year, producers), year)
    return _coverage(Producer, population, covered)


MEASURES = {
    "officials": officials_trained,
    "producers_trained": producers_trained,
    "producers_informed": producers_informed,
}


# --- the coverage table of a province or commune -------------------------------------------


@dataclass(frozen=True)
class CoverageRow:
    unit: AdministrativeUnit
    officials: rules.Share
    producers_trained: rules.Share
    producers_informed: rules.Share
    level_only: bool = False  # the province's own row: officials assigned at the province


@dataclass(frozen=True)
class CoverageTable:
    unit: AdministrativeUnit
    year: int
    rows: list[CoverageRow]
    total: CoverageRow


def coverage_table(*, unit: AdministrativeUnit, year: int) -> CoverageTable:
    """One row per unit (the province itself, then each commune) and the total.

    A fixed number of queries whatever the number of communes.
    """
    official_rows = list(_official_rows(unit, year))
    by_unit = rules.population_by_unit(official_rows, year)
    producers = producers_of_units(unit)
    producer_rows = list(producers.values_list("current_unit_id", "pk"))
    producers_of: dict[int, set] = {}
    for unit_id, pk in producer_rows:
        producers_of.setdefault(unit_id, set()).add(pk)
    officials_all = set().union(*by_unit.values())
    producers_all = {pk for _u, pk in producer_rows}
    trained_officials = rules.covered_in_year(officials_all, _official_events(year), year)
    trained = rules.covered_in_year(producers_all, _trained_events(year, producers), year)
    informed = rules.covered_in_year(producers_all, _informed_events(year, producers), year)

    def row(target, officials: set, own_producers: set, level_only=False) -> CoverageRow:
        return CoverageRow(
            unit=target,
            officials=rules.share(officials, trained_officials),
            producers_trained=rules.share(own_producers, trained),
            producers_informed=rules.share(own_producers, informed),
            level_only=level_only,
        )

    rows = []
    if unit.level == "province":
        rows.append(row(unit, by_unit.get(unit.pk, set()), set(), level_only=True))
        communes = AdministrativeUnit.objects.current().communes().filter(province=unit)
        for commune in communes.order_by("name"):
            rows.append(
                row(commune, by_unit.get(commune.pk, set()), producers_of.get(commune.pk, set()))
            )
    else:
        rows.append(row(unit, by_unit.get(unit.pk, set()), producers_of.get(unit.pk, set())))
    return CoverageTable(
        unit=unit, year=year, rows=rows, total=row(unit, officials_all, producers_all)
    )


def coverage_units(user) -> QuerySet[AdministrativeUnit]:
    """The units whose coverage ``user`` may look at: their provinces and communes."""
    qs = AdministrativeUnit.objects.current().select_related("province")
    scope = user.get_scope()
    if scope.is_admin:
        return qs.filter(level__in=["province", "commune"])
    return qs.filter(
        Q(province_id__in=scope.unit_ids("province", OFFICIAL_ROLES))
        | Q(pk__in=scope.unit_ids("commune", OFFICIAL_ROLES))
    )


def organising_units(user) -> QuerySet[AdministrativeUnit]:
    """Units for which ``user`` may record courses and activities."""
    qs = AdministrativeUnit.objects.current().select_related("province")
    scope = user.get_scope()
    if scope.is_admin:
        return qs.filter(level__in=["province", "commune"]).order_by("level", "name")
    return qs.filter(
        Q(province_id__in=scope.unit_ids("province", [Role.PROVINCIAL_OFFICE]))
        | Q(pk__in=scope.unit_ids("commune", [Role.COMMUNE_OFFICER]))
    ).order_by("-level", "name")


# --- lists ---------------------------------------------------------------------------------


def course_list(*, user, params) -> QuerySet[Course]:
    qs = (
        Course.objects.restrict(user)
        .select_related("unit")
        .annotate(
            listed=Count("attendances", distinct=True),
            present=Count("attendances", filter=Q(attendances__attended=True), distinct=True),
        )
        .order_by("-start_date", "-pk")
    )
    year = year_param(params.get("year"))
    if year:
        qs = qs.filter(end_date__year=year)
    if params.get("topic"):
        qs = qs.filter(topic=params["topic"])
    audience = params.get("audience")
    if audience in {"provincial", "commune", "producers"}:
        field = "for_producers" if audience == "producers" else f"for_{audience}_officials"
        qs = qs.filter(**{field: True})
    unit = id_param(params.get("unit"))
    if unit:
        qs = qs.filter(Q(unit_id=unit) | Q(unit__province_id=unit))
    if params.get("q"):
        q = params["q"].strip()
        qs = qs.filter(
            Q(title__icontains=q)
            | Q(place__icontains=q)
            | Q(trainer__icontains=q)
            | Q(organiser__icontains=q)
        )
    return qs


def attendance_list(*, user, params) -> QuerySet[Attendance]:
    qs = (
        Attendance.objects.restrict(user)
        .select_related("course__unit", "user", "producer__current_unit")
        .order_by("-course__start_date", "course_id", "producer__name", "user__full_name", "pk")
    )
    course = id_param(params.get("course"))
    if course:
        qs = qs.filter(course_id=course)
    year = year_param(params.get("year"))
    if year:
        qs = qs.filter(course__end_date__year=year)
    kind = params.get("kind")
    if kind == "official":
        qs = qs.filter(user__isnull=False)
    elif kind == "producer":
        qs = qs.filter(producer__isnull=False)
    if params.get("q"):
        q = params["q"].strip()
        qs = qs.filter(
            Q(person_name__icontains=q)
            | Q(user__full_name__icontains=q)
            | Q(producer__name_folded__contains=fold(q))
        )
    return qs


def activity_list(*, user, params) -> QuerySet[CommunicationActivity]:
    qs = (
        CommunicationActivity.objects.restrict(user)
        .select_related("unit")
        .annotate(producer_count=Count("producers_reached", distinct=True))
        .order_by("-date", "-pk")
    )
    year = year_param(params.get("year"))
    if year:
        qs = qs.filter(date__year=year)
    if params.get("kind"):
        qs = qs.filter(kind=params["kind"])
    unit = id_param(params.get("unit"))
    if unit:
        qs = qs.filter(Q(unit_id=unit) | Q(unit__province_id=unit))
    if params.get("q"):
        q = params["q"].strip()
        qs = qs.filter(Q(title__icontains=q) | Q(notes__icontains=q))
    return qs


# --- whom a course can list ----------------------------------------------------------------


def eligible_officials(course: Course) -> QuerySet[User]:
    """Officials of the course's unit, by its audience, holding the role during the course."""
    levels = Q(pk__in=[])
    if course.for_provincial_officials:
        levels |= Q(unit__level="province")
    if course.for_commune_officials:
        levels |= Q(unit__level__in=["commune", "district"])
    assignments = Assignment.objects.filter(
        units_filter("unit", course.unit),
        levels,
        Q(valid_from__isnull=True) | Q(valid_from__lte=course.end_date),
        Q(valid_to__isnull=True) | Q(valid_to__gte=course.start_date),
        role__in=OFFICIAL_ROLES,
    )
    return (
        User.objects.filter(pk__in=assignments.values("user_id"))
        .exclude(course_attendances__course=course)
        .order_by("full_name", "username")
    )


def eligible_producers(course: Course) -> QuerySet[Producer]:
    if not course.for_producers:
        return Producer.objects.none()
    return (
        producers_of_units(course.unit)
        .exclude(course_attendances__course=course)
        .select_related("current_unit")
        .order_by("name", "pk")
    )
