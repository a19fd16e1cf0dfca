"""Reference data of the registry: the product taxonomy of Appendix I."""

from pathlib import Path

import yaml
from django.db import transaction

from registry.models import ProductSet

PRODUCT_SETS_FILE = Path(__file__).parent / "data" / "product_sets.yaml"


def product_set_rows() -> list[dict]:
    data = yaml.safe_load(PRODUCT_SETS_FILE.read_text(encoding="utf-8"))
    rows = []
    for industry in data["industries"]:
        for group in industry["groups"]:
            for item in group["sets"]:
                rows.append({**item, "industry": industry["name"], "group": group["name"]})
    numbers = sorted(r["number"] for r in rows)
    if numbers != list(range(1, 27)):
        raise ValueError(f"Appendix I must list product sets 1–26, found {numbers}")
    return rows


@transaction.atomic
def load_product_sets() -> int:
    rows = product_set_rows()
    for row in rows:
        ProductSet.objects.update_or_create(
            number=row["number"],
            defaults={k: row[k] for k in ("name", "industry", "group", "ministry")},
        )
    return len(rows)
