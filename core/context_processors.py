"""Navigation by role: each entry names the roles that see it (None = everyone signed in)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.scoping import scope_of

# (url name, label, roles or None); roles are the codes of accounts.choices.Role.
OFFICIALS = {
    "provincial_office",
    "commune_officer",
    "council_member",
    "advisory_member",
    "inspector",
}

NAVIGATION = [
    ("dashboard:home", _("Dashboard"), None),
    ("registry:producer_list", _("Producers"), OFFICIALS | {"producer"}),
    ("registry:product_list", _("Products"), OFFICIALS | {"producer"}),
    (
        "evaluation:assessment_list",
        _("Self-assessment"),
        {"producer", "commune_officer", "provincial_office"},
    ),
    ("submissions:dossier_list", _("Dossiers"), OFFICIALS | {"producer"}),
    ("evaluation:my_scoring", _("Score dossiers"), {"council_member", "advisory_member"}),
    ("evaluation:council_list", _("Councils"), {"provincial_office"}),
    ("recognition:certificate_list", _("Certificates"), OFFICIALS | {"producer"}),
    ("recognition:decision_list", _("Decisions"), {"provincial_office"}),
    ("market:map", _("Sales points"), OFFICIALS | {"producer"}),
    ("promotion:event_list", _("Trade promotion"), OFFICIALS | {"producer"}),
    (
        "registry:documents_expiring",
        _("Expiring documents"),
        {"provincial_office", "commune_officer", "inspector"},
    ),
    ("evaluation:catalogue", _("Criteria"), OFFICIALS),
    ("accounts:user_list", _("Users"), {"admin"}),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    scope = scope_of(user)
    roles = set(scope.roles) | ({"admin"} if scope.is_admin else set())
    items = []
    for url_name, label, allowed in NAVIGATION:
        if allowed is None or roles & allowed or scope.is_admin:
            url = reverse(url_name)
            items.append(
                {
                    "url": url,
                    "label": label,
                    "active": request.path.startswith(url) and (url != "/" or request.path == "/"),
                }
            )
    from core.models import Notice

    unread = Notice.objects.filter(user=user, read_at__isnull=True).count()
    return {"nav_items": items, "unread_notices": unread}


def public_domain(request):
    """The official public domain, shown on every public page so that look-alikes stand out."""
    from django.conf import settings

    return {"public_domain": settings.OCOP_PUBLIC_DOMAIN}
