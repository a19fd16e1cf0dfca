from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from core.audit import register_actions

        register_actions(
            {
                "ocop.user.created": _("User account created"),
                "ocop.user.activated": _("User account activated"),
                "ocop.user.deactivated": _("User account deactivated"),
                "ocop.user.unlocked": _("Sign-in unlocked"),
                "ocop.assignment.created": _("Role assigned"),
                "ocop.assignment.ended": _("Role assignment ended"),
            }
        )
