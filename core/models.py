from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import audit_actions


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class AppendOnlyError(Exception):
    pass


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("the audit log is append-only")

    def delete(self):
        raise AppendOnlyError("the audit log is append-only")

    def for_object(self, obj):
        return self.filter(
            target_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
            target_id=str(obj.pk),
        )


class AuditEvent(models.Model):
    """One row per change to a record that matters; written by services only."""

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_repr = models.CharField(_("actor name"), max_length=200, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True, db_index=True)
    action = models.CharField(_("action"), max_length=100, db_index=True)
    target_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    target_id = models.CharField(max_length=64, blank=True)
    target_repr = models.CharField(_("object"), max_length=300, blank=True)
    unit = models.ForeignKey(
        "geo.AdministrativeUnit",
        verbose_name=_("administrative unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="audit_target_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(action__regex=r"^ocop\.[a-z_]+\.[a-z_]+$"),
                name="audit_action_code_format",
            )
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.target_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("the audit log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("the audit log is append-only")

    @property
    def action_label(self) -> str:
        return audit_actions.action_label(self.action)


class Notice(models.Model):
    """An in-app notice to one user (the bell); emails go out from a background task."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices"
    )
    at = models.DateTimeField(default=timezone.now, db_index=True)
    text = models.CharField(_("text"), max_length=500)
    url = models.CharField(_("link"), max_length=300, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"], name="notice_unread_idx")]

    def __str__(self):
        return self.text


class TransitionLog(models.Model):
    """One step of a workflow (``core.workflow``): from, to, by whom, when, why.

    Each workflow's log is a concrete subclass with a foreign key to its object, so its rows
    stay in their own table; the fields, their meaning and their display are this one.
    Rows are only ever added (also recorded in the audit log)."""

    action = models.CharField(_("action"), max_length=40, blank=True)
    from_status = models.CharField(_("from"), max_length=20, blank=True)
    to_status = models.CharField(_("to"), max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("when"), default=timezone.now)
    reason = models.TextField(_("reason"), blank=True)
    request_id = models.CharField(_("request"), max_length=64, blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "pk"]

    workflow_fk = ""  # the name of the foreign key to the object, set by each subclass

    def __str__(self):
        return (
            f"{getattr(self, self.workflow_fk + '_id', '')}: {self.from_status} → {self.to_status}"
        )


class JobRun(models.Model):
    """One run of a scheduled job for one key (the day): written by the first server to
    start it, so that cron on every server runs it once (``core.jobs.run_once``)."""

    name = models.CharField(max_length=60)
    key = models.CharField(max_length=60)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["name", "key"], name="one_run_per_key")]

    def __str__(self):
        return f"{self.name} {self.key}"
