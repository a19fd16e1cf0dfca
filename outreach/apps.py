from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    name = "outreach"
    verbose_name = _("Training and communication")

    def ready(self):
        from core.audit import register_actions

        register_actions(
            {
                "ocop.course.created": _("Training course recorded"),
                "ocop.course.updated": _("Training course updated"),
                "ocop.course.attendee_added": _("Attendee added to a course"),
                "ocop.course.attendee_updated": _("Course attendance updated"),
                "ocop.course.attendee_removed": _("Attendee removed from a course"),
                "ocop.communication.created": _("Communication activity recorded"),
                "ocop.communication.updated": _("Communication activity updated"),
            }
        )
