"""The indicator library, as data: what each target of a plan counts, computed from records.

An ``Indicator`` names the model it counts, the filter of its numerator, the optional
denominator (the numerator is then counted *within* the denominator), a factor (100 for a
percentage), its period rule and the unit paths that tie a record to an administrative
unit. ``compute()`` returns the value with the querysets of the records behind it, which
the drill-down lists show — so a list always holds exactly the records counted.

Adding an indicator: see docs/howto/add-an-indicator.md.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from core.scoping import VIEW
from plans import rules
from plans.areas import area_q, unit_placement, units_of_today
from plans.choices import PeriodRule, ValueKind
from recognition.in_force import expired_q, in_force_q


@dataclass(frozen=True)
class Context:
    """What an indicator is computed for: an area, a period and the day it is read on."""

    area: object  # geo.AdministrativeUnit
    start: datetime.date
    end: datetime.date
    on: datetime.date
    user: object | None = None  # restrict the records to what this user may see

    @property
    def window(self) -> tuple[datetime.date, datetime.date]:
        """[start, on]: the part of the period elapsed on the day read."""
        return self.start, min(self.on, self.end)


@dataclass
class Result:
    value: Decimal | None
    numerator: int
    denominator: int | None
    records: QuerySet  # the numerator's records
    population: QuerySet | None = None  # the denominator's records
    # pk -> (today's commune, unit of the time) when the computation knows it (coverage)
    placement: dict[int, tuple[int | None, int | None]] | None = None


@dataclass(frozen=True)
class Indicator:
    code: str
    label: object
    model: str
    numerator: Callable[[Context], Q]
    denominator: Callable[[Context], Q] | None = None
    factor: int = 1
    period_rule: str = PeriodRule.AS_OF
    current_path: str = "producer__current_unit"
    recorded_path: str = "producer__unit_recorded"
    compute_with: Callable[[Indicator, Context], Result] | None = None
    # where records lie: pk -> (today's commune, unit recorded); default: the unit paths
    placer: Callable[[QuerySet], dict] | None = None
    help: object = ""
    related: tuple[str, ...] = field(default_factory=tuple)

    @property
    def kind(self) -> str:
        return ValueKind.PERCENT if self.factor == 100 else ValueKind.COUNT

    @property
    def cumulative(self) -> bool:
        """A count that starts at zero with the period (projected through the origin)."""
        return self.period_rule == PeriodRule.WITHIN and self.denominator is None

    def base(self, ctx: Context) -> QuerySet:
        model = apps.get_model(self.model)
        qs = model.objects.all()
        if ctx.user is not None and hasattr(qs, "restrict"):
            qs = qs.restrict(ctx.user, VIEW)
        return qs.filter(area_q(ctx.area, self.current_path, self.recorded_path))

    def compute(self, ctx: Context) -> Result:
        if self.compute_with is not None:
            return self.compute_with(self, ctx)
        base = self.base(ctx)
        if self.denominator is None:
            records = base.filter(self.numerator(ctx)).distinct()
            n = records.count()
            return Result(rules.ratio(n, None, self.factor), n, None, records)
        population = base.filter(self.denominator(ctx)).distinct()
        records = population.filter(self.numerator(ctx)).distinct()
        n, d = records.count(), population.count()
        return Result(rules.ratio(n, d, self.factor), n, d, records, population)


# --- building blocks (Q on the counted model) --------------------------------------------


def _certificates():
    return apps.get_model("recognition.Certificate").objects


def products_in_force(day, **filters) -> Q:
    """Products whose certificate that counts on ``day`` (in force, the newest of the
    product: ``recognition.in_force``) matches ``filters`` — so a product counts under the
    stars its product page shows that day, once."""
    return Q(pk__in=_certificates().counting(day).filter(**filters).values("product_id"))


def _issued_in(ctx: Context, **filters):
    start, end = ctx.window
    return _certificates().filter(issued_on__range=(start, end), **filters)


def new_products_q(ctx: Context) -> Q:
    """Products whose first certificate was issued in the window."""
    start, _ = ctx.window
    earlier = _certificates().filter(issued_on__lt=start).values("product_id")
    return Q(pk__in=_issued_in(ctx).values("product_id")) & ~Q(pk__in=earlier)


def upgraded_products_q(ctx: Context) -> Q:
    """Products with a certificate issued in the window above the stars of an earlier one."""
    cert = apps.get_model("recognition.Certificate")
    lower = cert.objects.filter(
        product_id=OuterRef("product_id"),
        issued_on__lt=OuterRef("issued_on"),
        stars__lt=OuterRef("stars"),
    )
    return Q(pk__in=_issued_in(ctx).filter(Exists(lower)).values("product_id"))


def registered_q(ctx: Context) -> Q:
    """Products with a dossier submitted in the window (registered for evaluation)."""
    dossier = apps.get_model("submissions.Dossier")
    start, end = ctx.window
    return Q(pk__in=dossier.objects.filter(submitted_on__range=(start, end)).values("product_id"))


ORGANISATION_FORMS = ("cooperative", "cooperative_group", "sme")


def founded_q(ctx: Context, forms=ORGANISATION_FORMS) -> Q:
    start, end = ctx.window
    return Q(legal_form__in=forms) & (
        Q(founded_on__range=(start, end))
        | Q(founded_on__isnull=True, registration_date__range=(start, end))
    )


def ocop_producers_q(ctx: Context) -> Q:
    """Producers (chủ thể OCOP) with a product whose certificate is in force."""
    return Q(pk__in=_certificates().filter(in_force_q(ctx.on)).values("product__producer_id"))


def promoted_producers_q(ctx: Context) -> Q:
    participation = apps.get_model("promotion.Participation")
    start, end = ctx.window
    return Q(
        pk__in=participation.objects.filter(event__start_date__range=(start, end)).values(
            "producer_id"
        )
    )


def promoted_products_q(ctx: Context) -> Q:
    participation = apps.get_model("promotion.Participation")
    start, end = ctx.window
    shown = participation.products.through.objects.filter(
        participation__event__start_date__range=(start, end)
    )
    return Q(pk__in=shown.values("product_id"))


def contracted_products_q(ctx: Context) -> Q:
    contract = apps.get_model("promotion.Contract")
    start, end = ctx.window
    signed = contract.products.through.objects.filter(
        contract__signed_on__range=(start, end)
    ).exclude(contract__status="cancelled")
    return Q(pk__in=signed.values("product_id"))


def channel_q(ctx: Context, kinds) -> Q:
    channel = apps.get_model("registry.SalesChannel")
    listed = channel.objects.filter(kind__in=kinds).filter(
        Q(since__isnull=True) | Q(since__lte=ctx.on)
    )
    return Q(pk__in=listed.values("product_id"))


MODERN_CHANNELS = ("supermarket", "convenience", "safe_food_chain")
CENTRE_KINDS = ("commune_centre", "district_centre", "regional_centre")
EXPIRY_HORIZON_DAYS = 180  # "expiring": the re-rating window opens 180 days before expiry
FIVE_STAR_CANDIDATE_SCORE = Decimal(80)  # a 4★ scored ≥ 80 is developed toward 5★ [design]


def open_points_q(ctx: Context, kinds=None) -> Q:
    q = Q(opened_on__lte=ctx.on) & (Q(closed_on__isnull=True) | Q(closed_on__gt=ctx.on))
    if kinds:
        q &= Q(kind__in=kinds)
    return q & ~Q(status="suspended")


# --- custom computations -----------------------------------------------------------------


def _growth(measure: str):
    """Products recognised (first certificate) in the year before the day read whose
    ``measure`` in the year after recognition is ≥ 1.5 × the year before recognition."""

    def compute(indicator: Indicator, ctx: Context) -> Result:
        figure = apps.get_model("registry.BusinessFigure")
        year = ctx.on.year - 1
        first = _certificates().filter(issued_on__year=year)
        earlier = _certificates().filter(issued_on__year__lt=year).values("product_id")
        base = indicator.base(ctx)
        recognised = base.filter(pk__in=first.values("product_id")).exclude(pk__in=earlier)
        rows = list(recognised.values_list("pk", "producer_id"))
        producers = {p for _, p in rows}
        figures = figure.objects.filter(
            producer_id__in=producers, year__in=(year - 1, year + 1)
        ).values_list("producer_id", "product_id", "year", measure)
        by_product, by_producer = {}, {}
        for producer_id, product_id, fy, amount in figures:
            if product_id:
                by_product[(product_id, fy)] = amount
            else:
                by_producer[(producer_id, fy)] = amount
        counted, grown = [], []
        for pk, producer_id in rows:

            def amount(fy, pk=pk, producer_id=producer_id):
                return by_product.get((pk, fy), by_producer.get((producer_id, fy)))

            verdict = rules.grew_enough(amount(year - 1), amount(year + 1))
            if verdict is None:
                continue
            counted.append(pk)
            if verdict:
                grown.append(pk)
        population = base.filter(pk__in=counted)
        records = base.filter(pk__in=grown)
        return Result(
            rules.ratio(len(grown), len(counted), 100),
            len(grown),
            len(counted),
            records,
            population,
        )

    return compute


def _coverage(share: bool):
    """Units of the area with at least one open sales point or centre (market coverage):
    districts of the time for a plan on the former map, today's communes otherwise."""

    def compute(indicator: Indicator, ctx: Context) -> Result:
        from geo.choices import REFORM_DATE
        from market.models import SalesPoint
        from market.selectors import coverage

        unit_model = apps.get_model("geo.AdministrativeUnit")
        points = SalesPoint.objects.all()
        if ctx.user is not None:
            points = points.restrict(ctx.user, VIEW)
        points = points.exclude(status="suspended")
        if ctx.area.level == "commune":
            province = ctx.area.province if ctx.area.is_current else ctx.area.main_successor()
            cov = coverage(province, on=ctx.on, level="commune", points=points)
            rows = [r for r in cov.rows if r.unit.pk == ctx.area.pk]
        elif ctx.on >= REFORM_DATE and not ctx.area.is_current:
            province = ctx.area.main_successor()
            cov = coverage(province, on=ctx.on, points=points)
            wanted = set(units_of_today(ctx.area).values_list("pk", flat=True))
            rows = [r for r in cov.rows if r.unit.pk in wanted]
        else:
            rows = coverage(ctx.area, on=ctx.on, points=points).rows
        units = unit_model.objects.filter(pk__in=[r.unit.pk for r in rows])
        covered = [r.unit.pk for r in rows if r.count]
        records = unit_model.objects.filter(pk__in=covered)
        placement = unit_placement(rows)
        n, d = len(covered), len(rows)
        if share:
            return Result(rules.ratio(n, d, 100), n, d, records, units, placement)
        return Result(rules.ratio(n, None), n, None, records, placement=placement)

    return compute


# --- the library --------------------------------------------------------------------------

PRODUCT = {"model": "registry.Product"}
PRODUCER = {
    "model": "registry.Producer",
    "current_path": "current_unit",
    "recorded_path": "unit_recorded",
}
CERTIFICATE = {
    "model": "recognition.Certificate",
    "current_path": "product__producer__current_unit",
    "recorded_path": "product__producer__unit_recorded",
}
POINT = {
    "model": "market.SalesPoint",
    "current_path": "current_unit",
    "recorded_path": "unit_recorded",
}


STAR_LABELS = {
    3: _("3★ products recognised (in force)"),
    4: _("4★ products recognised (in force)"),
    5: _("5★ products recognised (in force)"),
}
PERIOD_STAR_LABELS = {
    3: _("Products recognised 3★ in the period"),
    4: _("Products recognised 4★ in the period"),
    5: _("Products recognised 5★ in the period"),
}


def _stars(stars):
    return Indicator(
        code=f"products_{stars}_star",
        label=STAR_LABELS[stars],
        numerator=lambda ctx: products_in_force(ctx.on, stars=stars),
        **PRODUCT,
    )


def _recognised_in_period(stars):
    return Indicator(
        code=f"recognised_{stars}_star_in_period",
        label=PERIOD_STAR_LABELS[stars],
        numerator=lambda ctx: Q(pk__in=_issued_in(ctx, stars=stars).values("product_id")),
        period_rule=PeriodRule.WITHIN,
        **PRODUCT,
    )


def _founded(code, label, forms):
    return Indicator(
        code=code,
        label=label,
        numerator=lambda ctx: founded_q(ctx, forms),
        period_rule=PeriodRule.WITHIN,
        **PRODUCER,
    )


INDICATORS: list[Indicator] = [
    Indicator(
        code="products_recognised",
        label=_("OCOP products recognised (3★ and above, in force)"),
        numerator=lambda ctx: products_in_force(ctx.on),
        **PRODUCT,
    ),
    _stars(3),
    _stars(4),
    _stars(5),
    Indicator(
        code="products_provincial_level",
        label=_("Products recognised by the province (3★–4★, in force)"),
        numerator=lambda ctx: products_in_force(ctx.on, level="province"),
        **PRODUCT,
    ),
    Indicator(
        code="products_national_level",
        label=_("Products recognised by the ministry (5★, in force)"),
        numerator=lambda ctx: products_in_force(ctx.on, level="ministry"),
        **PRODUCT,
    ),
    Indicator(
        code="registered_share_3_star",
        label=_("Registered products reaching 3★ or more (%)"),
        denominator=registered_q,
        numerator=lambda ctx: Q(pk__in=_issued_in(ctx).values("product_id")),
        factor=100,
        period_rule=PeriodRule.WITHIN,
        help=_("Products with a dossier submitted in the period that got a certificate in it."),
        **PRODUCT,
    ),
    Indicator(
        code="recognised_in_period",
        label=_("Products recognised in the period (new or re-rated)"),
        numerator=lambda ctx: Q(pk__in=_issued_in(ctx).values("product_id")),
        period_rule=PeriodRule.WITHIN,
        **PRODUCT,
    ),
    _recognised_in_period(3),
    _recognised_in_period(4),
    _recognised_in_period(5),
    Indicator(
        code="products_new",
        label=_("New products recognised in the period"),
        numerator=new_products_q,
        period_rule=PeriodRule.WITHIN,
        **PRODUCT,
    ),
    Indicator(
        code="products_upgraded",
        label=_("Products upgraded to more stars in the period"),
        numerator=upgraded_products_q,
        period_rule=PeriodRule.WITHIN,
        **PRODUCT,
    ),
    Indicator(
        code="products_new_or_upgraded",
        label=_("Products developed or upgraded in the period"),
        numerator=lambda ctx: new_products_q(ctx) | upgraded_products_q(ctx),
        period_rule=PeriodRule.WITHIN,
        **PRODUCT,
    ),
    _founded(
        "organisations_founded",
        _("Economic organisations founded in the period (cooperatives, groups, SMEs)"),
        ORGANISATION_FORMS,
    ),
    _founded("cooperatives_founded", _("Cooperatives founded in the period"), ("cooperative",)),
    _founded("smes_founded", _("Enterprises founded in the period"), ("sme",)),
    Indicator(
        code="cooperatives_with_recognised_products",
        label=_("Cooperatives with a recognised OCOP product"),
        numerator=lambda ctx: Q(legal_form="cooperative") & ocop_producers_q(ctx),
        **PRODUCER,
    ),
    Indicator(
        code="organisations_with_recognised_products",
        label=_("Economic organisations (cooperatives, groups, SMEs) with a recognised product"),
        numerator=lambda ctx: Q(legal_form__in=ORGANISATION_FORMS) & ocop_producers_q(ctx),
        **PRODUCER,
    ),
    Indicator(
        code="products_modern_channels",
        label=_("OCOP products in modern channels (supermarket, convenience, safe-food chains)"),
        numerator=lambda ctx: channel_q(ctx, MODERN_CHANNELS) & products_in_force(ctx.on),
        **PRODUCT,
    ),
    Indicator(
        code="products_supermarket",
        label=_("OCOP products in supermarket chains"),
        numerator=lambda ctx: channel_q(ctx, ("supermarket",)) & products_in_force(ctx.on),
        **PRODUCT,
    ),
    Indicator(
        code="products_ecommerce",
        label=_("OCOP products on e-commerce platforms"),
        numerator=lambda ctx: channel_q(ctx, ("ecommerce",)) & products_in_force(ctx.on),
        **PRODUCT,
    ),
    Indicator(
        code="producers_promotion_share",
        label=_("OCOP producers taking part in trade promotion (%)"),
        denominator=ocop_producers_q,
        numerator=promoted_producers_q,
        factor=100,
        period_rule=PeriodRule.WITHIN,
        **PRODUCER,
    ),
    Indicator(
        code="promoted_products_contract_share",
        label=_("Promoted products with an MOU or contract (%)"),
        denominator=promoted_products_q,
        numerator=contracted_products_q,
        factor=100,
        period_rule=PeriodRule.WITHIN,
        **PRODUCT,
    ),
    Indicator(
        code="revenue_growth_share",
        label=_("Products whose revenue grew ×1.5 one year after recognition (%)"),
        numerator=lambda ctx: Q(),
        factor=100,
        period_rule=PeriodRule.AFTER_RECOGNITION,
        compute_with=_growth("revenue"),
        help=_(
            "Products first recognised the year before; revenue of the year after "
            "recognition against the year before it (product figures, else producer's)."
        ),
        **PRODUCT,
    ),
    Indicator(
        code="profit_growth_share",
        label=_("Products whose profit grew ×1.5 one year after recognition (%)"),
        numerator=lambda ctx: Q(),
        factor=100,
        period_rule=PeriodRule.AFTER_RECOGNITION,
        compute_with=_growth("profit"),
        **PRODUCT,
    ),
    Indicator(
        code="certificates_expiring",
        label=_("Certificates expiring within 180 days"),
        numerator=lambda ctx: (
            in_force_q(ctx.on)
            & Q(expires_on__lte=ctx.on + datetime.timedelta(days=EXPIRY_HORIZON_DAYS))
        ),
        **CERTIFICATE,
    ),
    Indicator(
        code="certificates_expired",
        label=_("Certificates expired and not renewed"),
        numerator=lambda ctx: expired_q(ctx.on),
        **CERTIFICATE,
    ),
    Indicator(
        code="five_star_candidates",
        label=_("Candidates for 5★ (4★ in force, scored 80 or more, or national key products)"),
        numerator=lambda ctx: (
            products_in_force(ctx.on, stars=4)
            & (
                Q(key_product_tier="national")
                | products_in_force(ctx.on, stars=4, score__gte=FIVE_STAR_CANDIDATE_SCORE)
            )
        ),
        **PRODUCT,
    ),
    Indicator(
        code="sales_points",
        label=_("OCOP sales points open"),
        numerator=lambda ctx: open_points_q(ctx, ("ocop_point",)),
        **POINT,
    ),
    Indicator(
        code="ocop_centres",
        label=_("OCOP centres open"),
        numerator=lambda ctx: open_points_q(ctx, CENTRE_KINDS),
        **POINT,
    ),
    Indicator(
        code="units_with_sales_point",
        label=_("Units (districts then, communes now) with at least one sales point"),
        numerator=lambda ctx: Q(),
        compute_with=_coverage(share=False),
        **POINT,
    ),
    Indicator(
        code="units_with_sales_point_share",
        label=_("Share of units with at least one sales point (%)"),
        numerator=lambda ctx: Q(),
        factor=100,
        compute_with=_coverage(share=True),
        **POINT,
    ),
]

LIBRARY: dict[str, Indicator] = {i.code: i for i in INDICATORS}


def register(indicator: Indicator) -> Indicator:
    """Add an indicator to the library (apps whose records it counts call this)."""
    LIBRARY[indicator.code] = indicator
    return indicator


def get(code: str) -> Indicator:
    return LIBRARY[code]


def label_of(code: str):
    indicator = LIBRARY.get(code)
    return indicator.label if indicator else code


def choices() -> list[tuple[str, str]]:
    return [(i.code, str(i.label)) for i in LIBRARY.values()]
