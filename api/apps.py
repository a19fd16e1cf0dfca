from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = _("API and integrations")

    def ready(self):
        from api import webhooks  # noqa: F401  (connects the audit-event receiver)
        from core.audit import register_actions

        register_actions(
            {
                "ocop.api_token.created": _("API token created"),
                "ocop.api_token.revoked": _("API token revoked"),
                "ocop.webhook.created": _("Webhook subscription created"),
                "ocop.webhook.updated": _("Webhook subscription changed"),
            }
        )
