"""Training courses, attendance and the communication log."""

from core.api import resource
from outreach.models import Attendance, CommunicationActivity, Course

resource(
    "courses",
    Course,
    module="outreach",
    fields=(
        "id",
        "title",
        "topic",
        "for_provincial_officials",
        "for_commune_officials",
        "for_producers",
        "start_date",
        "end_date",
        "place",
        "unit",
        "organiser",
        "trainer",
        "budget",
        "created_at",
        "updated_at",
    ),
    filters=("unit",),
)
resource(
    "attendances",
    Attendance,
    module="outreach",
    fields=(
        "id",
        "course",
        "user",
        "producer",
        "person_name",
        "position",
        "attended",
        "certificate_number",
    ),
    filters=("course", "producer"),
)
resource(
    "communication-activities",
    CommunicationActivity,
    module="outreach",
    fields=(
        "id",
        "kind",
        "date",
        "title",
        "unit",
        "for_officials",
        "for_producers",
        "for_public",
        "reached",
        "link",
        "created_at",
        "updated_at",
    ),
    filters=("kind", "unit"),
)
