"""Import and export of producers and products (issue 3, item 6)."""

import csv
import io
import unicodedata
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from core import requestid
from core.models import AuditEvent
from geo.models import UnitSuccession
from registry import services
from registry.io import exporting
from registry.io.base import COVERED_CONSTRAINTS
from registry.io.importing import run_import
from registry.io.reading import MAX_ROWS
from registry.models import Producer, Product, ProductSet

pytestmark = pytest.mark.django_db

GOOD_TAX = "0100109106"
BAD_TAX = "0100109107"
GOOD_GTIN = ["8936000000011", "8936000000028", "8936000000035", "8936000000042"]
BAD_GTIN = "8936000000012"

PRODUCT_HEADERS = ["Mã sản phẩm OCOP", "Tên sản phẩm", "Mã chủ thể", "Bộ sản phẩm", "Mã vạch GTIN"]
PRODUCER_HEADERS = ["Mã chủ thể", "Tên chủ thể", "Loại hình", "Mã số thuế", "Mã xã"]


@pytest.fixture(autouse=True)
def english():
    """Messages in English here (the msgids); one test reads them in Vietnamese."""
    with translation.override("en"):
        yield


@pytest.fixture
def import_dir(settings, tmp_path):
    settings.OCOP_IMPORT_DIR = tmp_path / "imports"
    return settings.OCOP_IMPORT_DIR


def write_xlsx(path, headers, rows):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def write_csv(path, headers, rows, delimiter=",", encoding="utf-8-sig"):
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(headers)
    writer.writerows(rows)
    text = buffer.getvalue()
    path.write_bytes(to_cp1258(text) if encoding == "cp1258" else text.encode(encoding))
    return path


def to_cp1258(text):
    """Windows-1258 has "ă", "â", "ơ"… but writes tone marks as combining characters."""
    out = bytearray()
    for char in text:
        parts = unicodedata.normalize("NFD", char)
        candidates = (
            [char]
            + [
                unicodedata.normalize("NFC", parts[0] + mark) + parts[1:].replace(mark, "", 1)
                for mark in parts[1:]
            ]
            + [parts]
        )
        for candidate in candidates:
            try:
                out += candidate.encode("cp1258")
                break
            except UnicodeEncodeError:
                continue
        else:
            raise UnicodeEncodeError("cp1258", char, 0, 1, "not in Windows-1258")
    return bytes(out)


def run(user, path, kind, **kwargs):
    return run_import(
        user=user, path=path, fmt=path.suffix[1:], kind=kind, file_name=path.name, **kwargs
    )


def errors_of(report):
    return {(number, column) for number, column, _message in report.errors}


def messages_of(report):
    return " | ".join(message for _n, _c, message in report.errors)


def snapshot_db():
    return (
        sorted(Producer.objects.values_list("pk", "code", "name", "tax_code", "updated_at")),
        sorted(Product.objects.values_list("pk", "code", "name", "gtin", "price", "updated_at")),
        AuditEvent.objects.count(),
    )


# --- every kind of bad input is refused with its row, column and a clear message ---------


def test_it_refuses_a_bad_tax_code(personas, tmp_path):
    path = write_xlsx(
        tmp_path / "p.xlsx",
        PRODUCER_HEADERS,
        [["", "HTX Trà Hải Châu", "Hợp tác xã", BAD_TAX, personas.units.hai_chau.code]],
    )
    report = run(personas.provincial, path, "producers")
    assert errors_of(report) == {(2, "Mã số thuế")}
    assert "Tax code 0100109107 has a wrong check digit" in messages_of(report)
    with translation.override("vi"):
        report = run(personas.provincial, path, "producers")
    assert "Mã số thuế 0100109107 sai chữ số kiểm tra" in messages_of(report)


def test_it_refuses_a_bad_gtin_check_digit(personas, tmp_path):
    path = write_xlsx(
        tmp_path / "s.xlsx",
        PRODUCT_HEADERS,
        [["", "Trà xanh", personas.producer_x.code, 11, BAD_GTIN]],
    )
    report = run(personas.provincial, path, "products")
    assert errors_of(report) == {(2, "Mã vạch GTIN")}
    assert f"Barcode {BAD_GTIN} has a wrong check digit (the last digit)." in messages_of(report)


def test_it_refuses_an_unknown_commune(personas, tmp_path):
    path = write_xlsx(
        tmp_path / "p.xlsx",
        PRODUCER_HEADERS,
        [["", "HTX Không Có Xã", "Hợp tác xã", "", "99999"]],
    )
    report = run(personas.provincial, path, "producers")
    assert errors_of(report) == {(2, "Mã xã")}
    assert "No commune has the code 99999" in messages_of(report)


def test_it_refuses_a_duplicate_product_code_in_the_file_and_in_the_database(personas, tmp_path):
    existing = Product.objects.get(producer=personas.producer_y)
    services.product_update(actor=None, product=existing, code="48-20333-1-2026")
    code = f"48-{personas.units.hai_chau.code}-7-2026"
    path = write_xlsx(
        tmp_path / "s.xlsx",
        PRODUCT_HEADERS,
        [
            [code, "Trà xanh", personas.producer_x.code, 11, ""],
            [code, "Trà đen", personas.producer_x.code, 11, ""],
            ["", "Bánh tráng", personas.producer_x.code, 6, ""],
        ],
    )
    report = run(personas.provincial, path, "products")
    assert errors_of(report) == {(2, "Mã sản phẩm OCOP"), (3, "Mã sản phẩm OCOP")}
    assert f"OCOP code {code} appears in several rows: 2, 3." in messages_of(report)

    # another product's code given to a product identified by its internal id
    mine = Product.objects.get(producer=personas.producer_x)
    path = write_xlsx(
        tmp_path / "s2.xlsx",
        ["Mã nội bộ", "Mã sản phẩm OCOP"],
        [[mine.pk, "48-20333-1-2026"]],
    )
    report = run(personas.provincial, path, "products")
    assert errors_of(report) == {(2, "Mã sản phẩm OCOP")}
    assert "OCOP code 48-20333-1-2026 is already used by another product." in messages_of(report)


def test_it_refuses_values_the_model_refuses(personas, tmp_path):
    path = write_xlsx(
        tmp_path / "s.xlsx",
        [*PRODUCT_HEADERS, "Giá", "Số sao OCOP", "Tỷ lệ nguyên liệu tại địa phương (%)"],
        [
            ["48-1-1", "Trà", personas.producer_x.code, 11, "", "", "", ""],
            ["", "", personas.producer_x.code, 27, "", "rẻ", 2, "120"],
            ["", "Mắm", "CT00000000", 9, "89360", "12.5", "", ""],
        ],
    )
    report = run(personas.provincial, path, "products")
    assert errors_of(report) == {
        (2, "Mã sản phẩm OCOP"),  # the (T)-(X)-(STT)-(year) form, from Product.clean()
        (3, "Tên sản phẩm"),  # required
        (3, "Bộ sản phẩm"),  # 1 to 26
        (3, "Giá"),  # not a number (the stars column is ignored: it is export-only)
        (3, "Tỷ lệ nguyên liệu tại địa phương (%)"),  # at most 100
        (4, "Mã chủ thể"),  # unknown producer
        (4, "Mã vạch GTIN"),  # 13 digits
        (4, "Giá"),  # whole đồng
    }
    text = messages_of(report)
    assert "The OCOP code has the form (T)-(X)-(STT)-(year)" in text
    assert "“27” is not a product set" in text
    assert "“rẻ” is not a number." in text
    assert "No producer with code CT00000000 in your area" in text


def test_a_choice_accepts_the_vietnamese_label_the_english_one_or_the_code(personas, tmp_path):
    hai_chau = personas.units.hai_chau.code
    path = write_xlsx(
        tmp_path / "p.xlsx",
        PRODUCER_HEADERS,
        [
            ["", "Một", "hop tac xa", "", hai_chau],
            ["", "Hai", "Small or medium enterprise", "", hai_chau],
            ["", "Ba", "farm", "", hai_chau],
            ["", "Bốn", "Công ty", "", hai_chau],
        ],
    )
    report = run(personas.provincial, path, "producers")
    assert [r.obj.legal_form for r in report.rows[:3]] == ["cooperative", "sme", "farm"]
    assert errors_of(report) == {(5, "Loại hình")}
    assert "“Công ty” is not an allowed value; use one of" in messages_of(report)


# --- all or nothing ----------------------------------------------------------------------


def test_an_import_with_bad_rows_writes_nothing_and_reports_every_bad_row(personas, tmp_path):
    hai_chau = personas.units.hai_chau.code
    before = snapshot_db()
    path = write_xlsx(
        tmp_path / "p.xlsx",
        PRODUCER_HEADERS,
        [
            ["", "HTX Một", "Hợp tác xã", GOOD_TAX, hai_chau],
            ["", "HTX Hai", "Hợp tác xã", BAD_TAX, hai_chau],
            [personas.producer_x.code, "HTX Hải Châu (đổi tên)", "Hợp tác xã", "", hai_chau],
            ["", "HTX Bốn", "Hợp tác xã", "", "99999"],
            ["", "", "Hợp tác xã", "", hai_chau],
        ],
    )
    report = run(personas.provincial, path, "producers", commit=True)
    assert not report.written
    assert {n for n, _c, _m in report.errors} == {3, 5, 6}
    assert report.counts == {"create": 1, "update": 1, "unchanged": 0, "error": 3}
    assert snapshot_db() == before

    report = run(personas.provincial, path, "producers", commit=True, only_valid=True)
    assert report.written
    assert Producer.objects.filter(name="HTX Một", tax_code=GOOD_TAX).exists()
    assert Producer.objects.get(pk=personas.producer_x.pk).name == "HTX Hải Châu (đổi tên)"
    assert not Producer.objects.filter(name__in=["HTX Hai", "HTX Bốn"]).exists()


def test_a_new_producer_gets_a_system_code_and_a_former_commune_maps_to_today(personas, tmp_path):
    link = UnitSuccession.objects.filter(
        successor=personas.units.hai_chau, is_main=True, predecessor__level="commune"
    ).exclude(predecessor__code=personas.units.hai_chau.code)[0]
    former = link.predecessor
    path = write_csv(
        tmp_path / "p.csv",
        [*PRODUCER_HEADERS, "Ngày thành lập", "Tổng số lao động", "Lao động tại địa phương"],
        [["", "HTX Phước Ninh", "HTX", "", former.code, "05/03/2019", "12", "9"]],
        delimiter=";",
    )
    # "HTX" is not a label: the dry run says so; the corrected file imports
    report = run(personas.commune, path, "producers")
    assert errors_of(report) == {(2, "Loại hình")}
    path = write_csv(
        tmp_path / "p.csv",
        [*PRODUCER_HEADERS, "Ngày thành lập", "Tổng số lao động", "Lao động tại địa phương"],
        [["", "HTX Phước Ninh", "Hợp tác xã", "", former.code, "05/03/2019", "12", "9"]],
        delimiter=";",
    )
    report = run(personas.commune, path, "producers", commit=True)
    assert report.written, report.errors
    producer = Producer.objects.get(name="HTX Phước Ninh")
    assert producer.unit_recorded == former
    assert producer.current_unit == personas.units.hai_chau
    assert producer.code.startswith("CT48") and producer.code != personas.producer_x.code
    assert producer.founded_on.isoformat() == "2019-03-05"
    assert producer.name_folded == "htx phuoc ninh"


def test_workforce_rule_of_the_model_applies(personas, tmp_path):
    path = write_xlsx(
        tmp_path / "p.xlsx",
        [*PRODUCER_HEADERS, "Tổng số lao động", "Lao động tại địa phương"],
        [["", "HTX", "Hợp tác xã", "", personas.units.hai_chau.code, 5, 9]],
    )
    report = run(personas.provincial, path, "producers")
    assert errors_of(report) == {(2, "Lao động tại địa phương")}
    assert "Local workers cannot outnumber the whole workforce." in messages_of(report)


def test_update_by_code_changes_only_what_differs_and_is_audited(personas, tmp_path):
    product = Product.objects.get(producer=personas.producer_x)
    services.product_update(actor=None, product=product, code="48-20242-3-2025")
    path = write_xlsx(
        tmp_path / "s.xlsx",
        ["Mã sản phẩm OCOP", "Giá", "Mã vạch GTIN", "Nhãn song ngữ"],
        [["48-20242-3-2025", "45.000", int(GOOD_GTIN[0]), "có"]],
    )
    token = requestid.new("import-test-request")
    try:
        report = run(personas.commune, path, "products", commit=True)
    finally:
        requestid.reset(token)
    assert report.written
    assert report.rows[0].changes == ["Mã vạch GTIN", "Giá", "Nhãn song ngữ"]
    product.refresh_from_db()
    assert (product.price, product.gtin, product.bilingual_label) == (
        Decimal("45000"),
        GOOD_GTIN[0],
        True,
    )
    assert product.name == "Nước mắm Hải Châu"  # no column: untouched
    event = AuditEvent.objects.for_object(product).get(actor=personas.commune)
    assert event.action == "ocop.product.updated"
    assert event.request_id == "import-test-request"
    assert event.unit == personas.units.hai_chau
    assert event.before["price"] is None and event.after["price"] == "45000"
    assert event.after["gtin"] == GOOD_GTIN[0]
    assert "s.xlsx" in event.reason

    # the same file again changes nothing and writes no audit event
    events = AuditEvent.objects.count()
    report = run(personas.commune, path, "products", commit=True)
    assert report.counts["unchanged"] == 1 and not report.written
    assert AuditEvent.objects.count() == events


def test_a_new_product_gets_an_audit_event_per_record(personas, tmp_path):
    path = write_xlsx(
        tmp_path / "s.xlsx",
        PRODUCT_HEADERS,
        [
            ["", "Trà xanh Hải Châu", personas.producer_x.code, "11. Chè tươi", GOOD_GTIN[1]],
            ["", "Bánh tráng", personas.producer_x.code, 6, ""],
        ],
    )
    report = run(personas.provincial, path, "products", commit=True)
    assert report.written
    for name in ("Trà xanh Hải Châu", "Bánh tráng"):
        product = Product.objects.get(name=name)
        event = AuditEvent.objects.for_object(product).get()
        assert event.action == "ocop.product.created"
        assert event.after["name"] == name and event.after["producer_id"] == personas.producer_x.pk
        assert event.actor_repr == personas.provincial.get_full_name()
    assert Product.objects.get(name="Trà xanh Hải Châu").product_set.number == 11


def test_the_importer_enforces_every_constraint_of_the_models():
    names = {c.name for m in (Producer, Product) for c in m._meta.constraints}
    assert names == set(COVERED_CONSTRAINTS), "a new constraint must be checked by the importer"


# --- round trip ---------------------------------------------------------------------------


def _rich_data(personas):
    link = UnitSuccession.objects.filter(
        successor=personas.units.hoi_an, is_main=True, predecessor__level="commune"
    ).exclude(predecessor__code=personas.units.hoi_an.code)[0]
    services.producer_update(
        actor=None,
        producer=personas.producer_y,
        unit_recorded=link.predecessor,
        tax_code=GOOD_TAX,
        founded_on="2015-06-01",
        representative="Nguyễn Thị Lan",
        representative_sex="female",
        representative_disabled=True,
        phone="0905123456",
        workforce_total=30,
        workforce_local=25,
        community_capital_share=Decimal("12.50"),
        cooperative_rating="good",
        address='=HYPERLINK("http://x")',
    )
    product = Product.objects.get(producer=personas.producer_x)
    services.product_update(
        actor=None,
        product=product,
        code="48-20242-3-2025",
        historical_codes=["49-503-20194-1-2022"],
        gtin=GOOD_GTIN[2],
        price=Decimal("120000"),
        raw_material_local_share=Decimal("87.50"),
        certified_area="vietgap",
        certified_area_ha=Decimal("3.25"),
        key_product_tier="provincial",
        bilingual_label=True,
        description="Dòng 1\nDòng 2, có dấu phẩy; và chấm phẩy",
        story="+84 lời kể",
    )


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("kind", ["producers", "products"])
def test_export_then_import_changes_nothing(personas, tmp_path, fmt, kind, issue_certificate):
    _rich_data(personas)
    issue_certificate(Product.objects.get(producer=personas.producer_x), stars=4)  # exported
    qs = (Producer if kind == "producers" else Product).objects.restrict(personas.provincial)
    path = tmp_path / f"export.{fmt}"
    if fmt == "xlsx":
        path.write_bytes(exporting.export_xlsx(kind, qs).read())
    else:
        path.write_text("".join(exporting.export_csv(kind, qs)), encoding="utf-8")
    before = snapshot_db()
    report = run(personas.provincial, path, kind, commit=True)
    assert report.errors == []
    assert report.counts == {"create": 0, "update": 0, "unchanged": 2, "error": 0}
    assert not report.written
    assert snapshot_db() == before


def test_an_exported_text_never_becomes_a_formula(personas, tmp_path):
    _rich_data(personas)
    qs = Producer.objects.filter(pk=personas.producer_y.pk)
    workbook = openpyxl.load_workbook(exporting.export_xlsx("producers", qs))
    sheet = workbook.active
    address = sheet.cell(row=2, column=13)
    assert sheet.cell(row=1, column=13).value == "Địa chỉ"
    assert address.data_type == "s" and address.value.startswith("=HYPERLINK")
    text = "".join(exporting.export_csv("producers", qs))
    assert "'=HYPERLINK" in text


# --- scope -------------------------------------------------------------------------------


def test_a_commune_officer_cannot_import_a_producer_into_another_commune(personas, tmp_path):
    path = write_xlsx(
        tmp_path / "p.xlsx",
        PRODUCER_HEADERS,
        [
            ["", "HTX Hội An mới", "Hợp tác xã", "", personas.units.hoi_an.code],
            [personas.producer_y.code, "HTX Hội An", "Hợp tác xã", "", personas.units.hoi_an.code],
            [
                personas.producer_x.code,
                "HTX Hải Châu",
                "Hợp tác xã",
                "",
                personas.units.hoi_an.code,
            ],
            ["", "HTX Hải Châu mới", "Hợp tác xã", "", personas.units.hai_chau.code],
        ],
    )
    report = run(personas.commune, path, "producers", commit=True)
    assert errors_of(report) == {(2, "Mã xã"), (3, "Mã chủ thể"), (4, "Mã xã")}
    assert "is outside your area" in messages_of(report)
    assert f"No producer with code {personas.producer_y.code} in your area" in messages_of(report)
    assert not report.written
    assert not Producer.objects.filter(name__endswith="mới").exists()


def test_products_only_go_to_producers_in_scope(personas, tmp_path):
    path = write_xlsx(
        tmp_path / "s.xlsx",
        PRODUCT_HEADERS,
        [
            ["", "Mắm Hội An", personas.producer_y.code, 9, ""],
            ["", "Mắm Ba Đình", personas.producer_hanoi.code, 9, ""],
            ["", "Mắm Hải Châu", personas.producer_x.code, 9, ""],
        ],
    )
    commune = run(personas.commune, path, "products")
    assert errors_of(commune) == {(2, "Mã chủ thể"), (3, "Mã chủ thể")}
    provincial = run(personas.provincial, path, "products")
    assert errors_of(provincial) == {(3, "Mã chủ thể")}
    other = run(personas.other_province, path, "products")
    assert errors_of(other) == {(2, "Mã chủ thể"), (4, "Mã chủ thể")}
    admin = run(personas.admin, path, "products")
    assert errors_of(admin) == set()


def test_a_product_outside_the_scope_cannot_be_updated_by_id(personas, tmp_path):
    theirs = Product.objects.get(producer=personas.producer_hanoi)
    path = write_xlsx(tmp_path / "s.xlsx", ["Mã nội bộ", "Giá"], [[theirs.pk, 1000]])
    report = run(personas.provincial, path, "products")
    assert errors_of(report) == {(2, "Mã nội bộ")}


@pytest.mark.parametrize("persona", ["council", "producer", "no_role"])
def test_only_offices_and_commune_officers_may_import(personas, client, persona, tmp_path):
    from django.core.exceptions import PermissionDenied

    user = getattr(personas, persona)
    client.force_login(user)
    assert client.get(reverse("registry:import")).status_code == 403
    assert client.post(reverse("registry:import_confirm"), {"token": "x"}).status_code == 403
    path = write_xlsx(tmp_path / "s.xlsx", PRODUCT_HEADERS, [])
    with pytest.raises(PermissionDenied):
        run(user, path, "products")


def _export_rows(client, name, fmt="csv", query=""):
    response = client.get(f"{reverse(name)}?format={fmt}&{query}")
    assert response.status_code == 200
    if fmt == "csv":
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        return list(csv.reader(io.StringIO(text)))[1:]
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    return [list(r) for r in sheet.iter_rows(min_row=2, values_only=True)]


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("commune", {"HTX Hải Châu"}),
        ("provincial", {"HTX Hải Châu", "HTX Hội An"}),
        ("other_province", {"HTX Ba Đình"}),
        ("producer", {"HTX Hải Châu"}),
        ("no_role", set()),
        ("admin", {"HTX Hải Châu", "HTX Hội An", "HTX Ba Đình"}),
    ],
)
def test_an_export_lists_only_the_rows_the_user_may_see(personas, client, persona, expected):
    client.force_login(getattr(personas, persona))
    producers = _export_rows(client, "registry:producer_export")
    assert {row[1] for row in producers} == expected
    products = _export_rows(client, "registry:product_export", fmt="xlsx")
    assert {row[4] for row in products} == expected  # "Tên chủ thể"


def test_an_export_follows_the_list_filters(personas, client):
    client.force_login(personas.provincial)
    query = f"unit={personas.units.hoi_an.code}"
    rows = _export_rows(client, "registry:product_export", query=query)
    assert [row[2] for row in rows] == ["Nước mắm Hội An"]
    # whatever the search matches on this database engine, the export matches the list
    listed = client.get(reverse("registry:product_list") + "?q=nuoc+mam+hoi").context["page"]
    rows = _export_rows(client, "registry:product_export", query="q=nuoc+mam+hoi")
    assert sorted(row[2] for row in rows) == sorted(p.name for p in listed)
    assert "Nước mắm Hội An" in [row[2] for row in rows]
    assert client.get(reverse("registry:product_export") + "?format=pdf").status_code == 400


# --- reading files -----------------------------------------------------------------------


def test_numbers_dates_and_codes_are_read_as_people_type_them(personas, tmp_path):
    path = write_csv(
        tmp_path / "s.csv",
        [
            *PRODUCT_HEADERS,
            "Giá",
            "Tỷ lệ nguyên liệu tại địa phương (%)",
            "Diện tích vùng nguyên liệu (ha)",
            "Mã OCOP cũ",
        ],
        [
            [
                "",
                "Mắm",
                personas.producer_x.code,
                "09",
                GOOD_GTIN[3],
                "1.250.000",
                "87,5",
                "1,234.5",
                "49-503-20194-1-2022; 49-503-20194-2-2023",
            ]
        ],
    )
    report = run(personas.provincial, path, "products")
    assert report.errors == []
    product = report.rows[0].obj
    assert product.price == Decimal("1250000")
    assert product.raw_material_local_share == Decimal("87.50")
    assert product.certified_area_ha == Decimal("1234.50")
    assert product.product_set == ProductSet.objects.get(number=9)
    assert product.historical_codes == ["49-503-20194-1-2022", "49-503-20194-2-2023"]


def test_a_tax_code_that_excel_turned_into_a_number_keeps_its_leading_zero(personas, tmp_path):
    path = write_xlsx(
        tmp_path / "p.xlsx",
        [*PRODUCER_HEADERS, "Điện thoại"],
        [["", "HTX", "Hợp tác xã", 100109106, int(personas.units.hai_chau.code), 905123456]],
    )
    report = run(personas.provincial, path, "producers")
    assert report.errors == []
    assert report.rows[0].obj.tax_code == GOOD_TAX
    assert report.rows[0].obj.phone == "0905123456"


def test_a_file_of_the_other_kind_is_refused_as_a_whole(personas, tmp_path):
    path = write_xlsx(tmp_path / "s.xlsx", PRODUCT_HEADERS, [["", "Mắm", "X", 9, ""]])
    report = run(personas.provincial, path, "producers")
    assert report.rows == []
    assert "This looks like a file of products" in report.file_errors[0]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not a zip", "This is not an Excel workbook"),
        (b"", "This is not an Excel workbook"),
    ],
)
def test_an_unreadable_workbook_is_refused(personas, tmp_path, content, message):
    path = tmp_path / "x.xlsx"
    path.write_bytes(content)
    report = run(personas.provincial, path, "products")
    assert message in report.file_errors[0]


def test_unknown_columns_are_reported_and_ignored(personas, tmp_path):
    path = write_csv(
        tmp_path / "s.csv",
        ["Ten san pham", "Ma chu the", "Bo san pham", "Ghi chú"],
        [["Mắm", personas.producer_x.code, "9", "x"]],
    )
    report = run(personas.provincial, path, "products")
    assert report.errors == []
    assert report.counts["create"] == 1
    assert "Column “Ghi chú” is not part of the format and was ignored." in report.warnings


def test_a_windows_1258_csv_is_read(personas, tmp_path):
    path = write_csv(
        tmp_path / "s.csv",
        ["Tên sản phẩm", "Mã chủ thể", "Bộ sản phẩm"],
        [["Mắm", personas.producer_x.code, "9"]],
        encoding="cp1258",
    )
    report = run(personas.provincial, path, "products")
    assert report.errors == [] and report.rows[0].obj.name == "Mắm"


def test_checking_a_file_costs_the_same_queries_for_10_or_200_rows(personas, tmp_path):
    def queries(n):
        rows = [["", f"Sản phẩm {i}", personas.producer_x.code, 9, ""] for i in range(n)]
        path = write_xlsx(tmp_path / f"s{n}.xlsx", PRODUCT_HEADERS, rows)
        with CaptureQueriesContext(connection) as ctx:
            report = run(personas.provincial, path, "products")
        assert report.counts["create"] == n
        return len(ctx.captured_queries)

    queries(1)  # the user's scope is read once, then cached
    assert queries(10) == queries(200)


def test_the_row_limit_is_enforced(personas, tmp_path, monkeypatch):
    monkeypatch.setattr("registry.io.reading.MAX_ROWS", 2)
    rows = [["", f"S{i}", personas.producer_x.code, 9, ""] for i in range(3)]
    report = run(
        personas.provincial, write_xlsx(tmp_path / "s.xlsx", PRODUCT_HEADERS, rows), "products"
    )
    assert "more than 2 rows" in report.file_errors[0]
    assert MAX_ROWS >= 20_000


# --- the pages ---------------------------------------------------------------------------


def _upload(client, path, kind="products"):
    with open(path, "rb") as handle:
        return client.post(reverse("registry:import"), {"kind": kind, "file": handle})


def test_the_dry_run_shows_errors_and_the_confirmation_writes(
    personas, client, tmp_path, import_dir
):
    client.force_login(personas.provincial)
    assert client.get(reverse("registry:import")).status_code == 200
    bad = write_xlsx(
        tmp_path / "bad.xlsx",
        PRODUCT_HEADERS,
        [
            ["", "Trà xanh", personas.producer_x.code, 11, BAD_GTIN],
            ["", "Bánh tráng", personas.producer_x.code, 6, ""],
        ],
    )
    response = _upload(client, bad)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Mã vạch GTIN" in page and BAD_GTIN in page
    token = response.context["token"]
    assert response.context["counts"] == {"create": 1, "update": 0, "unchanged": 0, "error": 1}
    assert Product.objects.count() == 3

    # confirming everything writes nothing while a row is bad
    response = client.post(reverse("registry:import_confirm"), {"token": token})
    assert response.status_code == 200 and Product.objects.count() == 3

    # …but the valid rows alone may be imported
    response = client.post(reverse("registry:import_confirm"), {"token": token, "only_valid": "1"})
    assert response.status_code == 302
    assert response["Location"] == reverse("registry:product_list")
    assert Product.objects.filter(name="Bánh tráng").exists()
    assert not Product.objects.filter(name="Trà xanh").exists()
    assert list(import_dir.iterdir()) == []  # the upload is gone
    # the token is spent
    response = client.post(reverse("registry:import_confirm"), {"token": token})
    assert response.status_code == 302 and response["Location"] == reverse("registry:import")


def test_a_token_works_only_in_the_session_that_uploaded_it(personas, client, tmp_path, import_dir):
    from django.test import Client

    client.force_login(personas.provincial)
    good = write_xlsx(
        tmp_path / "good.xlsx", PRODUCT_HEADERS, [["", "Bánh", personas.producer_x.code, 6, ""]]
    )
    token = _upload(client, good).context["token"]
    other = Client()
    other.force_login(personas.commune)
    response = other.post(reverse("registry:import_confirm"), {"token": token})
    assert response.status_code == 302 and not Product.objects.filter(name="Bánh").exists()
    for forged in ("../../etc/passwd", "a" * 32):
        response = client.post(reverse("registry:import_confirm"), {"token": forged})
        assert response.status_code == 302
    response = client.post(reverse("registry:import_confirm"), {"token": token})
    assert response.status_code == 302 and Product.objects.filter(name="Bánh").exists()


def test_the_upload_form_refuses_other_files(personas, client, tmp_path):
    client.force_login(personas.provincial)
    path = tmp_path / "old.xls"
    path.write_bytes(b"x")
    response = _upload(client, path)
    assert response.context["form"].has_error("file")
    assert ".xlsx" in response.context["form"].errors["file"][0]


@pytest.mark.parametrize("kind", ["producers", "products"])
def test_the_templates_have_the_import_headers(personas, client, kind):
    client.force_login(personas.provincial)
    response = client.get(reverse("registry:import_template") + f"?kind={kind}&format=xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    headers = [c.value for c in workbook.worksheets[0][1]]
    assert headers == [c.header for c in exporting.columns_for(kind)]
    assert len(workbook.worksheets) == (3 if kind == "products" else 2)
    response = client.get(reverse("registry:import_template") + f"?kind={kind}&format=csv")
    assert response.content.decode("utf-8-sig").strip() == ",".join(headers)


def test_a_large_import_is_written_in_bulk_with_an_audit_event_per_product(personas, tmp_path):
    count = 250  # above bulk.COPY_FROM: PostgreSQL takes the COPY path
    rows = [["", f"Nước mắm loại {i}", personas.producer_x.code, 9, ""] for i in range(count)]
    report = run(
        personas.provincial,
        write_xlsx(tmp_path / "s.xlsx", PRODUCT_HEADERS, rows),
        "products",
        commit=True,
    )
    assert report.written
    products = Product.objects.filter(name__startswith="Nước mắm loại ")
    assert products.count() == count
    assert {r.obj.pk for r in report.rows} == set(products.values_list("pk", flat=True))
    product = products.get(name="Nước mắm loại 7")
    assert product.name_folded == "nuoc mam loai 7"
    assert product.created_at and product.updated_at and product.historical_codes == []
    events = AuditEvent.objects.filter(action="ocop.product.created", actor=personas.provincial)
    assert events.count() == count
    assert events.get(target_id=str(product.pk)).after["name"] == "Nước mắm loại 7"


def test_a_second_confirmation_of_the_same_upload_imports_nothing(
    personas, client, tmp_path, import_dir
):
    client.force_login(personas.provincial)
    good = write_xlsx(
        tmp_path / "good.xlsx", PRODUCT_HEADERS, [["", "Bánh tổ", personas.producer_x.code, 6, ""]]
    )
    token = _upload(client, good).context["token"]
    (stored,) = import_dir.iterdir()
    stored.unlink()  # a first click, on this server or another, has imported it
    response = client.post(reverse("registry:import_confirm"), {"token": token})
    assert response.status_code == 302 and response["Location"] == reverse("registry:import")
    assert not Product.objects.filter(name="Bánh tổ").exists()


@pytest.mark.django_db(transaction=True)
def test_two_confirmations_at_once_import_once(personas, client, tmp_path, import_dir):
    """Two clicks on two servers at the same moment: the claim lets one import, the other
    finds the file gone (PostgreSQL's advisory lock; the suite's in-memory SQLite cannot
    hold two connections at once, a SQLite file would serialise them by its write lock)."""
    import threading

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("two concurrent connections need PostgreSQL (CI runs it there)")

    client.force_login(personas.provincial)
    rows = [["", f"Bánh ít {i}", personas.producer_x.code, 6, ""] for i in range(30)]
    token = _upload(client, write_xlsx(tmp_path / "g.xlsx", PRODUCT_HEADERS, rows)).context["token"]
    cookie = client.cookies["sessionid"].value
    barrier = threading.Barrier(2)
    statuses = []

    def confirm():
        from django.test import Client

        other = Client()
        other.cookies["sessionid"] = cookie
        barrier.wait()
        try:
            response = other.post(reverse("registry:import_confirm"), {"token": token})
            statuses.append(response["Location"])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=confirm) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == sorted(
        [reverse("registry:import"), reverse("registry:product_list")]
    )
    assert Product.objects.filter(name__startswith="Bánh ít ").count() == 30
    assert list(import_dir.iterdir()) == []


def test_the_upload_waits_in_the_shared_storage_not_on_this_server(
    personas, client, tmp_path, settings
):
    """With an ``imports`` storage configured (object storage in production), nothing of the
    upload is kept on the server's disk: another server can confirm it."""
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")
    settings.OCOP_IMPORT_DIR = blocked / "imports"  # unusable: the storage must be used
    settings.STORAGES = {
        **settings.STORAGES,
        "imports": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    from core import staging

    client.force_login(personas.provincial)
    good = write_xlsx(
        tmp_path / "good.xlsx", PRODUCT_HEADERS, [["", "Bánh bèo", personas.producer_x.code, 6, ""]]
    )
    response = _upload(client, good)
    token = response.context["token"]
    assert token, response.context["report"].file_errors
    assert staging.exists(f"{token}.xlsx")
    response = client.post(reverse("registry:import_confirm"), {"token": token})
    assert response.status_code == 302
    assert Product.objects.filter(name="Bánh bèo").exists()
    assert not staging.exists(f"{token}.xlsx")


def test_stars_are_never_imported_only_exported_from_the_certificate_in_force(personas, tmp_path):
    """Issue 14 §4: a spreadsheet cannot give a product stars; the export writes those of the
    certificate in force on the day of the export."""
    product = Product.objects.get(producer=personas.producer_x)
    path = write_xlsx(tmp_path / "s.xlsx", ["Mã nội bộ", "Số sao OCOP"], [[product.pk, 5]])
    report = run(personas.provincial, path, "products")
    assert errors_of(report) == set()
    assert Product.objects.get(pk=product.pk).stars is None
