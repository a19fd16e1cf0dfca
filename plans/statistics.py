"""Statistics of recognised products and producers on any date (issue 9, item 4).

A product counts as recognised on a day when one of its certificates is in force that
day, by the one rule of ``recognition.in_force`` (issued by then, not revoked or
superseded, not expired or extended under Art. 12(3) while a re-rating filed by then is
undecided); its stars are those of its newest certificate in force, as on its product
page (``Certificate.objects.counting``). The figures are computed from one query over the
certificates in force, whatever the number of records, and broken down by star, product
set, legal form and administrative unit — on today's map, or for a day before 1 July 2025
on the map of that time (districts), so a sentence such as "395 products of 314 producers: 61 at 4★
and 334 at 3★" comes from the records, never from a typed number.
"""

from __future__ import annotations

import datetime
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import FileResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from accounts.choices import Role
from core import xlsxformats
from core.formatting import number
from core.listing import safe_row
from core.scoping import VIEW
from core.widgets import DateInput
from geo.choices import REFORM_DATE, Level
from geo.models import AdministrativeUnit, UnitSuccession
from recognition.models import Certificate
from registry.choices import LegalForm
from registry.models import ProductSet

STARS = (5, 4, 3)
STATISTICS_ROLES = (Role.PROVINCIAL_OFFICE, Role.COMMUNE_OFFICER)
TODAY_MAP, PAST_MAP = "today", "then"


def area_q(area: AdministrativeUnit, path: str) -> Q:
    """Rows whose producer (at ``path``) lies in ``area`` (a current or a former province).

    A former province holds the producers recorded in one of its units, and those
    recorded on today's map in a commune that replaced one of its communes.
    """
    if area.is_current:
        return Q(**{f"{path}current_unit__province": area})
    successors = UnitSuccession.objects.filter(
        predecessor__province=area, predecessor__level=Level.COMMUNE
    ).values("successor_id")
    return Q(**{f"{path}unit_recorded__province": area}) | Q(
        **{
            f"{path}unit_recorded__valid_to__isnull": True,
            f"{path}current_unit_id__in": successors,
        }
    )


@dataclass
class Row:
    """Recognised products per star and their producers, for one group."""

    key: object
    label: str
    stars: Counter = field(default_factory=Counter)
    producer_ids: set = field(default_factory=set)

    @property
    def products(self) -> int:
        return sum(self.stars.values())

    @property
    def producers(self) -> int:
        return len(self.producer_ids)

    @property
    def star_counts(self) -> list[int]:
        return [self.stars[s] for s in STARS]

    def add(self, stars: int, producer_id: int) -> None:
        self.stars[stars] += 1
        self.producer_ids.add(producer_id)


@dataclass
class Statistics:
    on: datetime.date
    area: AdministrativeUnit | None
    past_map: bool
    total: Row
    by_star: list[tuple[int, int, int]]  # stars, products, producers
    by_set: list[Row]
    by_legal_form: list[Row]
    by_unit: list[Row]
    unit_heading: str
    unplaced: Row | None
    sentence: str


def _number(n: int) -> str:
    return number(n)


def summary_sentence(total: Row) -> str:
    """E.g. "395 products of 314 producers: 61 at 4★ and 334 at 3★" (empty stars left out)."""
    if not total.products:
        return _("No product is recognised.")
    parts = [
        _("%(count)s at %(stars)s★") % {"count": _number(total.stars[s]), "stars": s}
        for s in STARS
        if total.stars[s]
    ]
    stars = (
        parts[0]
        if len(parts) == 1
        else _("%(items)s and %(last)s")
        % {
            "items": ", ".join(parts[:-1]),
            "last": parts[-1],
        }
    )
    products = ngettext("%(count)s product", "%(count)s products", total.products) % {
        "count": _number(total.products)
    }
    producers = ngettext("%(count)s producer", "%(count)s producers", total.producers) % {
        "count": _number(total.producers)
    }
    return _("%(products)s of %(producers)s: %(stars)s") % {
        "products": products,
        "producers": producers,
        "stars": stars,
    }


def recognised_products(user, *, on: datetime.date, area: AdministrativeUnit | None = None):
    """The certificate that counts for each product on ``on`` (in force, the newest),
    of the products ``user`` may see."""
    certificates = Certificate.objects.restrict(user, VIEW).counting(on)
    if area is not None:
        certificates = certificates.filter(area_q(area, "product__producer__"))
    return certificates.order_by()


_FIELDS = (
    "product_id",
    "stars",
    "product__producer_id",
    "product__product_set_id",
    "product__producer__legal_form",
    "product__producer__current_unit_id",
    "product__producer__current_unit__province_id",
)
_PAST_MAP_FIELDS = (
    "product__producer__unit_recorded_id",
    "product__producer__unit_recorded__level",
    "product__producer__unit_recorded__parent_id",
    "product__producer__unit_recorded__valid_to",
)


def _former_districts(current_commune_ids) -> dict[int, int]:
    """Current commune → the district of its main former commune (lowest code first)."""
    links = (
        UnitSuccession.objects.filter(
            successor_id__in=current_commune_ids,
            predecessor__level=Level.COMMUNE,
            is_main=True,
        )
        .order_by("successor_id", "-predecessor__code")
        .values_list("successor_id", "predecessor__parent_id")
    )
    return dict(links)  # the last (lowest code) wins


def _unit_of(row: dict, past_map: bool, national: bool, former: dict[int, int]) -> int | None:
    if not past_map:
        if national:
            return row["product__producer__current_unit__province_id"]
        return row["product__producer__current_unit_id"]
    if row["product__producer__unit_recorded__valid_to"] is None:
        return former.get(row["product__producer__current_unit_id"])
    level = row["product__producer__unit_recorded__level"]
    if level == Level.COMMUNE:
        return row["product__producer__unit_recorded__parent_id"]
    if level == Level.DISTRICT:
        return row["product__producer__unit_recorded_id"]
    return None


def _units_of_area(area: AdministrativeUnit, on: datetime.date, past_map: bool):
    if not past_map:
        return AdministrativeUnit.objects.current().communes().filter(province=area)
    provinces = (
        [area]
        if not area.is_current
        else AdministrativeUnit.objects.provinces().filter(successor_links__successor=area)
    )
    return AdministrativeUnit.objects.as_of(on).filter(level=Level.DISTRICT, province__in=provinces)


def compute(
    user,
    *,
    on: datetime.date,
    area: AdministrativeUnit | None = None,
    past_map: bool = False,
    scope_is_national: bool = False,
) -> Statistics:
    """The figures on ``on`` for what ``user`` may see, optionally within ``area``."""
    past_map = past_map and on < REFORM_DATE
    national = scope_is_national and area is None
    best: dict[int, dict] = {}
    fields = _FIELDS + _PAST_MAP_FIELDS if past_map else _FIELDS
    for row in recognised_products(user, on=on, area=area).values(*fields):
        best[row["product_id"]] = row  # one certificate counts per product
    former = {}
    if past_map:
        current_ids = {
            r["product__producer__current_unit_id"]
            for r in best.values()
            if r["product__producer__unit_recorded__valid_to"] is None
        }
        former = _former_districts(current_ids) if current_ids else {}

    total = Row("total", pgettext("statistics", "Total"))
    sets = {s.pk: Row(s.pk, str(s)) for s in ProductSet.objects.all()}
    forms_ = {value: Row(value, str(label)) for value, label in LegalForm.choices}
    units: dict[int | None, Row] = {}
    if area is not None:
        for unit in _units_of_area(area, on, past_map):
            units[unit.pk] = Row(unit.pk, unit.full_name)
    star_producers: dict[int, set] = defaultdict(set)
    for row in best.values():
        stars, producer = row["stars"], row["product__producer_id"]
        total.add(stars, producer)
        star_producers[stars].add(producer)
        sets[row["product__product_set_id"]].add(stars, producer)
        forms_[row["product__producer__legal_form"]].add(stars, producer)
        unit_id = _unit_of(row, past_map, national, former)
        units.setdefault(unit_id, Row(unit_id, "")).add(stars, producer)
    unplaced = units.pop(None, None)
    missing = [pk for pk, r in units.items() if not r.label]
    for unit in AdministrativeUnit.objects.filter(pk__in=missing):
        units[unit.pk].label = unit.full_name
    if national:
        heading = _("Province")
    elif past_map:
        heading = _("District (map of that time)")
    else:
        heading = _("Commune (today's map)")
    return Statistics(
        on=on,
        area=area,
        past_map=past_map,
        total=total,
        by_star=[(s, total.stars[s], len(star_producers[s])) for s in STARS],
        by_set=list(sets.values()),
        by_legal_form=list(forms_.values()),
        by_unit=sorted(units.values(), key=lambda r: (-r.products, r.label)),
        unit_heading=heading,
        unplaced=unplaced,
        sentence=summary_sentence(total),
    )


# --- the page ---------------------------------------------------------------------------


def _allowed(user) -> bool:
    return user.is_authenticated and user.get_scope().has_role(*STATISTICS_ROLES)


def _areas(user):
    """Current provinces the user acts for, and the former provinces merged into them."""
    scope = user.get_scope()
    current = AdministrativeUnit.objects.current().provinces()
    if not scope.is_admin:
        ids = set(scope.unit_ids("province", STATISTICS_ROLES))
        local = scope.unit_ids("commune", STATISTICS_ROLES)
        if local:
            ids |= set(
                AdministrativeUnit.objects.filter(pk__in=local).values_list(
                    "province_id", flat=True
                )
            )
        current = current.filter(pk__in=ids)
    former = AdministrativeUnit.objects.provinces().filter(
        valid_to__isnull=False, successor_links__successor__in=current
    )
    return AdministrativeUnit.objects.filter(Q(pk__in=current) | Q(pk__in=former)).order_by(
        "-valid_from", "name"
    )


class _AreaField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        if obj.is_current:
            return obj.full_name
        return _("%(name)s (before 1 July 2025)") % {"name": obj.full_name}


class StatisticsForm(forms.Form):
    on = forms.DateField(
        label=gettext_lazy("On"),
        required=False,
        widget=DateInput(),
        help_text=gettext_lazy("Stars as recognised on that day."),
    )
    area = _AreaField(
        label=gettext_lazy("Province"),
        queryset=AdministrativeUnit.objects.none(),
        required=False,
        empty_label=gettext_lazy("Everything I may see"),
    )
    map = forms.ChoiceField(
        label=gettext_lazy("Units (before 1 July 2025)"),
        required=False,
        choices=[
            (TODAY_MAP, gettext_lazy("Today's communes")),
            (PAST_MAP, gettext_lazy("Districts of that time")),
        ],
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = _areas(user)

    def params(self) -> dict:
        self.is_valid()  # a wrong field is reported; the others still apply
        data = getattr(self, "cleaned_data", {})
        return {
            "on": data.get("on") or timezone.localdate(),
            "area": data.get("area"),
            "past_map": data.get("map") == PAST_MAP,
        }


def _default_area(user):
    """A provincial officer of one province sees that province first."""
    scope = user.get_scope()
    if scope.is_admin or not scope.unit_ids("province", STATISTICS_ROLES):
        return None
    provinces = list(_areas(user).filter(valid_to__isnull=True)[:2])
    return provinces[0] if len(provinces) == 1 else None


def _statistics(request) -> tuple[StatisticsForm, Statistics]:
    if not _allowed(request.user):
        raise PermissionDenied
    default = _default_area(request.user)
    data = request.GET.copy()
    if default is not None and not data.get("area"):
        data["area"] = str(default.pk)
    form = StatisticsForm(data, user=request.user)
    params = form.params()
    params["area"] = params["area"] or default
    stats = compute(request.user, scope_is_national=request.user.get_scope().is_admin, **params)
    return form, stats


def statistics_view(request):
    form, stats = _statistics(request)
    return render(
        request,
        "plans/statistics.html",
        {"form": form, "stats": stats, "stars": STARS, "query": request.GET.urlencode()},
    )


def _table(sheet, bold, header: list[str], rows: list[list]) -> None:
    """A bold header, then rows of a label and counts (numbers with grouping)."""
    cells = []
    for text in header:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = bold
        cells.append(cell)
    sheet.append(cells)
    counts = [None] + [xlsxformats.INTEGER] * (len(header) - 1)
    for row in rows:
        sheet.append(safe_row(sheet, row, counts))


def _row_values(row: Row) -> list:
    return [row.label, *row.star_counts, row.products, row.producers]


def export_workbook(stats: Statistics):
    """The figures of the page as an .xlsx file (a temporary file, rewound)."""
    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    counts = [_("%(stars)s★ products") % {"stars": s} for s in STARS]
    per_group = [*counts, _("Products"), _("Producers")]
    summary = workbook.create_sheet(_("Summary")[:31])
    area = stats.area.full_name if stats.area else _("Everything I may see")
    summary.append(safe_row(summary, [_("On"), stats.on]))
    summary.append([_("Province"), area])
    summary.append([stats.sentence])
    summary.append([])
    _table(
        summary,
        bold,
        [_("Stars"), _("Products"), _("Producers")],
        [[f"{s}★", n, p] for s, n, p in stats.by_star]
        + [[pgettext("statistics", "Total"), stats.total.products, stats.total.producers]],
    )
    for title, heading, rows in (
        (_("By product set"), _("Product set"), stats.by_set),
        (_("By legal form"), _("Legal form"), stats.by_legal_form),
        (_("By unit"), stats.unit_heading, stats.by_unit),
    ):
        sheet = workbook.create_sheet(title[:31])
        values = [_row_values(r) for r in rows]
        if rows is stats.by_unit and stats.unplaced:
            values.append(_row_values(stats.unplaced))
            values[-1][0] = _("Not placed on the map of that time")
        _table(sheet, bold, [heading, *per_group], values)
    out = tempfile.TemporaryFile()  # noqa: SIM115 - the response closes it
    workbook.save(out)
    out.seek(0)
    return out


def statistics_export(request):
    _form, stats = _statistics(request)
    name = f"thong-ke-ocop-{stats.on:%Y%m%d}.xlsx"
    return FileResponse(export_workbook(stats), as_attachment=True, filename=name)
