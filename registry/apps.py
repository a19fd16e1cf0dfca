from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = _("Producers and products")

    def ready(self):
        from core.audit import register_actions

        register_actions(
            {
                "ocop.producer.created": _("Producer registered"),
                "ocop.product.created": _("Product registered"),
                "ocop.producer.updated": _("Producer updated"),
                "ocop.product.updated": _("Product updated"),
                "ocop.product.part_added": _("Certificate, IP title or channel added"),
                "ocop.product.part_removed": _("Certificate, IP title or channel removed"),
                "ocop.producer.figures_saved": _("Annual figures recorded"),
            }
        )
