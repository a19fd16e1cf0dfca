"""The statistics page: recognised products and producers by star, set, form and unit."""

import datetime
import io
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from geo.choices import LAST_DAY_BEFORE_REFORM, Level
from geo.models import AdministrativeUnit as U
from plans import statistics
from recognition.choices import DecisionKind, DecisionLevel
from recognition.models import Certificate, Decision
from registry import services as registry_services
from registry.models import Product, ProductSet

pytestmark = pytest.mark.django_db

D = datetime.date
_numbers = itertools.count(1)


def _certify(product, stars, issued, *, expires=None, revoked=None, province=None):
    n = next(_numbers)
    province = province or product.producer.current_unit.province
    decision = Decision.objects.create(
        kind=DecisionKind.RECOGNITION,
        level=DecisionLevel.PROVINCE,
        number=f"{n}/QĐ-UBND",
        date=issued,
        signer_name="Lê Văn A",
        authority="UBND tỉnh",
        province=province,
    )
    revocation = None
    if revoked:
        revocation = Decision.objects.create(
            kind=DecisionKind.REVOCATION,
            level=DecisionLevel.PROVINCE,
            number=f"{n}/QĐ-TH",
            date=revoked,
            signer_name="Lê Văn A",
            authority="UBND tỉnh",
            province=province,
        )
    return Certificate.objects.create(
        decision=decision,
        product=product,
        number=f"GCN-{n}",
        stars=stars,
        level=DecisionLevel.PROVINCE,
        product_name=product.name,
        producer_name=product.producer.name,
        authority="UBND tỉnh",
        issued_on=issued,
        expires_on=expires or issued.replace(year=issued.year + 3),
        public_code=f"CODE{n:016d}",
        revoked_on=revoked,
        revocation_decision=revocation,
    )


def _producer(name, unit, legal_form="cooperative", current=None):
    return registry_services.producer_create(
        actor=None,
        name=name,
        legal_form=legal_form,
        unit_recorded=unit,
        current_unit=current or unit,
    )


def _product(producer, name, set_number=9):
    return registry_services.product_create(
        actor=None,
        name=name,
        producer=producer,
        product_set=ProductSet.objects.get(number=set_number),
    )


@pytest.fixture
def danang_2023(personas):
    """Đà Nẵng, end of 2023: 5 products of 3 producers (2 at 4★, 3 at 3★), plus noise."""
    u = personas.units
    x, y = personas.producer_x, personas.producer_y
    household = _producer("Hộ Nguyễn Văn B", u.hai_chau, legal_form="household")
    made = {
        "x1": _certify(Product.objects.get(producer=x), 4, D(2023, 3, 1)),
        "x2": _certify(_product(x, "Mắm nêm Hải Châu", 9), 3, D(2023, 5, 2)),
        "y1": _certify(Product.objects.get(producer=y), 4, D(2022, 6, 1)),
        "y2": _certify(_product(y, "Trà Hội An", 15), 3, D(2021, 1, 4)),
        "h1": _certify(_product(household, "Bánh tráng", 1), 3, D(2023, 12, 31)),
        # not counted on 31/12/2023: expired the day before, revoked that day, issued after
        "expired": _certify(_product(y, "Rượu cũ", 10), 3, D(2020, 1, 1), expires=D(2023, 12, 30)),
        "revoked": _certify(_product(x, "Nem", 1), 4, D(2022, 1, 1), revoked=D(2023, 12, 31)),
        "later": _certify(_product(household, "Bánh ít", 1), 3, D(2024, 1, 1)),
    }
    _certify(Product.objects.get(producer=personas.producer_hanoi), 5, D(2022, 1, 1))
    return made


def _get(client, user, **params):
    client.force_login(user)
    return client.get(reverse("plans:statistics"), params)


def test_it_states_products_producers_and_stars_in_one_sentence(client, personas, danang_2023):
    response = _get(client, personas.provincial, on="2023-12-31")
    assert response.status_code == 200
    sentence = response.context["stats"].sentence
    assert sentence == "5 sản phẩm của 3 chủ thể: 2 sản phẩm 4 sao và 3 sản phẩm 3 sao"
    assert sentence in response.content.decode()


def test_the_sentence_reads_in_english_and_leaves_out_stars_without_products():
    row = statistics.Row("total", "Total")
    for stars, producer in [(4, 1), (4, 2), (3, 2), (5, 3)]:
        row.add(stars, producer)
    with translation.override("en"):
        assert statistics.summary_sentence(row) == (
            "4 products of 3 producers: 1 at 5★, 2 at 4★ and 1 at 3★"
        )
        single = statistics.Row("total", "Total")
        single.add(3, 1)
        assert statistics.summary_sentence(single) == "1 product of 1 producer: 1 at 3★"
        assert statistics.summary_sentence(statistics.Row("t", "")) == "No product is recognised."


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2023, 12, 30), {4: 3, 3: 3}),  # expiry and revocation not yet; h1 not yet issued
        (D(2023, 12, 31), {4: 2, 3: 3}),  # issued that day counts; revoked that day does not
        (D(2024, 1, 1), {4: 2, 3: 4}),  # "later" issued that day
        (D(2020, 12, 31), {4: 0, 3: 1}),
    ],
)
def test_it_counts_stars_as_recognised_on_the_day(personas, danang_2023, day, expected):
    stats = statistics.compute(personas.provincial, on=day, area=personas.units.danang)
    assert {s: stats.total.stars[s] for s in (4, 3)} == expected
    assert stats.total.stars[5] == 0  # Hà Nội's 5★ is outside the province


def test_a_rerated_product_counts_at_its_old_stars_until_the_new_certificate(personas):
    product = Product.objects.get(producer=personas.producer_x)
    old = _certify(product, 3, D(2021, 1, 1))
    new = _certify(product, 4, D(2023, 6, 1))
    old.superseded_by, old.superseded_on = new, D(2023, 6, 1)
    old.save()
    danang = personas.units.danang
    before = statistics.compute(personas.provincial, on=D(2023, 5, 31), area=danang)
    after = statistics.compute(personas.provincial, on=D(2023, 6, 1), area=danang)
    assert (before.total.stars[3], before.total.stars[4]) == (1, 0)
    assert (after.total.stars[3], after.total.stars[4]) == (0, 1)
    assert after.total.products == 1


def test_it_breaks_down_by_product_set_legal_form_and_commune(personas, danang_2023):
    stats = statistics.compute(personas.provincial, on=D(2023, 12, 31), area=personas.units.danang)
    by_set = {r.key: r for r in stats.by_set}
    fish_sauce = ProductSet.objects.get(number=9)
    assert (by_set[fish_sauce.pk].stars[4], by_set[fish_sauce.pk].stars[3]) == (2, 1)
    assert by_set[fish_sauce.pk].producers == 2
    assert sum(r.products for r in stats.by_set) == 5
    forms_ = {r.key: r for r in stats.by_legal_form}
    assert (forms_["cooperative"].products, forms_["cooperative"].producers) == (4, 2)
    assert (forms_["household"].products, forms_["household"].producers) == (1, 1)
    units = {r.key: r for r in stats.by_unit}
    hai_chau, hoi_an = personas.units.hai_chau, personas.units.hoi_an
    assert (units[hai_chau.pk].products, units[hai_chau.pk].producers) == (3, 2)
    assert (units[hoi_an.pk].products, units[hoi_an.pk].producers) == (2, 1)
    assert len(units) == U.objects.current().communes().filter(province=hai_chau.province).count()
    assert stats.by_star == [(5, 0, 0), (4, 2, 2), (3, 3, 3)]


def test_a_day_before_the_reform_counts_by_the_districts_of_that_time(personas):
    quang_nam = U.objects.get(level=Level.PROVINCE, code="49", valid_to=LAST_DAY_BEFORE_REFORM)
    tien_phuoc = U.objects.get(level=Level.DISTRICT, name="Tiên Phước")
    old_commune = U.objects.communes().filter(parent=tien_phuoc).first()
    today = old_commune.main_successor()
    recorded_then = _producer("HTX Tiên Phước", old_commune, current=today)
    recorded_now = _producer("HTX mới", today)
    _certify(_product(recorded_then, "Tiêu Tiên Phước"), 4, D(2024, 3, 1))
    _certify(_product(recorded_now, "Chè Tiên Phước"), 3, D(2024, 3, 1))

    stats = statistics.compute(personas.admin, on=D(2024, 12, 31), area=quang_nam, past_map=True)
    rows = {r.key: r for r in stats.by_unit}
    assert len(rows) == 18  # Nông Sơn still a district on 31/12/2024
    assert "Huyện Nông Sơn" in {r.label for r in rows.values()}
    assert (rows[tien_phuoc.pk].products, rows[tien_phuoc.pk].producers) == (2, 2)
    assert stats.unplaced is None
    assert stats.total.products == 2

    next_day = statistics.compute(personas.admin, on=D(2025, 1, 1), area=quang_nam, past_map=True)
    assert len(next_day.by_unit) == 17
    today_map = statistics.compute(personas.admin, on=D(2024, 12, 31), area=personas.units.danang)
    assert today_map.total.products == 2
    assert {r.key for r in today_map.by_unit if r.products} == {today.pk}


@pytest.mark.parametrize(
    ("persona", "products", "status"),
    [
        ("admin", 6, 200),  # the whole country, Hà Nội's 5★ included
        ("provincial", 5, 200),
        ("commune", 3, 200),  # Hải Châu only
        ("other_province", 1, 200),
        ("council", None, 403),
        ("producer", None, 403),
        ("no_role", None, 403),
    ],
)
def test_each_persona_sees_only_its_scope(client, personas, danang_2023, persona, products, status):
    response = _get(client, getattr(personas, persona), on="2023-12-31")
    assert response.status_code == status
    if products is not None:
        assert response.context["stats"].total.products == products
    export = client.get(reverse("plans:statistics_export"), {"on": "2023-12-31"})
    assert export.status_code == status


def test_a_provincial_officer_cannot_pick_another_province(client, personas, danang_2023):
    response = _get(client, personas.provincial, on="2023-12-31", area=personas.units.hanoi.pk)
    form = response.context["form"]
    assert "area" in form.errors
    assert response.context["stats"].area == personas.units.danang


def test_the_admin_sees_the_country_by_province(client, personas, danang_2023):
    stats = _get(client, personas.admin, on="2023-12-31").context["stats"]
    rows = {r.key: r.products for r in stats.by_unit}
    assert rows == {personas.units.danang.pk: 5, personas.units.hanoi.pk: 1}


def _seed(personas, count, offset):
    producer = _producer(f"HTX số {offset}", personas.units.hoi_an, legal_form="sme")
    for i in range(count):
        _certify(_product(producer, f"Sản phẩm {offset}-{i}", 1 + i % 20), 3 + i % 2, D(2023, 1, 2))


def test_the_number_of_queries_does_not_grow_with_the_records(client, personas):
    client.force_login(personas.provincial)
    url = reverse("plans:statistics")

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url, {"on": "2023-12-31", "map": "then"}).status_code == 200
        return len(ctx)

    _seed(personas, 3, 1)
    few = queries()
    _seed(personas, 30, 2)
    assert queries() == few


def test_the_export_reopens_with_the_figures_of_the_page(client, personas, danang_2023):
    client.force_login(personas.provincial)
    response = client.get(reverse("plans:statistics_export"), {"on": "2023-12-31"})
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('thong-ke-ocop-20231231.xlsx"')
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    summary = [
        [c for c in row if c is not None]
        for row in workbook.worksheets[0].iter_rows(values_only=True)
    ]
    assert ["5 sản phẩm của 3 chủ thể: 2 sản phẩm 4 sao và 3 sản phẩm 3 sao"] in summary
    assert ["4★", 2, 2] in summary
    assert ["Tổng cộng", 5, 3] in summary
    by_set = list(workbook.worksheets[1].iter_rows(values_only=True))
    fish = next(r for r in by_set if r[0] and str(r[0]).startswith("9."))
    assert fish[1:] == (0, 2, 1, 3, 2)
    forms_ = {r[0]: r[1:] for r in workbook.worksheets[2].iter_rows(values_only=True)}
    assert forms_["Hộ sản xuất"] == (0, 0, 1, 1, 1)
    units = {r[0]: r[1:] for r in workbook.worksheets[3].iter_rows(values_only=True)}
    assert units["Phường Hải Châu"] == (0, 1, 2, 3, 2)
