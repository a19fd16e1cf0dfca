"""Navigation by role: each entry names the roles that see it (None = everyone signed in)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.scoping import scope_of

# (url name, label, roles or None); roles are the codes of accounts.choices.Role.
OFFICIALS = {
    "provincial_office",
    "commune_officer",
    "council_member",
    "advisory_member",
    "inspector",
}

# Menu groups: (group label or None for a top-level link, [(url name, label, roles or None)]).
# A group with one visible entry shows as a plain link.
NAVIGATION = [
    (None, [("dashboard:home", _("Dashboard"), None)]),
    (
        pgettext_lazy("menu", "Producers & products"),
        [
            ("registry:producer_list", _("Producers"), OFFICIALS | {"producer"}),
            ("registry:product_list", _("Products"), OFFICIALS | {"producer"}),
            (
                "registry:documents_expiring",
                _("Expiring documents"),
                {"provincial_office", "commune_officer", "inspector"},
            ),
        ],
    ),
    (
        pgettext_lazy("menu", "Evaluation"),
        [
            (
                "evaluation:assessment_list",
                _("Self-assessment"),
                {"producer", "commune_officer", "provincial_office"},
            ),
            ("submissions:dossier_list", _("Dossiers"), OFFICIALS | {"producer"}),
            ("evaluation:my_scoring", _("Score dossiers"), {"council_member", "advisory_member"}),
            ("evaluation:council_list", _("Councils"), {"provincial_office"}),
            ("evaluation:catalogue", _("Criteria"), OFFICIALS),
            (
                "submissions:calendar",
                _("Working calendar"),
                {"provincial_office", "commune_officer"},
            ),
        ],
    ),
    (
        pgettext_lazy("menu", "Recognition"),
        [
            ("recognition:certificate_list", _("Certificates"), OFFICIALS | {"producer"}),
            ("recognition:decision_list", _("Decisions"), {"provincial_office"}),
            ("trace:batch_list", _("Traceability stamps"), OFFICIALS | {"producer"}),
            (
                "trace:anomalies",
                _("Scan anomalies"),
                {"provincial_office", "inspector"},
            ),
        ],
    ),
    (
        pgettext_lazy("menu", "Market"),
        [
            ("market:map", _("Sales points"), OFFICIALS | {"producer"}),
            ("promotion:event_list", _("Trade promotion"), OFFICIALS | {"producer"}),
        ],
    ),
    (
        pgettext_lazy("menu", "Programme"),
        [
            ("programme:idea_list", _("Product ideas"), OFFICIALS | {"producer"}),
            ("programme:plan_list", _("Business plans"), OFFICIALS | {"producer"}),
            (
                "programme:support_needs",
                _("Support needs"),
                {"provincial_office", "commune_officer"},
            ),
            ("outreach:course_list", _("Training courses"), OFFICIALS | {"producer"}),
            (
                "outreach:activity_list",
                _("Communication log"),
                {"provincial_office", "commune_officer"},
            ),
            (
                "outreach:coverage",
                _("Training and outreach coverage"),
                {"provincial_office", "commune_officer"},
            ),
        ],
    ),
    (
        pgettext_lazy("menu", "Inspection"),
        [
            (
                "inspection:inspection_list",
                _("Inspections"),
                {"provincial_office", "inspector", "commune_officer", "producer"},
            ),
            ("inspection:plan_list", _("Inspection plans"), {"provincial_office", "inspector"}),
            (
                "inspection:violation_list",
                _("Violations"),
                {"provincial_office", "inspector", "commune_officer", "producer"},
            ),
            (
                "inspection:action_list",
                _("Corrective actions"),
                {"provincial_office", "inspector", "commune_officer", "producer"},
            ),
        ],
    ),
    (
        pgettext_lazy("menu", "Plans"),
        [
            (
                "plans:plan_list",
                _("Plans and targets"),
                {"provincial_office", "commune_officer", "council_member"},
            ),
            ("plans:statistics", _("Statistics"), {"provincial_office", "commune_officer"}),
        ],
    ),
    (
        pgettext_lazy("menu", "Integrations"),
        [
            ("api:webhook_list", _("Webhooks"), {"provincial_office"}),
            ("api:docs", _("API documentation"), {"provincial_office"}),
        ],
    ),
    (None, [("accounts:user_list", _("Users"), {"admin"})]),
]


def _visible(entries, roles, is_admin, path):
    for url_name, label, allowed in entries:
        if allowed is None or roles & allowed or is_admin:
            url = reverse(url_name)
            active = path.startswith(url) and (url != "/" or path == "/")
            yield {"url": url, "label": label, "active": active}


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "nav_groups": []}
    scope = scope_of(user)
    roles = set(scope.roles) | ({"admin"} if scope.is_admin else set())
    groups, items = [], []
    for group_label, entries in NAVIGATION:
        visible = list(_visible(entries, roles, scope.is_admin, request.path))
        items.extend(visible)
        if len(visible) == 1:
            groups.append({"label": None, "items": visible})
        elif visible:
            active = any(i["active"] for i in visible)
            groups.append({"label": group_label, "items": visible, "active": active})
    from core.models import Notice

    unread = Notice.objects.filter(user=user, read_at__isnull=True).count()
    return {"nav_items": items, "nav_groups": groups, "unread_notices": unread}


def public_domain(request):
    """The official public domain, shown on every public page so that look-alikes stand out."""
    from django.conf import settings

    return {"public_domain": settings.OCOP_PUBLIC_DOMAIN}
