"""Every CSV the application writes neutralises formulas through core.csvsafe (issue 16):
a name or a lot such as ``=HYPERLINK(…)`` opens as text in a spreadsheet."""

import ast
import csv
import datetime as dt
import io
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings

from core import csvsafe

ROOT = Path(settings.BASE_DIR)
HOSTILE = ['=HYPERLINK("http://x.example","A")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


def _modules_writing_csv():
    for path in ROOT.glob("*/**/*.py"):
        parts = path.relative_to(ROOT).parts
        if parts[0] in {".venv", "node_modules", "var", "bench"} or "tests" in parts:
            continue
        text = path.read_text(encoding="utf-8")
        if "csv.writer(" in text or "csv.DictWriter(" in text:
            yield path.relative_to(ROOT).as_posix(), ast.parse(text)


def _imports_csvsafe(tree) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "core.csvsafe":
            return True
    return False


def test_every_module_that_writes_csv_goes_through_csvsafe():
    """A new CSV writer must import core.csvsafe (the registry's via its columns module)."""
    modules = dict(_modules_writing_csv())
    assert {"trace/printing.py", "trace/exporting.py", "public/opendata.py"} <= set(modules)
    missing = [name for name, tree in modules.items() if not _imports_csvsafe(tree)]
    # the registry writes cells made by columns.to_cell(for_csv=True), which quotes formulas
    assert missing == ["registry/io/exporting.py"]
    from registry.io import columns

    assert columns._FORMULA_START is csvsafe.FORMULA_STARTS


@pytest.mark.parametrize("value", HOSTILE)
def test_a_formula_is_quoted_and_reads_back_as_text(value):
    line = io.StringIO()
    csv.writer(line).writerow(csvsafe.safe_row(["OCOP", value, 3, None]))
    cells = next(csv.reader(io.StringIO(line.getvalue())))
    assert cells == ["OCOP", "'" + value, "3", ""]


@pytest.mark.parametrize("value", HOSTILE)
def test_the_registry_columns_quote_a_formula(value):
    from registry.io import columns

    column = columns.Column("Tên", "name", columns.TEXT, 10)
    assert columns.to_cell(column, value, None, for_csv=True) == "'" + value


def test_the_stamp_batch_export_quotes_names_and_lots():
    from trace import exporting

    producer = SimpleNamespace(
        name='=HYPERLINK("http://x")', current_unit=SimpleNamespace(name="+Hải Châu")
    )
    batch = SimpleNamespace(
        product=SimpleNamespace(
            name="@Nước mắm", code="DN-1", gtin="8936000000011", producer=producer
        ),
        pk=7,
        lot="=1+1",
        production_date=dt.date(2026, 1, 1),
        expiry_date=None,
        quantity=10,
        get_status_display=lambda: "Đã phát hành",
        created_at=dt.datetime(2026, 1, 2),
        issued_at=None,
    )
    out = io.StringIO()
    exporting.export_csv([batch], out)
    rows = list(csv.reader(io.StringIO(out.getvalue().lstrip("\ufeff"))))
    written = [cell for cell in rows[1] if cell]
    assert "'=1+1" in written and "'@Nước mắm" in written
    assert '\'=HYPERLINK("http://x")' in written and "'+Hải Châu" in written
    assert not any(cell.startswith(csvsafe.FORMULA_STARTS) for cell in written)
