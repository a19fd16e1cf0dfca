"""The audit log for other systems: the provincial office reads its province's events
(administrators: all); other roles read history on the screens, event by event."""

from django.db.models import Q

from core.api import ScopedReadViewSet, resource
from core.models import AuditEvent


def _audit_rows(user, rows):
    scope = user.get_scope()
    if scope.is_admin:
        return rows
    provinces = scope.unit_ids("province", ["provincial_office"])
    if not provinces:
        return rows.none()
    return rows.filter(Q(unit_id__in=provinces) | Q(unit__province_id__in=provinces))


class AuditViewSet(ScopedReadViewSet):
    def get_queryset(self):
        rows = AuditEvent.objects.select_related("target_type")
        return _audit_rows(self.request.user, rows)


resource(
    "audit-events",
    AuditEvent,
    module="audit",
    updated="at",
    fields=(
        "id",
        "at",
        "actor",
        "actor_repr",
        "request_id",
        "action",
        "target_type",
        "target_id",
        "target_repr",
        "unit",
        "before",
        "after",
        "reason",
    ),
    filters=("action", "target_id", "unit"),
    viewset=AuditViewSet,
    queryset=_audit_rows,
    public=True,
)
