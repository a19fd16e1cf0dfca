"""Training courses, attendance and the communication log."""

from core.api import resource
from core.generic import ActionScreen
from outreach import services
from outreach import views as screens
from outreach.forms import RepresentativeForm
from outreach.models import Attendance, CommunicationActivity, Course

# the course page's "add a producer's representative" (``outreach.views.attendance_add``)
REMOVE_ATTENDEE = ActionScreen.as_view(  # ``outreach.views.attendance_remove``
    model=Course,
    rows=lambda course: course.attendances.all(),
    act=lambda actor, attendance, fields: services.attendance_remove(
        actor=actor, attendance=attendance
    ),
)
ADD_ATTENDEE = ActionScreen.as_view(
    model=Course,
    form_class=RepresentativeForm,
    form_kwargs=lambda request, course: {"course": course},
    act=lambda actor, course, fields: services.attendance_add(actor=actor, course=course, **fields),
)

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
    create_screen=screens.course_create,
    edit_screen=screens.course_edit,
    row_screens={"add-attendee": ADD_ATTENDEE, "remove-attendee": REMOVE_ATTENDEE},
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
    create_screen=screens.activity_create,
    edit_screen=screens.activity_edit,
)
