"""Stored certificates follow the Civil Code's count of 36 months (ADR 0012).

Their ``expires_on`` was computed as the day before the corresponding day; each one that
still holds exactly that value moves to the corresponding day (a date typed otherwise is
left alone). A lapse recorded on a day that is now within validity is cleared, and the
product's stars, cleared by that lapse, come back. Every change is audited.
"""

import calendar
import datetime as dt

from django.db import migrations


def _add_months(day, months):
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _old_rule(issued):
    index = issued.month - 1 + 36
    year, month = issued.year + index // 12, index % 12 + 1
    for candidate in (issued.day, 30, 29, 28):
        try:
            return dt.date(year, month, min(issued.day, candidate)) - dt.timedelta(days=1)
        except ValueError:
            continue
    raise AssertionError


def forwards(apps, schema_editor):
    Certificate = apps.get_model("recognition", "Certificate")
    Product = apps.get_model("registry", "Product")
    AuditEvent = apps.get_model("core", "AuditEvent")
    ContentType = apps.get_model("contenttypes", "ContentType")
    stored_stars = any(f.name == "stars" for f in Product._meta.get_fields())
    kind = None
    for certificate in Certificate.objects.all().iterator():
        if certificate.expires_on != _old_rule(certificate.issued_on):
            continue
        new = _add_months(certificate.issued_on, 36)
        before = {"expires_on": certificate.expires_on.isoformat()}
        after = {"expires_on": new.isoformat()}
        certificate.expires_on = new
        fields = ["expires_on"]
        if certificate.lapsed_on is not None and certificate.lapsed_on <= new:
            before["lapsed_on"] = certificate.lapsed_on.isoformat()
            after["lapsed_on"] = None
            certificate.lapsed_on = None
            fields.append("lapsed_on")
            if (
                stored_stars  # registry 0004 derives them: nothing to restore after it
                and certificate.revoked_on is None
                and certificate.superseded_by_id is None
                and Product.objects.filter(pk=certificate.product_id, stars__isnull=True).exists()
            ):
                Product.objects.filter(pk=certificate.product_id).update(stars=certificate.stars)
        certificate.save(update_fields=fields)
        if kind is None:
            kind, _ = ContentType.objects.get_or_create(app_label="recognition", model="certificate")
        unit_id = (
            Product.objects.filter(pk=certificate.product_id)
            .values_list("producer__current_unit_id", flat=True)
            .first()
        )
        AuditEvent.objects.create(
            unit_id=unit_id,
            action="ocop.certificate.expiry_recounted",
            target_type=kind,
            target_id=str(certificate.pk),
            target_repr=certificate.number,
            before=before,
            after=after,
            reason="Civil Code 2015 Art. 147–148: 36 months end on the corresponding day (ADR 0012)",
        )


class Migration(migrations.Migration):
    dependencies = [
        ("recognition", "0001_initial"),
        ("registry", "0001_initial"),
        ("core", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
