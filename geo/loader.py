"""Load administrative units from the ``vietnamadminunits`` package (pinned).

The package ships the statistics office's lists as an SQLite dataset — the 63 provinces
with their districts and communes before 1 July 2025, and the 34 provinces with 3,321
commune-level units after — plus the official old → new commune mapping. We read those
files directly: they are the package's published open dataset, and reading them keeps
loading to a couple of seconds. Loading is idempotent: units are matched on
(level, code, period) and only changed rows are written.
"""

from __future__ import annotations

import datetime
import json
import sqlite3
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import vietnamadminunits
from django.db import connection, transaction

from core.text import fold
from geo.choices import LAST_DAY_BEFORE_REFORM, REFORM_DATE, Level
from geo.models import AdministrativeUnit, UnitSuccession

DATA_DIR = Path(vietnamadminunits.__file__).parent / "data"
SOURCE_VERSION = "vietnamadminunits 1.0.4"

# Districts merged away before the package's snapshot (30 June 2025) that a plan still
# names (ADR 0008). The package keeps them only as an alias of the district that took
# them over; the code is the statistics office's. Their communes are not restored: the
# package does not say which of today's legacy communes belonged to them.
EARLIER_DISTRICTS = (
    {
        "province_key": "tinhquangnam",
        "code": "519",
        "name": "Nông Sơn",
        "type_name": "Huyện",
        "alias": "huyennongson",
        "merged_into": "huyenqueson",
        "last_day": datetime.date(2024, 12, 31),
    },
)


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    successions_created: int = 0
    successions_removed: int = 0

    def __str__(self):
        return (
            f"units: {self.created} created, {self.updated} updated, "
            f"{self.unchanged} unchanged; successions: {self.successions_created} created, "
            f"{self.successions_removed} removed"
        )


def _short(full: str, type_name: str) -> str:
    prefix = f"{type_name} "
    return full[len(prefix) :] if type_name and full.startswith(prefix) else full


def _type_of(full: str, short: str) -> str:
    return full[: -len(short)].strip() if short and full.endswith(short) else ""


def _coord(value) -> Decimal | None:
    return None if value is None else Decimal(str(round(value, 5)))


def _read():
    db = sqlite3.connect(DATA_DIR / "dataset.db")
    db.row_factory = sqlite3.Row
    try:
        legacy = db.execute("SELECT * FROM admin_units_legacy").fetchall()
        current = db.execute("SELECT * FROM admin_units").fetchall()
    finally:
        db.close()
    converter = json.loads((DATA_DIR / "converter_2025.json").read_text(encoding="utf-8"))
    return legacy, current, converter


class _Upserter:
    """Collects units level by level; ``flush()`` writes new ones in bulk, changed ones too."""

    def __init__(self, report: LoadReport):
        self.report = report
        self.existing = {(u.level, u.code, u.valid_to): u for u in AdministrativeUnit.objects.all()}
        self.new: list[AdministrativeUnit] = []
        self.changed: list[AdministrativeUnit] = []

    def put(self, **fields) -> AdministrativeUnit:
        for name in ("parent", "province"):
            if name in fields:
                related = fields.pop(name)
                fields[f"{name}_id"] = related.pk if related is not None else None
        key = (fields["level"], fields["code"], fields["valid_to"])
        unit = self.existing.get(key)
        if unit is None:
            unit = AdministrativeUnit(**fields)
            unit.name_folded = fold(f"{unit.full_name} {unit.name}")
            self.existing[key] = unit
            self.new.append(unit)
            return unit
        changed = False
        for name, value in fields.items():
            if getattr(unit, name) != value:
                setattr(unit, name, value)
                changed = True
        if changed:
            unit.name_folded = fold(f"{unit.full_name} {unit.name}")
            self.changed.append(unit)
        else:
            self.report.unchanged += 1
        return unit

    def flush(self) -> None:
        AdministrativeUnit.objects.bulk_create(self.new, batch_size=1000)
        fields = [f.name for f in AdministrativeUnit._meta.concrete_fields if not f.primary_key]
        AdministrativeUnit.objects.bulk_update(self.changed, fields, batch_size=500)
        self.report.created += len(self.new)
        self.report.updated += len(self.changed)
        self.new, self.changed = [], []


def _province_fields(row, period: dict) -> dict:
    return dict(
        level=Level.PROVINCE,
        code=row["provinceCode"],
        name=row["provinceShort"],
        full_name=row["province"],
        type_name=_type_of(row["province"], row["provinceShort"]),
        parent=None,
        latitude=_coord(row["provinceLat"]),
        longitude=_coord(row["provinceLon"]),
        source_key=row["provinceKey"],
        **period,
    )


def _link_provinces_to_themselves(provinces) -> None:
    stale = [p for p in provinces if p.province_id != p.pk]
    for p in stale:
        p.province_id = p.pk
    AdministrativeUnit.objects.bulk_update(stale, ["province"])


def _earlier_district(up: _Upserter, spec: dict, legacy, province, old_districts):
    """The district ``spec`` names, ending on its ``last_day``, and the one it joined.

    The package must record the merger (the alias on the district that took it over);
    a new package version without it stops the load instead of inventing a unit.
    """
    dkey = (spec["province_key"], spec["merged_into"])
    aliases = {
        alias
        for row in legacy
        if (row["provinceKey"], row["districtKey"]) == dkey and row["districtAlias"]
        for alias in json.loads(row["districtAlias"])
    }
    if spec["alias"] not in aliases:
        raise ValueError(f"{SOURCE_VERSION} does not record {spec['alias']} merged into {dkey}")
    into = old_districts[dkey]
    full_name = f"{spec['type_name']} {spec['name']}"
    merged = up.put(
        level=Level.DISTRICT,
        code=spec["code"],
        name=spec["name"],
        full_name=full_name,
        type_name=spec["type_name"],
        parent=province,
        province=province,
        latitude=None,
        longitude=None,
        source_key=f"{spec['province_key']}_{spec['alias']}",
        valid_from=None,
        valid_to=spec["last_day"],
    )
    return merged, into


@transaction.atomic
def load_units() -> LoadReport:
    legacy, current, converter = _read()
    report = LoadReport()
    up = _Upserter(report)
    old_period = {"valid_from": None, "valid_to": LAST_DAY_BEFORE_REFORM}
    new_period = {"valid_from": REFORM_DATE, "valid_to": None}

    # 1. provinces of both periods
    old_provinces: dict[str, AdministrativeUnit] = {}
    new_provinces: dict[str, AdministrativeUnit] = {}
    for row in legacy:
        if row["provinceKey"] not in old_provinces:
            old_provinces[row["provinceKey"]] = up.put(**_province_fields(row, old_period))
    for row in current:
        if row["provinceKey"] not in new_provinces:
            new_provinces[row["provinceKey"]] = up.put(**_province_fields(row, new_period))
    up.flush()
    _link_provinces_to_themselves([*old_provinces.values(), *new_provinces.values()])

    # 2. former districts
    old_districts: dict[tuple[str, str], AdministrativeUnit] = {}
    for row in legacy:
        dkey = (row["provinceKey"], row["districtKey"])
        if dkey in old_districts:
            continue
        province = old_provinces[row["provinceKey"]]
        old_districts[dkey] = up.put(
            level=Level.DISTRICT,
            code=row["districtCode"],
            name=row["districtShort"],
            full_name=row["district"],
            type_name=row["districtType"] or "",
            parent=province,
            province=province,
            latitude=_coord(row["districtLat"]),
            longitude=_coord(row["districtLon"]),
            source_key=f"{row['provinceKey']}_{row['districtKey']}",
            **old_period,
        )
    earlier: dict[str, tuple[AdministrativeUnit, AdministrativeUnit]] = {}
    for spec in EARLIER_DISTRICTS:
        earlier[spec["alias"]] = _earlier_district(
            up, spec, legacy, old_provinces[spec["province_key"]], old_districts
        )
    up.flush()

    # 3. communes of both periods
    old_by_key: dict[str, AdministrativeUnit] = {}
    for row in legacy:
        key = f"{row['provinceKey']}_{row['districtKey']}_{row['wardKey'] or ''}"
        district = old_districts[(row["provinceKey"], row["districtKey"])]
        if not row["wardCode"]:
            # island districts (Hoàng Sa, Bạch Long Vĩ, Cồn Cỏ…) had no communes
            old_by_key[key] = district
            continue
        old_by_key[key] = up.put(
            level=Level.COMMUNE,
            code=row["wardCode"],
            name=row["wardShort"],
            full_name=row["ward"],
            type_name=row["wardType"] or "",
            parent=district,
            province=old_provinces[row["provinceKey"]],
            latitude=_coord(row["wardLat"]),
            longitude=_coord(row["wardLon"]),
            source_key=key,
            **old_period,
        )
    new_by_key: dict[tuple[str, str], AdministrativeUnit] = {}
    for row in current:
        wkey = (row["provinceKey"], row["wardKey"])
        if wkey in new_by_key:
            raise ValueError(f"duplicate current commune key {wkey}")
        province = new_provinces[row["provinceKey"]]
        new_by_key[wkey] = up.put(
            level=Level.COMMUNE,
            code=row["wardCode"],
            name=row["wardShort"],
            full_name=row["ward"],
            type_name=row["wardType"] or "",
            parent=province,
            province=province,
            latitude=_coord(row["wardLat"]),
            longitude=_coord(row["wardLon"]),
            source_key=f"{row['provinceKey']}_{row['wardKey']}",
            **new_period,
        )
    up.flush()

    wanted: dict[tuple[int, int], bool] = {}

    def link(old: AdministrativeUnit, new: AdministrativeUnit, is_main: bool):
        key = (old.pk, new.pk)
        wanted[key] = wanted.get(key, False) or is_main

    for merged, into in earlier.values():
        link(merged, into, True)
    for new_pkey, old_pkeys in converter["DICT_PROVINCE"].items():
        for old_pkey in old_pkeys:
            link(old_provinces[old_pkey], new_provinces[new_pkey], True)
    for new_pkey, wards in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for new_wkey, old_keys in wards.items():
            for old_key in old_keys:
                link(old_by_key[old_key], new_by_key[(new_pkey, new_wkey)], True)
    for new_pkey, olds in converter["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old_key, targets in olds.items():
            for target in targets:
                new_unit = new_by_key[(new_pkey, target["newWardKey"])]
                link(old_by_key[old_key], new_unit, bool(target["isDefaultNewWard"]))

    existing = {(s.predecessor_id, s.successor_id): s for s in UnitSuccession.objects.all()}
    to_create = []
    for key, is_main in wanted.items():
        row = existing.get(key)
        if row is None:
            to_create.append(
                UnitSuccession(predecessor_id=key[0], successor_id=key[1], is_main=is_main)
            )
        elif row.is_main != is_main:
            row.is_main = is_main
            row.save(update_fields=["is_main"])
    UnitSuccession.objects.bulk_create(to_create, batch_size=2000)
    report.successions_created = len(to_create)
    stale = [s.pk for key, s in existing.items() if key not in wanted]
    if stale:
        UnitSuccession.objects.filter(pk__in=stale).delete()
    report.successions_removed = len(stale)
    _analyze(AdministrativeUnit, UnitSuccession)
    return report


def _analyze(*models) -> None:
    """Fresh statistics for the tables just filled, on PostgreSQL: until autovacuum comes
    by, the planner takes a freshly loaded table for an empty one and plans the maps'
    sub-queries (units of the time, successors) as nested scans — 1.4 s a query on a new
    database instead of milliseconds."""
    if connection.vendor != "postgresql":
        return
    tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in models)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {tables}")
