import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.models import AuditEvent
from promotion import selectors, services
from promotion.choices import ContractStatus, CounterpartyKind, EventKind, PlaceKind
from promotion.models import Contract, ContractTransition, Event, Participation
from registry import services as registry_services
from registry.models import Product, ProductSet, SalesChannel

pytestmark = pytest.mark.django_db


def make_event(units, name="Hội chợ OCOP Đà Nẵng 2025", start=dt.date(2025, 4, 20), **extra):
    fields = {
        "kind": EventKind.FAIR,
        "name": name,
        "start_date": start,
        "end_date": start + dt.timedelta(days=3),
        "place_kind": PlaceKind.IN_PROVINCE,
        "place": "Công viên Biển Đông",
        "province": units.danang,
    }
    fields.update(extra)
    return services.event_create(actor=None, **fields)


def enrol(event, producer, products=None):
    if products is None:
        products = list(producer.products.all())
    return services.participation_add(actor=None, event=event, producer=producer, products=products)


def sign(producer, signed_on=dt.date(2025, 4, 21), products=None, **extra):
    fields = {
        "kind": "mou",
        "producer": producer,
        "counterparty": "Co.opmart Đà Nẵng",
        "counterparty_kind": CounterpartyKind.SUPERMARKET,
        "signed_on": signed_on,
    }
    fields.update(extra)
    return services.contract_create(
        actor=None,
        products=list(producer.products.all()) if products is None else products,
        **fields,
    )


class TestEventValidation:
    def test_an_end_before_the_start_is_refused_with_a_clear_message(self, personas):
        with pytest.raises(ValidationError) as exc:
            make_event(personas.units, end_date=dt.date(2025, 4, 19))
        assert "Ngày kết thúc trước ngày bắt đầu." in exc.value.message_dict["end_date"]

    def test_a_one_day_event_is_fine(self, personas):
        event = make_event(personas.units, end_date=dt.date(2025, 4, 20))
        assert event.start_date == event.end_date

    def test_abroad_needs_a_country(self, personas):
        with pytest.raises(ValidationError) as exc:
            make_event(personas.units, place_kind=PlaceKind.ABROAD)
        assert "country" in exc.value.message_dict

    def test_a_trade_mission_is_abroad(self, personas):
        with pytest.raises(ValidationError) as exc:
            make_event(personas.units, kind=EventKind.TRADE_MISSION)
        assert "place_kind" in exc.value.message_dict

    def test_the_form_shows_the_date_error(self, client, personas):
        client.force_login(personas.provincial)
        response = client.post(
            reverse("promotion:event_create"),
            {
                "kind": "fair",
                "name": "Hội chợ ngược ngày",
                "start_date": "2025-04-20",
                "end_date": "2025-04-10",
                "place_kind": "in_province",
                "province": personas.units.danang.pk,
            },
        )
        assert response.status_code == 200
        assert response.context["form"].errors["end_date"]
        assert not Event.objects.filter(name="Hội chợ ngược ngày").exists()

    def test_the_form_records_an_event_and_audits_it(self, client, personas):
        client.force_login(personas.provincial)
        response = client.post(
            reverse("promotion:event_create"),
            {
                "kind": "fair",
                "name": "Hội chợ mùa thu",
                "start_date": "2025-09-01",
                "end_date": "2025-09-03",
                "place_kind": "in_province",
                "province": personas.units.danang.pk,
                "budget": "500000000",
            },
        )
        event = Event.objects.get(name="Hội chợ mùa thu")
        assert response.status_code == 302
        assert AuditEvent.objects.filter(action="ocop.event.created", target_id=str(event.pk))

    def test_an_official_cannot_record_an_event_for_another_province(self, client, personas):
        client.force_login(personas.other_province)
        response = client.post(
            reverse("promotion:event_create"),
            {
                "kind": "fair",
                "name": "Hội chợ lấn sân",
                "start_date": "2025-09-01",
                "end_date": "2025-09-03",
                "place_kind": "in_province",
                "province": personas.units.danang.pk,
            },
        )
        assert response.status_code == 200
        assert "province" in response.context["form"].errors


class TestParticipation:
    def test_only_the_producers_own_products_can_be_shown(self, personas):
        event = make_event(personas.units)
        other = personas.producer_y.products.first()
        with pytest.raises(ValidationError):
            enrol(event, personas.producer_x, [other])
        assert not Participation.objects.exists()

    def test_a_producer_takes_part_once(self, personas):
        event = make_event(personas.units)
        enrol(event, personas.producer_x)
        with pytest.raises(ValidationError):
            enrol(event, personas.producer_x)

    def test_an_official_adds_a_participant_through_the_page(self, client, personas):
        event = make_event(personas.units)
        product = personas.producer_x.products.first()
        client.force_login(personas.provincial)
        response = client.post(
            reverse("promotion:participant_add", args=[event.pk]),
            {
                "producer": personas.producer_x.pk,
                "products": [product.pk],
                "booth_number": "A12",
                "contracts_signed": "1",
            },
        )
        assert response.status_code == 302
        participation = Participation.objects.get(event=event)
        assert list(participation.products.all()) == [product]
        page = client.get(reverse("promotion:event_detail", args=[event.pk]))
        assert "HTX Hải Châu" in page.content.decode()


class TestScoping:
    @pytest.fixture
    def data(self, personas):
        event = make_event(personas.units)
        enrol(event, personas.producer_x)
        enrol(event, personas.producer_y)
        contract_x = sign(personas.producer_x, source_event=event)
        contract_y = sign(personas.producer_y)
        return event, contract_x, contract_y

    def test_the_provincial_office_sees_the_event_and_every_contract(self, personas, data):
        event, cx, cy = data
        user = personas.provincial
        assert list(Event.objects.restrict(user)) == [event]
        assert Participation.objects.restrict(user).count() == 2
        assert set(Contract.objects.restrict(user)) == {cx, cy}
        assert Event.objects.restrict(user, "change").exists()

    def test_another_province_sees_nothing(self, client, personas, data):
        event, cx, _cy = data
        user = personas.other_province
        assert not Event.objects.restrict(user).exists()
        assert not Participation.objects.restrict(user).exists()
        assert not Contract.objects.restrict(user).exists()
        client.force_login(user)
        assert client.get(reverse("promotion:event_detail", args=[event.pk])).status_code == 404
        assert client.get(reverse("promotion:contract_detail", args=[cx.pk])).status_code == 404
        assert client.get(reverse("promotion:event_list")).context["page"].paginator.count == 0

    def test_a_producer_sees_its_events_and_only_its_own_rows(self, client, personas, data):
        event, cx, cy = data
        make_event(personas.units, name="Hội chợ không tham gia")
        user = personas.producer
        assert list(Event.objects.restrict(user)) == [event]
        assert [p.producer for p in Participation.objects.restrict(user)] == [personas.producer_x]
        assert list(Contract.objects.restrict(user)) == [cx]
        assert not Event.objects.restrict(user, "change").exists()
        client.force_login(user)
        page = client.get(reverse("promotion:event_detail", args=[event.pk])).content.decode()
        assert "HTX Hải Châu" in page and "HTX Hội An" not in page
        assert client.get(reverse("promotion:contract_detail", args=[cy.pk])).status_code == 404

    def test_a_commune_officer_sees_the_provinces_events_but_only_its_communes_contracts(
        self, personas, data
    ):
        event, cx, _cy = data
        user = personas.commune
        assert list(Event.objects.restrict(user)) == [event]
        assert list(Contract.objects.restrict(user)) == [cx]
        assert not Event.objects.restrict(user, "change").exists()

    def test_a_user_without_a_role_sees_nothing(self, personas, data):
        assert not Event.objects.restrict(personas.no_role).exists()
        assert not Contract.objects.restrict(personas.no_role).exists()


class TestContracts:
    def test_products_and_documents_must_be_the_producers(self, personas):
        with pytest.raises(ValidationError) as exc:
            sign(personas.producer_x, products=list(personas.producer_y.products.all()))
        assert "products" in exc.value.message_dict

    def test_a_source_event_needs_the_producers_participation(self, personas):
        event = make_event(personas.units)
        with pytest.raises(ValidationError) as exc:
            sign(personas.producer_x, source_event=event)
        assert "source_event" in exc.value.message_dict

    def test_an_end_before_the_start_is_refused(self, personas):
        with pytest.raises(ValidationError) as exc:
            sign(personas.producer_x, starts_on=dt.date(2025, 5, 1), ends_on=dt.date(2025, 4, 30))
        assert "ends_on" in exc.value.message_dict

    @pytest.mark.parametrize(
        "path",
        [
            ["in_execution", "completed"],
            ["cancelled"],
            ["in_execution", "cancelled"],
        ],
    )
    def test_allowed_transitions(self, personas, path):
        contract = sign(personas.producer_x)
        for to in path:
            contract = services.contract_transition(
                actor=personas.provincial, contract=contract, to=to, reason="lý do"
            )
        assert contract.status == path[-1]
        assert ContractTransition.objects.filter(contract=contract).count() == len(path)
        assert AuditEvent.objects.filter(action="ocop.contract.transitioned").count() == len(path)

    @pytest.mark.parametrize(
        "path,bad",
        [
            ([], "completed"),
            (["cancelled"], "in_execution"),
            (["in_execution", "completed"], "cancelled"),
            ([], "signed"),
        ],
    )
    def test_forbidden_transitions_are_refused(self, personas, path, bad):
        contract = sign(personas.producer_x)
        for to in path:
            services.contract_transition(actor=None, contract=contract, to=to, reason="lý do")
        with pytest.raises(ValidationError):
            services.contract_transition(actor=None, contract=contract, to=bad, reason="lý do")

    def test_cancelling_needs_a_reason(self, personas):
        contract = sign(personas.producer_x)
        with pytest.raises(ValidationError):
            services.contract_transition(actor=None, contract=contract, to="cancelled")
        contract.refresh_from_db()
        assert contract.status == ContractStatus.SIGNED

    def test_the_status_page_changes_the_status(self, client, personas):
        contract = sign(personas.producer_x)
        client.force_login(personas.commune)
        response = client.post(
            reverse("promotion:contract_transition", args=[contract.pk]), {"to": "in_execution"}
        )
        assert response.status_code == 302
        contract.refresh_from_db()
        assert contract.status == ContractStatus.IN_EXECUTION

    def test_a_producer_records_its_own_mou(self, client, personas):
        client.force_login(personas.producer)
        product = personas.producer_x.products.first()
        response = client.post(
            reverse("promotion:contract_create"),
            {
                "kind": "mou",
                "producer": personas.producer_x.pk,
                "counterparty": "WinMart",
                "counterparty_kind": "supermarket",
                "products": [product.pk],
                "signed_on": "2025-06-01",
            },
        )
        assert response.status_code == 302, response.context["form"].errors
        assert Contract.objects.get(counterparty="WinMart").producer == personas.producer_x


class TestFigures:
    def test_shares_for_a_year_with_boundary_dates(self, personas):
        units = personas.units
        fish = ProductSet.objects.get(number=9)
        second = registry_services.product_create(
            actor=None, name="Mắm nêm", producer=personas.producer_x, product_set=fish
        )
        first = personas.producer_x.products.exclude(pk=second.pk).get()
        y_product = personas.producer_y.products.get()
        in_year = make_event(units, start=dt.date(2025, 12, 31))  # last day of the year
        last_year = make_event(units, name="Hội chợ 2024", start=dt.date(2024, 12, 31))
        enrol(in_year, personas.producer_x, [first, second])
        enrol(last_year, personas.producer_y, [y_product])
        sign(personas.producer_x, signed_on=dt.date(2025, 12, 31), products=[first])
        sign(personas.producer_y, signed_on=dt.date(2025, 1, 1), products=[y_product])

        f = selectors.figures(user=personas.provincial, year=2025, province=units.danang)
        # Đà Nẵng has two active producers; only producer_x took part in 2025
        assert (f.participation.numerator, f.participation.denominator) == (1, 2)
        assert f.participation.percent == Decimal("50.0")
        # two products shown in 2025, one of them signed in 2025
        assert (f.contract_share.numerator, f.contract_share.denominator) == (1, 2)
        assert f.events.fairs_in_province == 1
        # supermarket: contracts with a supermarket chain for both producers' products
        assert f.supermarket_products == 2

        f2024 = selectors.figures(user=personas.provincial, year=2024, province=units.danang)
        assert f2024.participation.numerator == 1
        assert f2024.contract_share.numerator == 0  # y's MOU was signed in 2025

    def test_zero_denominators_give_none(self, personas):
        f = selectors.figures(
            user=personas.other_province, year=2025, province=personas.units.hanoi
        )
        assert f.contract_share.percent is None
        f = selectors.figures(user=personas.no_role, year=2025)
        assert f.participation.percent is None
        assert f.targets.participation_met is None

    def test_supermarket_counts_channels_and_contracts_once(self, personas):
        product = personas.producer_x.products.get()
        registry_services.product_part_add(
            actor=None, product=product, part=SalesChannel(kind="supermarket", name="Co.opmart")
        )
        sign(personas.producer_x, products=[product])
        cancelled = sign(personas.producer_y, kind="sales_contract")
        services.contract_transition(actor=None, contract=cancelled, to="cancelled", reason="x")
        f = selectors.figures(user=personas.provincial, year=2025)
        assert f.supermarket_products == 1

    def test_other_province_figures_do_not_see_da_nang(self, personas):
        event = make_event(personas.units)
        enrol(event, personas.producer_x)
        f = selectors.figures(user=personas.other_province, year=2025)
        assert f.participation.numerator == 0 and f.events.fairs == 0

    def test_the_figures_page(self, client, personas):
        event = make_event(personas.units, start=dt.date(2025, 3, 1))
        enrol(event, personas.producer_x)
        client.force_login(personas.provincial)
        response = client.get(reverse("promotion:figures"), {"year": 2025})
        assert response.status_code == 200
        assert response.context["figures"].participation.percent == Decimal("50.0")
        assert "50,0%" in response.content.decode()  # Vietnamese decimal comma
        client.force_login(personas.other_province)
        response = client.get(
            reverse("promotion:figures"), {"year": 2025, "province": personas.units.danang.pk}
        )
        assert response.status_code == 404


class TestExport:
    def _open(self, response):
        assert response.status_code == 200
        data = b"".join(response.streaming_content)
        return openpyxl.load_workbook(io.BytesIO(data)).active

    def test_events_participants_and_contracts_export_with_vietnamese_headers(
        self, client, personas
    ):
        event = make_event(personas.units, name="=SUM(1,2) Hội chợ")
        enrol(event, personas.producer_x)
        sign(personas.producer_x, source_event=event, value=Decimal(120_000_000))
        client.force_login(personas.provincial)

        sheet = self._open(client.get(reverse("promotion:event_list"), {"format": "xlsx"}))
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0][:3] == ("Mã", "Loại sự kiện", "Tên sự kiện")
        assert rows[1][2] == "=SUM(1,2) Hội chợ"  # text, never a formula
        assert rows[1][3].date() == dt.date(2025, 4, 20)
        assert rows[1][13] == 1

        sheet = self._open(
            client.get(
                reverse("promotion:participation_list"), {"format": "xlsx", "event": event.pk}
            )
        )
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0][3] == "Tên chủ thể"
        assert rows[1][3] == "HTX Hải Châu"

        sheet = self._open(client.get(reverse("promotion:contract_list"), {"format": "xlsx"}))
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0][5] == "Đối tác" and len(rows) == 2
        assert rows[1][8] == 120_000_000

    def test_the_export_is_scoped(self, client, personas):
        make_event(personas.units)
        client.force_login(personas.other_province)
        sheet = self._open(client.get(reverse("promotion:event_list"), {"format": "xlsx"}))
        assert len(list(sheet.iter_rows(values_only=True))) == 1  # headers only


class TestPages:
    def test_lists_render(self, client, personas):
        event = make_event(personas.units)
        enrol(event, personas.producer_x)
        contract = sign(personas.producer_x, source_event=event)
        client.force_login(personas.provincial)
        for name, args in [
            ("promotion:event_list", []),
            ("promotion:event_detail", [event.pk]),
            ("promotion:event_edit", [event.pk]),
            ("promotion:participant_add", [event.pk]),
            ("promotion:participation_list", []),
            ("promotion:contract_list", []),
            ("promotion:contract_create", []),
            ("promotion:contract_detail", [contract.pk]),
            ("promotion:figures", []),
        ]:
            assert client.get(reverse(name, args=args)).status_code == 200, name


class TestDemo:
    def test_the_demo_is_idempotent_and_deterministic(self, personas):
        from promotion.demo import build_promotion_demo

        fish = ProductSet.objects.get(number=9)
        for i in range(4):
            p = registry_services.producer_create(
                actor=None,
                name=f"HTX demo {i}",
                legal_form="cooperative",
                unit_recorded=personas.units.hai_chau,
                current_unit=personas.units.hai_chau,
            )
            registry_services.product_create(
                actor=None, name=f"Sản phẩm {i}", producer=p, product_set=fish
            )
        first = build_promotion_demo()
        assert first["events"] == 12
        assert first["participations"] > 0
        counts = (Event.objects.count(), Participation.objects.count(), Contract.objects.count())
        again = build_promotion_demo()
        assert again == {"events": 0, "participations": 0, "contracts": 0}
        assert counts == (
            Event.objects.count(),
            Participation.objects.count(),
            Contract.objects.count(),
        )
        assert Event.objects.filter(kind="trade_mission", place_kind="abroad").count() == 1
        assert Event.objects.filter(kind="livestream").count() == 1
        assert not Participation.objects.exclude(producer__current_unit__province__code="48")
        assert Contract.objects.filter(source_event__isnull=True).exists()
        assert Product.objects.filter(participations__isnull=False).exists()


class TestQueryCounts:
    def _count(self, client, url):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    def test_lists_do_not_grow_with_rows(self, client, personas):
        client.force_login(personas.provincial)
        event = make_event(personas.units)
        enrol(event, personas.producer_x)
        sign(personas.producer_x)
        urls = [
            reverse("promotion:event_list"),
            reverse("promotion:contract_list"),
            reverse("promotion:participation_list"),
        ]
        before = [self._count(client, url) for url in urls]
        for i in range(3):
            more = make_event(personas.units, name=f"Hội chợ {i}")
            enrol(more, personas.producer_y)
            sign(personas.producer_y)
        assert [self._count(client, url) for url in urls] == before

    def test_lists_and_pages_take_a_fixed_number_of_queries(
        self, client, personas, django_assert_max_num_queries
    ):
        event = make_event(personas.units)
        enrol(event, personas.producer_x)
        contract = sign(personas.producer_x, source_event=event)
        client.force_login(personas.provincial)
        for name, args, most in [
            ("promotion:event_list", [], 7),
            ("promotion:event_detail", [event.pk], 11),
            ("promotion:participation_list", [], 7),
            ("promotion:contract_list", [], 8),
            ("promotion:contract_detail", [contract.pk], 11),
        ]:
            with django_assert_max_num_queries(most):
                assert client.get(reverse(name, args=args)).status_code == 200, name


@pytest.mark.parametrize(
    ("persona", "province"), [("commune", "danang"), ("other_province", "hanoi")]
)
def test_a_participation_lists_only_the_products_the_viewer_may_see(
    client, personas, persona, province
):
    """An official sees every producer at an event of their province, but not the unrecognised
    products of a producer outside their scope: Hội An's, for the commune of Hải Châu (same
    province) and for Hà Nội's office (an event in Hà Nội with Hội An taking part)."""
    units = personas.units
    event = make_event(units, name="Hội chợ thử", province=getattr(units, province))
    enrol(event, personas.producer_y)
    hidden = personas.producer_y.products.get()
    viewer = getattr(personas, persona)
    assert not Product.objects.restrict(viewer).filter(pk=hidden.pk).exists()
    client.force_login(viewer)
    pages = [
        reverse("promotion:event_detail", args=[event.pk]),
        reverse("promotion:participation_list") + f"?event={event.pk}",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert personas.producer_y.name in html  # the participation is listed…
        assert hidden.name not in html  # …not the product hidden from this viewer
        assert reverse("registry:product_detail", args=[hidden.pk]) not in html
    rows = selectors.participation_list(user=viewer, params={"event": event.pk})
    assert [list(p.products.all()) for p in rows] == [[]]
    client.force_login(personas.admin)
    assert hidden.name in client.get(pages[0]).content.decode()
