"""What the apps' migrations of a transition log (``core.models.TransitionLog``) share: its
columns as those migrations wrote them, and the reading of the audit events that rebuild its
rows for the steps taken before a workflow was declared.

FROZEN: these describe migrations already applied. Change none of the columns here; a change
to the log's columns needs a migration of its own (written out, as ``makemigrations`` does)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

# The columns whose definitions the first logs had otherwise, in the order they were altered
ALTERED = ("actor", "at", "from_status", "reason", "to_status")


def _columns():
    """The log's own columns, new instances at each call (an operation keeps its field)."""
    return {
        "action": models.CharField(blank=True, max_length=40, verbose_name="action"),
        "from_status": models.CharField(blank=True, max_length=20, verbose_name="from"),
        "to_status": models.CharField(max_length=20, verbose_name="to"),
        "at": models.DateTimeField(default=django.utils.timezone.now, verbose_name="when"),
        "reason": models.TextField(blank=True, verbose_name="reason"),
        "request_id": models.CharField(blank=True, max_length=64, verbose_name="request"),
        "actor": models.ForeignKey(
            blank=True,
            null=True,
            on_delete=django.db.models.deletion.PROTECT,
            related_name="+",
            to=settings.AUTH_USER_MODEL,
            verbose_name="by",
        ),
    }


def create_log(name, *, fk, to, fk_verbose_name, verbose_name, verbose_name_plural):
    """The operation that creates a workflow's log ``name`` with its foreign key ``fk`` to the
    model ``to`` ("app_label.model")."""
    columns = _columns()
    return migrations.CreateModel(
        name=name,
        fields=[
            (
                "id",
                models.BigAutoField(
                    auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                ),
            ),
            *((column, columns[column]) for column in columns),
            (
                fk,
                models.ForeignKey(
                    on_delete=django.db.models.deletion.CASCADE,
                    related_name="transitions",
                    to=to,
                    verbose_name=fk_verbose_name,
                ),
            ),
        ],
        options={
            "verbose_name": verbose_name,
            "verbose_name_plural": verbose_name_plural,
            "ordering": ["at", "pk"],
            "abstract": False,
        },
    )


def upgrade_log(*model_names, altered=ALTERED):
    """The operations that brought the logs ``model_names``, written before ``core.workflow``,
    to its columns: ``action`` and ``request_id`` added, then the ``altered`` columns
    redefined (each step for every log in turn, as ``makemigrations`` wrote them)."""
    operations = []
    for kind, names in (
        (migrations.AddField, ("action", "request_id")),
        (migrations.AlterField, altered),
    ):
        for model_name in model_names:
            columns = _columns()
            operations += [
                kind(model_name=model_name, name=column, field=columns[column]) for column in names
            ]
    return operations


def audited_steps(apps, app_label, model, actions):
    """(pk, event) for each audit event of one of ``actions`` on a row of ``app_label.model``
    that still exists, oldest first. None where the model has no content type yet."""
    content_type_model = apps.get_model("contenttypes", "ContentType")
    event_model = apps.get_model("core", "AuditEvent")
    content_type = content_type_model.objects.filter(app_label=app_label, model=model).first()
    if content_type is None:
        return
    existing = set(apps.get_model(app_label, model).objects.values_list("pk", flat=True))
    events = event_model.objects.filter(target_type=content_type, action__in=list(actions))
    for event in events.order_by("at", "pk").iterator(chunk_size=2000):
        if event.target_id.isdigit() and int(event.target_id) in existing:
            yield int(event.target_id), event


def log_row(log, fk, pk, event, *, action, from_status, to_status):
    """A row of ``log`` for the object ``pk`` (through its foreign key ``fk``) with the actor,
    time, reason and request of the audit ``event`` that recorded the step."""
    return log(
        **{fk: pk},
        action=action,
        from_status=from_status,
        to_status=to_status,
        actor_id=event.actor_id,
        at=event.at,
        reason=event.reason,
        request_id=event.request_id,
    )
