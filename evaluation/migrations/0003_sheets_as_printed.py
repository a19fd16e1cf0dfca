"""Stored score sheets follow the printed Appendix II (issue 14 §1, ADR 0021).

Four values once "corrected" by judgement although each printed sheet adds up (set 7 3.1,
set 10 3.5, set 23 6.2, set 24 2.2) and the set 26 Part A heading go back to the print and
become remarks. The catalogue lock (a version in use cannot change) is lifted for exactly
these sheets: the printed text governs. Each changed sheet is audited.
"""

import hashlib
import json

import yaml
from django.conf import settings
from django.db import migrations

VERSION = "qd26-2026"
SETS = (7, 10, 23, 24, 26)
REASON = (
    "Decision 26/2026/QĐ-TTg Appendix II as printed: a value changed by judgement where the "
    "sheet adds up is restored and shown as a remark (ADR 0021)"
)


def _digest(data) -> str:
    # evaluation.models.content_hash, frozen here
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def forwards(apps, schema_editor):
    CriteriaSheet = apps.get_model("evaluation", "CriteriaSheet")
    AuditEvent = apps.get_model("core", "AuditEvent")
    ContentType = apps.get_model("contenttypes", "ContentType")
    folder = settings.BASE_DIR / "evaluation" / "catalogue" / "data" / VERSION
    kind = None
    for row in CriteriaSheet.objects.filter(version__code=VERSION, number__in=SETS):
        raw = yaml.safe_load((folder / f"set-{row.number:02d}.yaml").read_text(encoding="utf-8"))
        digest = _digest(raw)
        if digest == row.digest:
            continue
        before = {"corrections": row.raw.get("corrections"), "remarks": row.raw.get("remarks")}
        row.raw, row.digest = raw, digest
        row.save(update_fields=["raw", "digest"])
        if kind is None:
            kind, _ = ContentType.objects.get_or_create(app_label="evaluation", model="criteriasheet")
        AuditEvent.objects.create(
            action="ocop.criteria.sheet_as_printed",
            target_type=kind,
            target_id=str(row.pk),
            target_repr=f"{row.number}. {row.name}",
            before=before,
            after={"corrections": raw.get("corrections"), "remarks": raw.get("remarks")},
            reason=REASON,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("evaluation", "0002_councils"),
        ("core", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
