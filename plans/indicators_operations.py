"""Indicators on the records of the programme-operation modules that landed after the
library: traceability stamps (``trace``) and training / communication (``outreach``).

Registered from ``PlansConfig.ready`` (``plans`` is the layer above those apps).
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from plans import rules
from plans.choices import PeriodRule
from plans.indicators import (
    PRODUCER,
    PRODUCT,
    Context,
    Indicator,
    Result,
    products_in_force,
    register,
)


def stamped_products_q(ctx: Context) -> Q:
    """Products with a batch of stamps issued by the day read and not withdrawn."""
    from trace.choices import BatchStatus
    from trace.models import StampBatch

    batches = StampBatch.objects.filter(
        status=BatchStatus.ISSUED, issued_at__date__lte=ctx.on
    ).values("product_id")
    return Q(pk__in=batches)


def _outreach(measure: str):
    """A share of ``outreach``'s coverage (each person counted once in the year read)."""

    def compute(indicator: Indicator, ctx: Context) -> Result:
        from outreach import selectors

        area = ctx.area if ctx.area.is_current else ctx.area.main_successor()
        coverage = selectors.MEASURES[measure](area, ctx.on.year)
        n, d = coverage.numerator, coverage.denominator
        population = coverage.covered.model.objects.filter(
            pk__in=[*coverage.covered.values_list("pk", flat=True)]
            + [*coverage.not_covered.values_list("pk", flat=True)]
        )
        return Result(rules.ratio(n, d, 100), n, d, coverage.covered, population)

    return compute


def _officials_placement(qs) -> dict:
    """An official lies in the current commune of their official assignment (the first by
    code when several); one assigned only at a province lies in no commune. Two queries."""
    from accounts.choices import OFFICIAL_ROLES
    from accounts.models import Assignment

    ids = list(qs.order_by().values_list("pk", flat=True))
    placed: dict = {pk: (None, None) for pk in ids}
    rows = (
        Assignment.objects.filter(
            user_id__in=ids,
            role__in=OFFICIAL_ROLES,
            unit__level="commune",
            unit__valid_to__isnull=True,
        )
        .order_by("user_id", "unit__code")
        .values_list("user_id", "unit_id")
    )
    for user_id, unit_id in rows:
        if placed[user_id] == (None, None):
            placed[user_id] = (unit_id, unit_id)
    return placed


OPERATIONS = [
    Indicator(
        code="products_with_stamps_share",
        label=_("Share of OCOP products carrying traceability stamps (%)"),
        denominator=lambda ctx: products_in_force(ctx.on),
        numerator=stamped_products_q,
        factor=100,
        period_rule=PeriodRule.AS_OF,
        **PRODUCT,
    ),
    Indicator(
        code="officials_trained_share",
        label=_("Share of OCOP officials trained in the year (%)"),
        model="accounts.User",
        numerator=lambda ctx: Q(),
        factor=100,
        compute_with=_outreach("officials"),
        placer=_officials_placement,
    ),
    Indicator(
        code="producers_trained_share",
        label=_("Share of producers trained in the year (%)"),
        numerator=lambda ctx: Q(),
        factor=100,
        compute_with=_outreach("producers_trained"),
        **PRODUCER,
    ),
    Indicator(
        code="producers_informed_share",
        label=_("Share of producers informed in the year (%)"),
        numerator=lambda ctx: Q(),
        factor=100,
        compute_with=_outreach("producers_informed"),
        **PRODUCER,
    ),
]


def register_all() -> None:
    for indicator in OPERATIONS:
        register(indicator)
