"""The two importers: producers (update by producer code) and products (by OCOP code or id)."""

from __future__ import annotations

import copy
import re
from collections import defaultdict
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.scoping import CHANGE
from core.text import fold
from geo.models import AdministrativeUnit
from registry import services
from registry.io import columns as cols
from registry.io.base import BaseImporter, RowResult, chunks
from registry.models import Producer, Product, ProductSet

SET_NUMBER = re.compile(r"^(\d{1,3})(?:[.)]\s+\S.*)?$")


def _locked(qs, lock: bool):
    return qs.select_for_update(of=("self",)) if lock else qs


class ProducerImporter(BaseImporter):
    kind = "producers"
    model = Producer
    sheet_title = "Chủ thể"
    foreign_headers = ("Tên sản phẩm", "Mã sản phẩm OCOP", "Bộ sản phẩm")
    other_kind_message = gettext_lazy(
        "This looks like a file of products (it has the column “%(column)s”): choose "
        "“Products” and upload it again."
    )

    column_list = staticmethod(cols.producer_columns)

    def preload(self, values, *, lock):
        codes = {v["code"] for v in values if v.get("code")}
        self.existing: dict[str, Producer] = {}
        self.editable: set[int] = set()
        for chunk in chunks(codes):
            qs = Producer.objects.filter(code__in=chunk).select_related(
                "unit_recorded", "current_unit__province"
            )
            self.existing.update((p.code, p) for p in _locked(qs, lock))
            self.editable.update(
                Producer.objects.restrict(self.user, CHANGE)
                .filter(code__in=chunk)
                .values_list("pk", flat=True)
            )
        unit_codes = {v.get("unit_recorded") for v in values} | {
            v.get("current_unit") for v in values
        }
        unit_codes.discard(None)
        unit_codes.discard("")
        self.current_communes: dict[str, AdministrativeUnit] = {}
        self.former_communes: dict[str, AdministrativeUnit] = {}
        for chunk in chunks(unit_codes):
            units = (
                AdministrativeUnit.objects.communes()
                .filter(code__in=chunk)
                .select_related("province")
                .order_by("valid_to")
            )
            for unit in units:
                if unit.is_current:
                    self.current_communes[unit.code] = unit
                else:  # the latest former unit with this code
                    self.former_communes[unit.code] = unit
        self.successor_cache: dict[int, AdministrativeUnit | None] = {}
        self.successors_of: dict[int, set[int]] = {}
        tax_codes = {v["tax_code"] for v in values if v.get("tax_code")}
        self.tax_owner: dict[str, int] = {}
        for chunk in chunks(tax_codes):
            self.tax_owner.update(
                Producer.objects.filter(tax_code__in=chunk).values_list("tax_code", "pk")
            )
        names = {fold(v["name"]) for v in values if v.get("name") and not v.get("code")}
        self.same_name: dict[tuple[str, int], str] = {}
        for chunk in chunks(names):
            rows = Producer.objects.filter(name_folded__in=chunk).values_list(
                "name_folded", "current_unit_id", "code"
            )
            self.same_name.update(((n, u), c) for n, u, c in rows)

    def main_successor(self, unit: AdministrativeUnit) -> AdministrativeUnit | None:
        if unit.pk not in self.successor_cache:
            self.successor_cache[unit.pk] = unit.main_successor()
        return self.successor_cache[unit.pk]

    def successor_ids(self, unit: AdministrativeUnit) -> set[int]:
        if unit.pk not in self.successors_of:
            self.successors_of[unit.pk] = set(
                unit.current_successors().values_list("pk", flat=True)
            )
        return self.successors_of[unit.pk]

    def check_row(self, row, values):
        code = values.get("code", "")
        if code:
            obj = self.existing.get(code)
            if obj is None or obj.pk not in self.editable:
                row.error(
                    self.header("code"),
                    _(
                        "No producer with code %(code)s in your area. Leave the code blank to "
                        "register a new producer."
                    )
                    % {"code": code},
                )
                return
            row.before = copy.copy(obj)
        else:
            obj = Producer()
        row.obj = obj
        self.resolve_units(row, obj, values)
        self.assign(row, obj, values, skip={"code", "unit_recorded", "current_unit"})
        exclude = {"unit_recorded", "current_unit"} | (set() if obj.pk else {"code"})
        self.full_clean(row, obj, exclude)
        self.check_unique(row, obj)
        row.key = obj.code
        row.label = obj.name

    def recorded_unit(self, obj: Producer, code: str, current_code: str):
        """The unit a commune code names; most codes of today's communes were also codes of
        former communes (a merged commune kept one of its predecessors' codes).

        The unit already recorded keeps its place when its code is given again; otherwise
        today's commune is meant, unless today's commune given beside it ("Mã xã hiện
        nay") is another one, which took over the former commune of that code.
        """
        if obj.pk and obj.unit_recorded.code == code:
            return obj.unit_recorded
        current = self.current_communes.get(code)
        former = self.former_communes.get(code)
        if current is None or former is None:
            return current or former
        if current_code and current_code != code:
            return former
        return current

    def resolve_units(self, row: RowResult, obj: Producer, values: dict[str, Any]) -> None:
        recorded_header = self.header("unit_recorded")
        current_header = self.header("current_unit")
        if "unit_recorded" not in values and "current_unit" not in values:
            if obj.pk is None:
                row.error(recorded_header, _("The commune code is required."))
            return
        if "unit_recorded" in values:
            code = values["unit_recorded"]
            if "unit_recorded" in row.bad_fields:
                return
            if not code:
                row.error(recorded_header, _("The commune code is required."))
                return
            recorded = self.recorded_unit(obj, code, values.get("current_unit", ""))
            if recorded is None:
                row.error(
                    recorded_header,
                    _(
                        "No commune has the code %(code)s (a current commune, or a former one "
                        "before 1 July 2025)."
                    )
                    % {"code": code},
                )
                return
        else:
            recorded = obj.unit_recorded
        current_code = values.get("current_unit", "")
        if current_code:
            current = self.current_communes.get(current_code)
            if current is None:
                row.error(
                    current_header,
                    _("No current commune has the code %(code)s.") % {"code": current_code},
                )
                return
            if recorded.is_current and current.pk != recorded.pk:
                row.error(
                    current_header,
                    _(
                        "%(recorded)s is a current commune: today's commune must be the same "
                        "or blank."
                    )
                    % {"recorded": recorded.full_name},
                )
                return
            if not recorded.is_current and current.pk not in self.successor_ids(recorded):
                row.error(
                    current_header,
                    _("%(current)s did not take over %(recorded)s.")
                    % {"current": current.full_name, "recorded": recorded},
                )
                return
        elif obj.pk is None or "current_unit" in values or recorded.pk != obj.unit_recorded_id:
            current = self.main_successor(recorded)
            if current is None:
                row.error(recorded_header, _("This unit has no successor in force today."))
                return
        else:
            current = obj.current_unit
        if not self.unit_editable(current):
            row.error(
                recorded_header,
                _("%(unit)s is outside your area: you cannot register or move producers there.")
                % {"unit": current},
            )
            return
        obj.unit_recorded = recorded
        obj.current_unit = current

    def check_unique(self, row: RowResult, obj: Producer) -> None:
        if obj.tax_code and self.tax_owner.get(obj.tax_code, obj.pk) != obj.pk:
            row.error(self.header("tax_code"), _("Another producer already has this tax code."))
        if obj.pk is None and obj.current_unit_id:
            code = self.same_name.get((obj.name_folded, obj.current_unit_id))
            if code:
                row.warnings.append(
                    _(
                        "A producer with this name is already registered in this commune "
                        "(code %(code)s): to update it, put its code in “%(column)s”."
                    )
                    % {"code": code, "column": self.header("code")}
                )

    def check_duplicates(self, rows):
        self.flag_duplicates(
            [r for r in rows if r.obj.pk],
            lambda r: r.obj.code,
            self.header("code"),
            gettext_lazy("Producer %(value)s appears in several rows: %(rows)s."),
        )
        self.flag_duplicates(
            rows,
            lambda r: r.obj.tax_code,
            self.header("tax_code"),
            gettext_lazy("Tax code %(value)s appears in several rows: %(rows)s."),
        )

    def before_create(self, objs):
        for obj in objs:
            obj.code = services._producer_code(obj)


class ProductImporter(BaseImporter):
    kind = "products"
    model = Product
    sheet_title = "Sản phẩm"
    foreign_headers = ("Loại hình", "Mã số thuế", "Mã xã")
    other_kind_message = gettext_lazy(
        "This looks like a file of producers (it has the column “%(column)s”): choose "
        "“Producers” and upload it again."
    )

    column_list = staticmethod(cols.product_columns)

    def preload(self, values, *, lock):
        codes = {v["code"] for v in values if v.get("code")}
        ids = {v["id"] for v in values if v.get("id")}
        self.by_code: dict[str, Product] = {}
        self.by_id: dict[int, Product] = {}
        for lookup, wanted in (("code__in", codes), ("pk__in", ids)):
            for chunk in chunks(wanted):
                qs = Product.objects.filter(**{lookup: chunk}).select_related(
                    "producer__current_unit"
                )
                for product in _locked(qs, lock):
                    self.by_id[product.pk] = product
                    if product.code:
                        self.by_code[product.code] = product
        self.editable: set[int] = set()
        for chunk in chunks(self.by_id):
            self.editable.update(
                Product.objects.restrict(self.user, CHANGE)
                .filter(pk__in=chunk)
                .values_list("pk", flat=True)
            )
        producer_codes = {v["producer"] for v in values if v.get("producer")}
        self.producers: dict[str, Producer] = {}
        editable_producers: set[int] = set()
        for chunk in chunks(producer_codes):
            qs = Producer.objects.filter(code__in=chunk).select_related("current_unit")
            self.producers.update((p.code, p) for p in qs)
            editable_producers.update(
                Producer.objects.restrict(self.user, CHANGE)
                .filter(code__in=chunk)
                .values_list("pk", flat=True)
            )
        self.producers = {c: p for c, p in self.producers.items() if p.pk in editable_producers}
        for product in self.by_id.values():  # share one producer object per producer
            product.producer = self.producers.get(product.producer.code, product.producer)
        self.sets = {str(s.number): s for s in ProductSet.objects.all()}
        gtins = {v["gtin"] for v in values if v.get("gtin")}
        self.gtin_owners: dict[str, set[int]] = defaultdict(set)
        for chunk in chunks(gtins):
            for gtin, pk in Product.objects.filter(gtin__in=chunk).values_list("gtin", "pk"):
                self.gtin_owners[gtin].add(pk)
        self.same_name: dict[tuple[str, int], int] = {}
        if any(not v.get("id") and not v.get("code") for v in values):
            for chunk in chunks([p.pk for p in self.producers.values()]):
                rows = Product.objects.filter(producer_id__in=chunk).values_list(
                    "name_folded", "producer_id", "pk"
                )
                self.same_name.update(((n, p), pk) for n, p, pk in rows)

    def check_row(self, row, values):
        product_id = values.get("id")
        code = values.get("code", "")
        obj = None
        if code:
            obj = self.by_code.get(code)
            if obj is not None and obj.pk not in self.editable:
                row.error(
                    self.header("code"),
                    _("OCOP code %(code)s belongs to a product outside your area.")
                    % {"code": code},
                )
                return
            if obj is not None and product_id and product_id != obj.pk:
                row.error(
                    self.header("code"),
                    _("OCOP code %(code)s is already used by another product.") % {"code": code},
                )
                return
        if obj is None and product_id:
            obj = self.by_id.get(product_id)
            if obj is None or obj.pk not in self.editable:
                row.error(
                    self.header("id"),
                    _(
                        "No product with internal id %(id)s in your area. Leave it blank for a "
                        "new product."
                    )
                    % {"id": product_id},
                )
                return
        if obj is not None:
            row.before = copy.copy(obj)
        else:
            obj = Product()
        row.obj = obj
        self.resolve_refs(row, obj, values)
        old_code = obj.code
        self.assign(row, obj, values, skip={"id", "producer", "product_set"})
        if old_code and obj.code != old_code and old_code not in obj.historical_codes:
            obj.historical_codes = [*obj.historical_codes, old_code]  # as product_assign_code
        self.full_clean(row, obj, {"producer", "product_set"})
        self.check_unique(row, obj)
        row.key = obj.code or (str(obj.pk) if obj.pk else "")
        row.label = obj.name

    def resolve_refs(self, row: RowResult, obj: Product, values: dict[str, Any]) -> None:
        producer_header = self.header("producer")
        if "producer" in values:
            code = values["producer"]
            producer = self.producers.get(code)
            if not code:
                row.error(producer_header, _("The producer code is required."))
            elif producer is None:
                row.error(
                    producer_header,
                    _(
                        "No producer with code %(code)s in your area: you can add products "
                        "only to producers you manage."
                    )
                    % {"code": code},
                )
            elif obj.pk and producer.pk != obj.producer_id:
                row.error(
                    producer_header,
                    _("A product cannot be moved to another producer by import."),
                )
            else:
                obj.producer = producer
        elif obj.pk is None:
            row.error(producer_header, _("The producer code is required."))
        set_header = self.header("product_set")
        if "product_set" in values:
            raw = values["product_set"]
            match = SET_NUMBER.match(raw)  # "9" or "9. Nước mắm…"
            product_set = self.sets.get(str(int(match[1]))) if match else None
            if product_set is None:
                row.error(
                    set_header,
                    _("“%(value)s” is not a product set: give its number, 1 to 26.")
                    % {"value": raw},
                )
            else:
                obj.product_set = product_set
        elif obj.pk is None:
            row.error(set_header, _("The product set number is required."))

    def check_unique(self, row: RowResult, obj: Product) -> None:
        if obj.code:
            owner = self.by_code.get(obj.code)
            if owner is not None and owner.pk != obj.pk:
                row.error(
                    self.header("code"),
                    _("OCOP code %(code)s is already used by another product.")
                    % {"code": obj.code},
                )
        if obj.gtin and self.gtin_owners.get(obj.gtin, set()) - {obj.pk}:
            row.error(self.header("gtin"), _("Another product already uses this barcode."))
        if obj.pk is None and obj.producer_id:
            same = self.same_name.get((obj.name_folded, obj.producer_id))
            if same:
                row.warnings.append(
                    _(
                        "This producer already has a product with this name (internal id "
                        "%(id)s): to update it, put the id in “%(column)s”."
                    )
                    % {"id": same, "column": self.header("id")}
                )

    def check_duplicates(self, rows):
        self.flag_duplicates(
            [r for r in rows if r.obj.pk],
            lambda r: r.obj.pk,
            self.header("id"),
            gettext_lazy("Product %(value)s appears in several rows: %(rows)s."),
        )
        self.flag_duplicates(
            rows,
            lambda r: r.obj.code,
            self.header("code"),
            gettext_lazy("OCOP code %(value)s appears in several rows: %(rows)s."),
        )
        self.flag_duplicates(
            rows,
            lambda r: r.obj.gtin,
            self.header("gtin"),
            gettext_lazy("Barcode %(value)s appears in several rows: %(rows)s."),
        )
