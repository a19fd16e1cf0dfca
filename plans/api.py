"""Plans, their targets, and the indicator values the dashboard shows (the same figures)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import ScopedReadViewSet, resource
from core.generic import ActionScreen
from plans import selectors, services
from plans import views as screens
from plans.forms import TargetForm
from plans.models import Plan, Target

# the plan page's target form (``plans.views.target_create`` / ``target_edit``): the same
# form, given the plan, and the same services
ADD_TARGET = ActionScreen.as_view(
    model=Plan,
    form_class=TargetForm,
    form_kwargs=lambda request, plan: {"plan": plan},
    act=lambda actor, plan, fields: services.target_create(actor=actor, plan=plan, **fields),
)
DELETE_TARGET = ActionScreen.as_view(  # ``plans.views.target_delete``
    model=Plan,
    rows=lambda plan: plan.targets.all(),
    act=lambda actor, target, fields: services.target_delete(actor=actor, target=target),
)
EDIT_TARGET = ActionScreen.as_view(
    model=Plan,
    rows=lambda plan: plan.targets.all(),
    form_class=TargetForm,
    form_kwargs=lambda request, plan: {"plan": plan},
    act=lambda actor, target, fields: services.target_update(actor=actor, target=target, **fields),
)


class TargetValue(serializers.Serializer):
    target = serializers.IntegerField()
    indicator = serializers.CharField()
    wording = serializers.CharField()
    on = serializers.DateField(allow_null=True)
    value = serializers.DecimalField(max_digits=20, decimal_places=4, allow_null=True)
    numerator = serializers.IntegerField(allow_null=True)
    denominator = serializers.IntegerField(allow_null=True)
    achieved_percent = serializers.DecimalField(max_digits=20, decimal_places=2, allow_null=True)
    projected = serializers.DecimalField(max_digits=20, decimal_places=4, allow_null=True)
    light = serializers.CharField()


class PlanViewSet(ScopedReadViewSet):
    """Plans; ``values`` gives each target's latest value, achievement and light, computed by
    the dashboard's own selector for the caller's area."""

    @extend_schema(responses=TargetValue(many=True))
    @action(detail=True, methods=["get"])
    def values(self, request, pk=None):
        plan = self.get_object()
        board = selectors.dashboard(plan, request.user)
        rows = []
        for row in board.rows:
            last = row.last
            rows.append(
                {
                    "target": row.target.pk,
                    "indicator": row.target.indicator,
                    "wording": row.target.wording,
                    "on": last.on if last else None,
                    "value": last.value if last else None,
                    "numerator": last.numerator if last else None,
                    "denominator": last.denominator if last else None,
                    "achieved_percent": row.achieved,
                    "projected": row.projected,
                    "light": row.light,
                }
            )
        return Response(TargetValue(rows, many=True).data)


resource(
    "plans",
    Plan,
    module="plans",
    fields=(
        "id",
        "province",
        "unit",
        "year",
        "period_start",
        "period_end",
        "number",
        "date",
        "authority",
        "signer_name",
        "signer_title",
        "title",
        "notes",
        "created_at",
        "updated_at",
    ),
    filters=("province", "year"),
    viewset=PlanViewSet,
    create_screen=screens.plan_create,
    edit_screen=screens.plan_edit,
    row_screens={
        "add-target": ADD_TARGET,
        "edit-target": EDIT_TARGET,
        "delete-target": DELETE_TARGET,
    },
)
resource(
    "targets",
    Target,
    module="plans",
    fields=("id", "plan", "indicator", "comparison", "value", "value_max", "wording", "order"),
    filters=("plan", "indicator"),
)
