"""No raw figure on any page (issue 19): a world with large amounts, counts and scores is
built on the personas, the main pages of every module, the HTML of the PDFs and the
notice e-mails are read in both languages, and no run of five digits or more may remain
that is not part of a figure written by core.formatting (``1.309.000.000`` has none).

Allowed: digits inside tags and attribute values (ids in URLs, form values), inside
``<script>``, ``<style>`` and ``<code>`` (identifiers shown as such: a file's SHA-256), in
addresses (``/programme/plans/12345/``), coordinates (``16.054412, 108.220200``), and the
codes stored as text by the records (GTINs, tax codes, serials, lots, certificate and
decision numbers, phone numbers): they are identifiers. Every page of the demo, for every
demo role, is read with the same check by ``demo/tests/test_pages_of_the_demo.py``.
The workbooks of the same lists are read too: a figure of five digits or more is a number
with a number format that groups it, never General and never text.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import re
from decimal import Decimal
from types import SimpleNamespace

import openpyxl
import pytest
from django.apps import apps
from django.conf import settings
from django.core import mail
from django.db import models
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db

BIG = Decimal(1_309_000_000)
RUN = re.compile(r"\d{5,}")
HIDDEN = re.compile(r"<(script|style|code)\b.*?</\1>|<!--.*?-->", re.S | re.I)
TAG = re.compile(r"<[^>]*>")
ADDRESS = re.compile(r"(?:https?://\S+|(?<![\w.])/[\w./?=&%-]*)")
COORDINATES = re.compile(r"-?\d{1,3}\.\d{4,}, -?\d{1,3}\.\d{4,}")
# apps whose records hold codes written as text (not the administrative units' table)
RECORD_APPS = (
    "accounts",
    "registry",
    "recognition",
    "submissions",
    "evaluation",
    "programme",
    "plans",
    "outreach",
    "market",
    "promotion",
    "trace",
    "inspection",
)


def stored_codes() -> set[str]:
    """Runs of five digits or more in the text fields of the records (identifiers) and in
    the labels of choices (names of standards such as “ISO 22000”)."""
    found: set[str] = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            for _value, choice in getattr(field, "flatchoices", None) or ():
                found.update(RUN.findall(str(choice)))
    for label in RECORD_APPS:
        for model in apps.get_app_config(label).get_models():
            fields = [
                f.name
                for f in model._meta.concrete_fields
                if isinstance(f, models.CharField) and not f.choices
            ]
            if not fields:
                continue
            for row in model.objects.values_list(*fields):
                for value in row:
                    if value:
                        found.update(RUN.findall(str(value)))
    return found


def visible_text(page: str) -> str:
    """What a reader sees: no scripts, styles, comments, tags or attribute values."""
    text = HIDDEN.sub(" ", page)
    text = TAG.sub(" ", text)
    return html.unescape(text)


def raw_runs(text: str, codes: set[str]) -> list[str]:
    """Runs of five digits or more that are not an address, coordinates or a code."""
    text = ADDRESS.sub(" ", COORDINATES.sub(" ", text))
    return [run for run in RUN.findall(text) if run not in codes]


def _context(text: str, run: str) -> str:
    at = text.find(run)
    return " ".join(text[max(0, at - 80) : at + 40].split())


def assert_no_raw_figure(text: str, codes: set[str], where: str) -> None:
    runs = raw_runs(text, codes)
    assert not runs, f"{where}: raw figures {runs[:5]} in “{_context(text, runs[0])}”"


# --- the world ---------------------------------------------------------------------------


@pytest.fixture
def world(personas, issue_certificate, settings, tmp_path, django_capture_on_commit_callbacks):
    """Personas with large figures in every module (the tasks each step enqueues, such as
    the notices' e-mails and the issue of stamps, run as they would after the commit)."""
    settings.MEDIA_ROOT = tmp_path
    from trace.models import Stamp

    with django_capture_on_commit_callbacks(execute=True):
        world = _build(personas, issue_certificate)
    # the stamps were issued after the approval's commit: one is verified 12,345 times
    world.stamp = Stamp.objects.filter(batch=world.issued).order_by("pk").first()
    now = timezone.now()
    Stamp.objects.filter(pk=world.stamp.pk).update(
        scan_count=12_345, first_scanned_at=now - dt.timedelta(days=1), last_scanned_at=now
    )
    return world


def _build(personas, issue_certificate):
    from outreach import services as outreach_services
    from plans import services as plan_services
    from plans import snapshots
    from programme import services as programme_services
    from programme import services_funding
    from programme.choices import IdeaStatus, PlanStatus, SupportKind
    from promotion import services as promotion_services
    from promotion.choices import CounterpartyKind, EventKind, PlaceKind
    from registry.models import BusinessFigure, ProductSet
    from submissions.models import Dossier
    from trace import services as trace_services
    from trace.choices import BatchStatus

    p = personas
    today = timezone.localdate()
    year = today.year
    units = p.units
    p.producer.email = "chuthe@example.vn"
    p.producer.save(update_fields=["email"])

    # registry: a product sold by the case, a producer with a large workforce and figures
    producer = p.producer_x
    producer.workforce_total = 12_345
    producer.workforce_local = 10_234
    producer.community_capital_share = Decimal("33.33")
    producer.save()
    product = producer.products.get()
    product.gtin = "8930000000019"
    product.price = Decimal(150_000)
    product.raw_material_local_share = Decimal("85.5")
    product.certified_area_ha = Decimal("12345.50")
    product.save()
    BusinessFigure.objects.create(
        producer=producer,
        year=year - 1,
        revenue=Decimal("12345.67"),
        profit=Decimal("2345.50"),
        output=Decimal(123_456),
        output_unit="chai",
        workforce=12_345,
    )
    certificate = issue_certificate(product, stars=4, score=Decimal("67.50"))
    Dossier.objects.create(product=product, status="recognised", submitted_on=today)

    # programme: a decision of rates, an approved plan of 2.618 billion, allocated and paid
    decision = services_funding.support_decision_create(
        actor=None,
        province=units.danang,
        number=f"15/{year}/QĐ-UBND",
        signed_on=dt.date(year - 1, 12, 20),
        signer="Phó Chủ tịch UBND thành phố",
        title="Quy định nội dung, mức hỗ trợ phát triển sản phẩm OCOP",
        valid_from=dt.date(year, 1, 1),
        valid_to=dt.date(year + 4, 12, 31),
    )
    content = services_funding.support_content_create(
        actor=None,
        decision=decision,
        code="1",
        kind=SupportKind.TRACEABILITY,
        name="Tem truy xuất nguồn gốc",
        unit_of_measure="tem",
        rate=Decimal(100_000),
        max_amount=BIG,
        max_share=Decimal("50"),
        position=0,
    )
    idea = programme_services.idea_register(
        actor=None,
        producer=producer,
        name="Nước mắm cá cơm Hải Châu",
        description="Nước mắm truyền thống ủ chượp 12 tháng.",
        raw_materials="Cá cơm than và muối biển",
        expected_market="Siêu thị Đà Nẵng",
        expected_output="20.000 chai/năm",
        year=year,
        registered_on=dt.date(year, 1, 15),
        product_set=ProductSet.objects.get(number=9),
    )
    idea = programme_services.idea_transition(
        actor=None, idea=idea, to=IdeaStatus.ACCEPTED, system=True
    )
    plan = programme_services.plan_create(
        actor=None,
        idea=idea,
        production_plan="Nâng công suất.",
        market_plan="Siêu thị.",
        starts_on=dt.date(year, 3, 1),
        ends_on=dt.date(year, 11, 30),
        total_budget=2 * BIG,
        own_contribution=BIG,
    )
    line = programme_services.support_line_add(
        actor=None,
        plan=plan,
        content=content,
        quantity=Decimal(12_345),
        amount=Decimal(1_234_500_000),
    )
    for step in (PlanStatus.SUBMITTED, PlanStatus.APPRAISED, PlanStatus.APPROVED):
        extra = (
            {"appraisal_notes": "Khả thi.", "appraisal_opinion": "agree"}
            if step == PlanStatus.APPRAISED
            else {}
        )
        plan = programme_services.plan_transition(
            actor=None, plan=plan, to=step, system=True, **extra
        )
    allocation = services_funding.allocation_create(
        actor=None,
        line=line,
        source="provincial",
        amount=Decimal(1_234_500_000),
        decided_on=dt.date(year, 4, 1),
        decision_number=f"99/{year}/QĐ-UBND",
    )
    services_funding.disbursement_create(
        actor=None, allocation=allocation, amount=Decimal(123_456_789), paid_on=dt.date(year, 5, 2)
    )

    # plans: a target of 15,000 recognised products, its snapshots
    target_plan = plan_services.plan_create(
        actor=None,
        province=units.danang,
        unit=units.danang,
        year=year,
        period_start=dt.date(year, 1, 1),
        period_end=dt.date(year, 12, 31),
        number=f"45/KH-UBND-{year}",
        date=dt.date(year, 1, 5),
        authority="UBND thành phố Đà Nẵng",
        title=f"Kế hoạch OCOP năm {year}",
    )
    plan_services.target_create(
        actor=None,
        plan=target_plan,
        indicator="products_recognised",
        comparison="gte",
        value=Decimal(15_000),
    )
    plan_services.target_create(
        actor=None,
        plan=target_plan,
        indicator="registered_share_3_star",
        comparison="gte",
        value=Decimal("85.5"),
    )
    snapshots.plan_refresh(target_plan, today=today)

    # outreach: a course of 123 million, a broadcast heard by 12,345 people
    course = outreach_services.course_create(
        actor=None,
        title="Tập huấn chu trình OCOP",
        topic="ocop_cycle",
        for_provincial_officials=True,
        for_commune_officials=True,
        for_producers=True,
        start_date=dt.date(year, 5, 12),
        end_date=dt.date(year, 5, 13),
        place="Hội trường UBND",
        unit=units.danang,
        budget=Decimal(123_456_789),
    )
    activity = outreach_services.activity_create(
        actor=None,
        kind="radio",
        date=dt.date(year, 6, 1),
        title="Chương trình phát thanh OCOP",
        unit=units.danang,
        for_public=True,
        reached=12_345,
        producers_reached=[producer],
    )

    # promotion: a fair of 1.309 billion with 12,345 visitors, a contract of 1.309 billion
    event = promotion_services.event_create(
        actor=None,
        kind=EventKind.FAIR,
        name="Hội chợ OCOP Đà Nẵng",
        start_date=dt.date(year, 4, 20),
        end_date=dt.date(year, 4, 23),
        place_kind=PlaceKind.IN_PROVINCE,
        place="Công viên Biển Đông",
        province=units.danang,
        budget=BIG,
        visitors=12_345,
        sales_on_site=Decimal(123_456_789),
    )
    participation = promotion_services.participation_add(
        actor=None, event=event, producer=producer, products=[product]
    )
    participation.sales_on_site = Decimal(12_345_678)
    participation.save(update_fields=["sales_on_site"])
    contract = promotion_services.contract_create(
        actor=None,
        products=[product],
        kind="sales_contract",
        producer=producer,
        counterparty="Co.opmart Đà Nẵng",
        counterparty_kind=CounterpartyKind.SUPERMARKET,
        signed_on=dt.date(year, 4, 21),
        value=BIG,
        source_event=event,
    )

    # trace: a request of 20,000 stamps, and a stamp verified 12,345 times
    requested = trace_services.batch_request(
        actor=p.admin,
        product=product,
        lot="L-BIG",
        production_date=today - dt.timedelta(days=3),
        quantity=20_000,
    )
    issued = trace_services.batch_request(
        actor=p.admin,
        product=product,
        lot="L-SMALL",
        production_date=today - dt.timedelta(days=3),
        quantity=3,
    )
    trace_services.batch_transition(actor=p.admin, batch=issued, to_status=BatchStatus.APPROVED)

    # market: a sales point with its coordinates
    from market import services as market_services

    point = market_services.sales_point_create(
        actor=None,
        kind="ocop_point",
        name="Trung tâm OCOP Hải Châu",
        unit_recorded=units.hai_chau,
        current_unit=units.hai_chau,
        latitude=Decimal("16.054412"),
        longitude=Decimal("108.220200"),
        opened_on=dt.date(year - 1, 1, 1),
        phone="0236 3812345",
        operator=producer,
    )
    return SimpleNamespace(
        p=p,
        product=product,
        producer=producer,
        certificate=certificate,
        programme_plan=plan,
        decision=decision,
        target_plan=target_plan,
        course=course,
        activity=activity,
        event=event,
        contract=contract,
        requested=requested,
        issued=issued,
        point=point,
    )


def _pages(w) -> list[tuple[str, object]]:
    """(user, address) of the main pages of every module."""
    p = w.p
    office, producer = p.provincial, p.producer
    return [
        (office, reverse("dashboard:home")),
        (producer, reverse("dashboard:home")),
        (office, reverse("core:history", args=["programme", "businessplan", w.programme_plan.pk])),
        (office, reverse("core:history", args=["promotion", "event", w.event.pk])),
        (office, reverse("core:notices")),
        (office, reverse("registry:producer_list")),
        (office, reverse("registry:producer_detail", args=[w.producer.pk])),
        (office, reverse("registry:product_list")),
        (office, reverse("registry:product_detail", args=[w.product.pk])),
        (office, reverse("recognition:certificate_list")),
        (office, reverse("recognition:certificate_detail", args=[w.certificate.pk])),
        (office, reverse("recognition:decision_list")),
        (office, reverse("recognition:decision_detail", args=[w.certificate.decision_id])),
        (office, reverse("submissions:dossier_list")),
        (office, reverse("submissions:round_list")),
        (office, reverse("evaluation:catalogue")),
        (office, reverse("evaluation:assessment_list")),
        (office, reverse("evaluation:council_list")),
        (office, reverse("programme:idea_list")),
        (office, reverse("programme:plan_list")),
        (office, reverse("programme:plan_detail", args=[w.programme_plan.pk])),
        (office, reverse("programme:support_needs") + f"?year={w.programme_plan.year}"),
        (office, reverse("programme:allocation_list")),
        (office, reverse("programme:decision_list")),
        (producer, reverse("programme:plan_detail", args=[w.programme_plan.pk])),
        (office, reverse("plans:plan_list")),
        (office, reverse("plans:plan_detail", args=[w.target_plan.pk])),
        (office, reverse("plans:statistics")),
        (office, reverse("outreach:course_list")),
        (office, reverse("outreach:course_detail", args=[w.course.pk])),
        (office, reverse("outreach:activity_list")),
        (office, reverse("outreach:activity_detail", args=[w.activity.pk])),
        (office, reverse("outreach:coverage")),
        (office, reverse("market:point_list")),
        (office, reverse("market:point_detail", args=[w.point.pk])),
        (office, reverse("market:coverage")),
        (office, reverse("promotion:event_list")),
        (office, reverse("promotion:event_detail", args=[w.event.pk])),
        (office, reverse("promotion:participation_list")),
        (office, reverse("promotion:contract_list")),
        (office, reverse("promotion:contract_detail", args=[w.contract.pk])),
        (office, reverse("promotion:figures")),
        (office, reverse("trace:batch_list")),
        (office, reverse("trace:batch_detail", args=[w.requested.pk])),
        (office, reverse("trace:stamp_detail", args=[w.stamp.pk])),
        (office, reverse("trace:anomalies")),
        (office, reverse("inspection:plan_list")),
        (office, reverse("inspection:inspection_list")),
    ]


def _read(client, user, url, language) -> str:
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def test_no_page_shows_a_raw_figure(client, world):
    codes = stored_codes()
    for language in ("vi", "en"):
        for user, url in _pages(world):
            text = visible_text(_read(client, user, url, language))
            assert_no_raw_figure(text, codes, f"{url} ({language})")

    # and the figures are those of core.formatting, in each language
    def page(name, *args, language="vi"):
        return visible_text(_read(client, world.p.provincial, reverse(name, args=args), language))

    detail = page("programme:plan_detail", world.programme_plan.pk)
    assert "2.618.000.000\xa0₫" in detail and "12.345 tem" in detail
    event = page("promotion:event_detail", world.event.pk)
    assert "1.309.000.000\xa0₫" in event and "12.345" in event
    assert "67,50/100" in page("recognition:certificate_detail", world.certificate.pk)
    english = page("promotion:event_detail", world.event.pk, language="en")
    assert "₫1,309,000,000" in english and "12,345" in english


@pytest.fixture
def pdf_html(monkeypatch):
    """The HTML each PDF is made from (WeasyPrint replaced by a recorder)."""
    import weasyprint

    written: list[str] = []

    class Recorder:
        def __init__(self, string, base_url=None):
            written.append(string)

        def write_pdf(self):
            return b"%PDF-1.7 recorded"

    monkeypatch.setattr(weasyprint, "HTML", Recorder)
    return written


def test_no_pdf_and_no_notice_email_shows_a_raw_figure(client, world, pdf_html):
    office = world.p.provincial
    addresses = [
        reverse("plans:plan_report", args=[world.target_plan.pk]) + "?quarter=1&format=pdf",
        reverse("recognition:certificate_pdf", args=[world.certificate.pk]),
        reverse("recognition:decision_pdf", args=[world.certificate.decision_id]),
        reverse("trace:batch_labels", args=[world.issued.pk]) + "?layout=3x8&first=1&last=3",
    ]
    codes = stored_codes()
    for language in ("vi", "en"):  # the PDFs are Vietnamese documents in both
        for url in addresses:
            pdf_html.clear()
            client.force_login(office)
            client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
            response = client.get(url)
            assert response.status_code == 200, url
            assert pdf_html, url
            assert_no_raw_figure(visible_text(pdf_html[-1]), codes, f"{url} ({language})")

    # the e-mails of the notices sent while the world was built (the plan's steps)
    assert mail.outbox, "the producer's member has an e-mail address: the plan's steps told them"
    for message in mail.outbox:
        assert_no_raw_figure(message.subject + "\n" + message.body, codes, message.subject)


# --- the workbooks -----------------------------------------------------------------------

IDENTIFIER_HEADERS = re.compile(r"^(Mã|STT|Năm|Số hiệu|Số lô|GTIN|Hồ sơ đánh giá|Điện thoại)")


def _workbook(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, url
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return openpyxl.load_workbook(io.BytesIO(body))


def test_no_workbook_holds_a_figure_as_text_or_ungrouped(client, world):
    office = world.p.provincial
    addresses = [
        reverse("programme:plan_list") + "?format=xlsx",
        reverse("programme:allocation_list") + "?format=xlsx",
        reverse("programme:support_needs") + f"?format=xlsx&year={world.programme_plan.year}",
        reverse("promotion:event_list") + "?format=xlsx",
        reverse("promotion:participation_list") + "?format=xlsx",
        reverse("promotion:contract_list") + "?format=xlsx",
        reverse("outreach:course_list") + "?format=xlsx",
        reverse("outreach:activity_list") + "?format=xlsx",
        reverse("trace:batch_export", args=["xlsx"]),
        reverse("registry:producer_export") + "?format=xlsx",
        reverse("registry:product_export") + "?format=xlsx",
        reverse("recognition:report_recognised"),
        reverse("plans:statistics_export"),
    ]
    checked = 0
    for url in addresses:
        workbook = _workbook(client, office, url)
        for sheet in workbook.worksheets:
            headers: dict[int, str] = {}
            for row in sheet.iter_rows():
                for cell in row:
                    value = cell.value
                    if isinstance(value, str):
                        if not headers.get(cell.column) and not RUN.fullmatch(value):
                            headers.setdefault(cell.column, value)
                        figure = value.replace(".", "").replace(",", "").replace(" ", "")
                        header = headers.get(cell.column, "")
                        assert (
                            not (RUN.fullmatch(figure) and not IDENTIFIER_HEADERS.match(header))
                            or value in stored_codes()
                        ), f"{url} {sheet.title}!{cell.coordinate}: text {value!r}"
                    elif (
                        isinstance(value, (int, float, Decimal))
                        and not isinstance(value, bool)
                        and abs(value) >= 10_000
                        and not IDENTIFIER_HEADERS.match(headers.get(cell.column, ""))
                    ):
                        checked += 1
                        assert "#,##0" in cell.number_format, (
                            f"{url} {sheet.title}!{cell.coordinate}: {value} "
                            f"formatted {cell.number_format!r}"
                        )
    assert checked >= 15  # the large figures of the world were met


def test_the_check_finds_a_raw_figure_and_spares_addresses_codes_and_tags():
    page = (
        '<p data-id="123456">Lượt khách: 12345 · 1.309.000.000\xa0₫ · 85,5% · '
        '<a href="/promotion/events/123456/">/promotion/events/123456/</a> · '
        "GTIN 8930000000019 · 16.054412, 108.220200 · năm 2026 · <code>681b2ab521e09009…</code>"
        "</p><script>let n = 99999</script>"
    )
    assert raw_runs(visible_text(page), {"8930000000019"}) == ["12345"]
