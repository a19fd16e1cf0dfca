from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecognitionConfig(AppConfig):
    name = "recognition"
    verbose_name = _("Decisions and certificates")

    def ready(self):
        from core import related
        from recognition.related import (
            certificates_of_product,
            decision_of_dossier,
            new_dossier_action,
        )

        related.register("registry.product", certificates_of_product)
        related.register_action("registry.product", new_dossier_action)
        related.register("submissions.dossier", decision_of_dossier)
        from core.audit import register_actions, register_event_rule
        from recognition.in_force import stars_in_force
        from recognition.selectors import may_read_proposal_event
        from registry import stars

        # a product's stars are those of its certificate in force (never a stored copy)
        stars.register(stars_in_force)

        # the proposal against a certificate is read by whoever may read the proposal
        register_event_rule(
            ["ocop.revocation.proposed", "ocop.revocation.dismissed"], may_read_proposal_event
        )

        from core.workflow.definition import register
        from recognition.workflows import REVOCATION

        register(REVOCATION)

        register_actions(
            {
                "ocop.decision.issued": _("Decision recorded"),
                "ocop.certificate.issued": _("Certificate issued"),
                "ocop.certificate.superseded": _("Certificate superseded"),
                "ocop.certificate.revoked": _("Certificate revoked"),
                "ocop.certificate.expired": _("Certificate expired"),
                "ocop.certificate.expiry_recounted": _("Certificate's expiry counted again"),
                "ocop.revocation.proposed": _("Revocation proposed"),
                "ocop.revocation.dismissed": _("Revocation proposal dismissed"),
                "ocop.revocation.transitioned": _("Revocation proposal status changed"),
            }
        )
