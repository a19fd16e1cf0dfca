from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TraceConfig(AppConfig):
    name = "trace"
    verbose_name = _("Traceability stamps")

    def ready(self):
        from core import related
        from trace.related import batches_of_product

        related.register("registry.product", batches_of_product)
        from core.audit import register_actions
        from core.workflow.definition import register
        from trace.workflows import FAKE_REPORT, STAMP, STAMP_BATCH

        register(STAMP_BATCH, STAMP, FAKE_REPORT)

        register_actions(
            {
                "ocop.stamp_batch.requested": _("Stamp batch requested"),
                "ocop.stamp_batch.approved": _("Stamp batch approved"),
                "ocop.stamp_batch.rejected": _("Stamp batch rejected"),
                "ocop.stamp_batch.issuing": _("Stamps being issued"),
                "ocop.stamp_batch.issued": _("Stamps issued"),
                "ocop.stamp_batch.withdrawn": _("Stamp batch withdrawn"),
                "ocop.stamp_batch.transitioned": _("Stamp batch status changed"),
                "ocop.stamp.withdrawn": _("Stamp withdrawn"),
                "ocop.stamp.transitioned": _("Stamp status changed"),
                "ocop.fake_report.created": _("Suspected fake reported"),
                "ocop.fake_report.handled": _("Report of a suspected fake handled"),
                "ocop.fake_report.transitioned": _("Report of a suspected fake: status changed"),
            }
        )
