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
                "ocop.document.uploaded": _("Evidence document uploaded"),
                "ocop.document.updated": _("Evidence document updated"),
                "ocop.document.deleted": _("Evidence document deleted"),
                "ocop.product_image.added": _("Product image added"),
                "ocop.product_image.removed": _("Product image removed"),
            }
        )
