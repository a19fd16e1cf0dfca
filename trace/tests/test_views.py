"""Officer and producer pages: scope per persona, lists, exports, print outputs."""

import datetime as dt
import io
import subprocess

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from core.models import AuditEvent
from trace import printing, selectors, services
from trace.choices import BatchStatus
from trace.models import FakeReport, ScanEvent
from trace.scanlog import Visit
from trace.selectors import verify

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def as_user(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def batch(trace):
    return trace.issued(quantity=30)


@pytest.mark.parametrize(
    "persona, sees",
    [
        ("admin", True),
        ("provincial", True),
        ("commune", True),
        ("producer", True),
        ("other_province", False),
        ("council", False),
        ("no_role", False),
    ],
)
def test_each_persona_sees_only_batches_in_scope(client, trace, batch, persona, sees):
    as_user(client, getattr(trace, persona))
    listing = client.get(reverse("trace:batch_list"))
    assert listing.status_code == 200
    assert (trace.product_x.name in listing.content.decode()) is sees
    detail = client.get(reverse("trace:batch_detail", args=[batch.pk]))
    assert detail.status_code == (200 if sees else 404)
    stamp = batch.stamps.first()
    assert client.get(reverse("trace:stamp_detail", args=[stamp.pk])).status_code == (
        200 if sees else 404
    )


def test_anonymous_users_are_sent_to_the_login_page(client, batch):
    for name, args in [("trace:batch_list", []), ("trace:batch_detail", [batch.pk])]:
        response = client.get(reverse(name, args=args))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_batch_list_has_a_fixed_number_of_queries(client, trace, django_assert_max_num_queries):
    as_user(client, trace.provincial)
    trace.issued(quantity=2)
    client.get(reverse("trace:batch_list"))
    for lot in ("B1", "B2", "B3", "B4"):
        trace.issued(lot=lot, quantity=2)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("trace:batch_list"))
    assert response.content.decode().count('data-testid="batch-status"') == 5


def test_the_producer_requests_and_the_office_approves_through_the_pages(
    client, trace, django_capture_on_commit_callbacks
):
    as_user(client, trace.producer)
    response = client.post(
        reverse("trace:batch_request"),
        {
            "product": trace.product_x.pk,
            "lot": "LO-0426",
            "production_date": TODAY().isoformat(),
            "quantity": 8,
        },
    )
    assert response.status_code == 302
    batch = trace.product_x.stamp_batches.get()
    page = client.get(reverse("trace:batch_detail", args=[batch.pk])).content.decode()
    assert 'data-testid="action-approve"' not in page  # a producer does not approve
    as_user(client, trace.provincial)
    page = client.get(reverse("trace:batch_detail", args=[batch.pk])).content.decode()
    assert 'data-testid="action-approve"' in page and 'data-testid="action-reject"' in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("trace:batch_decide", args=[batch.pk]), {"action": "approve"})
    batch.refresh_from_db()
    assert batch.status == BatchStatus.ISSUED and batch.stamps.count() == 8


def test_a_request_for_an_unrecognised_product_is_explained(client, trace):
    trace.producer_y.members.add(trace.producer)
    as_user(client, trace.producer)
    response = client.post(
        reverse("trace:batch_request"),
        {
            "product": trace.product_y.pk,
            "lot": "X1",
            "production_date": TODAY().isoformat(),
            "quantity": 8,
        },
    )
    assert response.status_code == 200
    assert "Giấy chứng nhận" in response.content.decode() or "certificate" in (
        response.content.decode()
    )


def test_a_rejection_without_reason_is_refused_with_a_message(client, trace):
    batch = services.batch_request(
        actor=trace.producer,
        product=trace.product_x,
        lot="R1",
        production_date=TODAY(),
        quantity=3,
    )
    as_user(client, trace.provincial)
    response = client.post(
        reverse("trace:batch_decide", args=[batch.pk]), {"action": "reject"}, follow=True
    )
    batch.refresh_from_db()
    assert batch.status == BatchStatus.REQUESTED
    assert response.status_code == 200
    said = [str(m) for m in response.context["messages"]]
    assert said == ["Lý do: Trường này là bắt buộc."]
    # nothing written: no step logged, no audit row but the request's
    assert list(batch.transitions.values_list("to_status", flat=True)) == ["requested"]
    assert list(AuditEvent.objects.for_object(batch).values_list("action", flat=True)) == [
        "ocop.stamp_batch.requested"
    ]
    assert batch.decided_by is None


def test_exports_follow_the_scope(client, trace, batch):
    as_user(client, trace.provincial)
    response = client.get(reverse("trace:batch_export", args=["xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.values)
    assert rows[0][0] == "Mã lô tem" and rows[1][1] == trace.product_x.name
    as_user(client, trace.other_province)
    text = client.get(reverse("trace:batch_export", args=["csv"])).content.decode()
    assert trace.product_x.name not in text


def test_the_printing_house_csv_lists_every_serial_and_address(client, trace, batch):
    as_user(client, trace.producer)
    response = client.get(reverse("trace:batch_csv", args=[batch.pk]))
    lines = b"".join(response.streaming_content).decode().lstrip("\ufeff").splitlines()
    assert len(lines) == 31
    stamp = batch.stamps.order_by("pk").first()
    assert lines[1].startswith(f"1,{stamp.serial},{stamp.address},")


def decode_labels(pdf_path, layout, tmp_path) -> list[str]:
    """Render each page at 300 dpi, cut it into its labels, decode each label's QR code
    (zbarimg reads one code per label reliably; a whole page of 65 codes is too many)."""
    spec = printing.LAYOUTS[layout]
    subprocess.run(
        ["pdftoppm", "-r", "300", "-png", str(pdf_path), str(tmp_path / "p")], check=True
    )
    mm = 300 / 25.4
    decoded = []
    for png in sorted(tmp_path.glob("p*.png")):
        page = Image.open(png)
        for row in range(spec.rows):
            for column in range(spec.columns):
                left = (spec.margin_x + column * spec.width) * mm
                top = (spec.margin_y + row * spec.height) * mm
                cell = page.crop(
                    (int(left), int(top), int(left + spec.width * mm), int(top + spec.height * mm))
                )
                cell.save(tmp_path / "cell.png")
                out = subprocess.run(
                    [
                        "zbarimg",
                        "--quiet",
                        "--raw",
                        "-Sdisable",
                        "-Sqrcode.enable",
                        str(tmp_path / "cell.png"),
                    ],
                    capture_output=True,
                    text=True,
                ).stdout.strip()
                if out:
                    decoded.append(out)
    return decoded


@pytest.mark.parametrize("layout", ["3x8", "4x10", "5x13"])
def test_the_label_sheet_qr_codes_decode_to_the_stamp_addresses(
    client, trace, batch, layout, tmp_path
):
    as_user(client, trace.producer)
    response = client.get(
        reverse("trace:batch_labels", args=[batch.pk]), {"layout": layout, "first": 3, "last": 28}
    )
    assert response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "labels.pdf"
    pdf.write_bytes(response.content)
    expected = [s.address for s in batch.stamps.order_by("pk")[2:28]]
    assert decode_labels(pdf, layout, tmp_path) == expected  # in order, over two pages for 3x8


def test_a_too_large_print_range_is_refused(client, trace, batch):
    as_user(client, trace.producer)
    response = client.get(
        reverse("trace:batch_labels", args=[batch.pk]), {"layout": "3x8", "first": 1, "last": 31}
    )
    assert response.status_code == 400


def test_an_officer_finds_and_withdraws_one_stamp(client, trace, batch):
    stamp = batch.stamps.first()
    as_user(client, trace.provincial)
    found = client.get(reverse("trace:stamp_search"), {"serial": stamp.serial.lower()})
    assert found.status_code == 302
    # the "withdraw" step of the stamp's panel (core.workflow: an irreversible step is confirmed)
    client.post(
        reverse("trace:stamp_withdraw", args=[stamp.pk]),
        {"action": "withdraw", "reason": "Tem bị xé", "confirm": "on"},
    )
    assert verify(serial=stamp.serial).verdict == "withdrawn"
    assert AuditEvent.objects.for_object(stamp).get().reason == "Tem bị xé"


def test_a_stamp_of_another_province_is_not_found(client, trace, batch):
    as_user(client, trace.other_province)
    response = client.get(reverse("trace:stamp_search"), {"serial": batch.stamps.first().serial})
    assert response.status_code == 200 and 'data-testid="not-found"' in response.content.decode()


def test_anomalies_show_many_scans_far_apart_scans_and_unknown_bursts(client, trace, batch):
    stamp = batch.stamps.first()
    now = timezone.now()
    for i in range(25):
        region = "Đà Nẵng" if i % 2 else "Hà Nội"
        verify(serial=stamp.serial, visit=Visit.of(ip="1.2.3.4", region=region))
    for _ in range(22):
        verify(serial="FAKE", visit=Visit.of(ip="9.9.9.9"))
    assert ScanEvent.objects.count() == 47
    many = list(selectors.stamps_scanned_many_times(trace.provincial))
    assert many == [stamp]
    far = selectors.scans_far_apart(trace.provincial, now=now + dt.timedelta(minutes=1))
    assert [f.stamp_id for f in far] == [stamp.pk]
    bursts = list(selectors.unknown_code_bursts(trace.provincial))
    assert bursts[0]["ip_prefix"] == "9.9.9.0/24" and bursts[0]["scans"] == 22
    assert not selectors.stamps_scanned_many_times(trace.other_province).exists()
    as_user(client, trace.provincial)
    page = client.get(reverse("trace:anomalies")).content.decode()
    assert stamp.serial in page and "9.9.9.0/24" in page
    as_user(client, trace.producer)
    assert client.get(reverse("trace:anomalies")).status_code == 403


def test_a_fake_report_reaches_the_province_and_is_handled(client, trace, batch):
    stamp = batch.stamps.first()
    report = services.fake_report_create(
        serial_raw=stamp.serial, message="Bao bì khác màu", place="Chợ Hàn"
    )
    assert report.product == trace.product_x and report.province == trace.units.danang
    orphan = services.fake_report_create(serial_raw="ABC", message="Mã lạ", region="Hà Nội")
    assert orphan.province == trace.units.hanoi and orphan.stamp is None
    as_user(client, trace.provincial)
    page = client.get(reverse("trace:report_list")).content.decode()
    assert "Bao bì khác màu" in page and "Mã lạ" not in page
    client.post(
        reverse("trace:report_handle", args=[report.pk]),
        {"action": "handle", "reason": "Đã kiểm tra"},
    )
    report.refresh_from_db()
    assert report.status == "handled" and report.handled_by == trace.provincial
    assert report.handling_note == "Đã kiểm tra"
    as_user(client, trace.other_province)
    response = client.post(
        reverse("trace:report_handle", args=[report.pk]), {"action": "handle", "reason": "x"}
    )
    assert response.status_code == 404
    assert FakeReport.objects.restrict(trace.other_province).get() == orphan


def test_the_report_list_has_a_fixed_number_of_queries(
    client, trace, batch, django_assert_max_num_queries
):
    stamp = batch.stamps.first()
    services.fake_report_create(serial_raw=stamp.serial, message="Một")
    as_user(client, trace.provincial)
    client.get(reverse("trace:report_list"))
    for index in range(5):
        services.fake_report_create(serial_raw=stamp.serial, message=f"Phản ánh {index}")
    with django_assert_max_num_queries(12):
        page = client.get(reverse("trace:report_list")).content.decode()
    assert page.count('data-testid="report"') == 6


def test_the_printing_house_csv_never_carries_a_formula(client, trace, batch):
    from registry.models import Product

    Product.objects.filter(pk=batch.product_id).update(name="@SUM(1+1)*cmd|' /C calc'!A0")
    as_user(client, trace.producer)
    response = client.get(reverse("trace:batch_csv", args=[batch.pk]))
    lines = b"".join(response.streaming_content).decode().lstrip("\ufeff").splitlines()
    assert lines[1].endswith(",'@SUM(1+1)*cmd|' /C calc'!A0") or "'@SUM" in lines[1]
    assert ",@SUM" not in lines[1]


def _batches_at(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return list(response.context["page"].object_list)


def test_the_dashboards_stamp_figures_lead_to_the_batches_they_count(client, trace):
    """The province's "stamps issued this month" opens the batches issued this month (not
    every batch); a producer's row opens that product's batches, under a label that says so."""
    import re

    issued = trace.issued(quantity=5)
    services.batch_request(
        actor=trace.admin,
        product=trace.product_x,
        lot="L2026-02",
        production_date=TODAY(),
        quantity=7,
    )  # requested, not issued: not in the figure
    trace.certify(trace.product_y)
    other = trace.issued(product=trace.product_y, lot="L-Y", quantity=3)
    client.force_login(trace.admin)
    html = client.get(reverse("dashboard:home")).content.decode()
    tile = re.search(
        r'<a class="card tile" href="([^"]+)" data-testid="stamps-this-month">'
        r'<div class="value">([^<]+)</div>',
        html,
    )
    url = tile.group(1).replace("&amp;", "&")
    listed = _batches_at(client, url)
    assert sorted(b.pk for b in listed) == sorted([issued.pk, other.pk])
    assert tile.group(2) == str(sum(b.quantity for b in listed)) == "8"

    client.force_login(trace.producer)
    html = client.get(reverse("dashboard:home")).content.decode()
    link = re.search(r'<a href="([^"]+)" data-testid="product-stamps">([^<]+)</a>', html)
    # its own words, no longer "Số tem"
    assert link.group(2) == "Lô tem của sản phẩm này"
    client.force_login(trace.admin)  # sees every product's batches: the link still filters
    assert {b.product_id for b in _batches_at(client, link.group(1))} == {trace.product_x.pk}
