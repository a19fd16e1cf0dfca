"""Every public function that writes the audit log runs inside its own transaction.

``audit.record()`` refuses to run outside a transaction, but tests run inside one (pytest-
django), so a service missing ``@transaction.atomic`` only fails in production. This test
reads the source of every app and finds such services before they ship.
"""

import ast
from pathlib import Path

from django.conf import settings

# Every app of the project (those with their folder at the project root).
APPS = [
    name
    for name in settings.INSTALLED_APPS
    if "." not in name and (Path(settings.BASE_DIR) / name / "apps.py").exists()
]


def _unguarded():
    found = []
    for app in APPS:
        for path in (Path(settings.BASE_DIR) / app).rglob("*.py"):
            if "tests" in path.parts or "migrations" in path.parts or path.name == "audit.py":
                continue
            source = path.read_text(encoding="utf-8")
            if "audit.record(" not in source:
                continue
            for node in ast.walk(ast.parse(source)):
                if not isinstance(node, ast.FunctionDef) or node.name.startswith("_"):
                    continue
                body = ast.get_source_segment(source, node) or ""
                decorators = " ".join(ast.unparse(d) for d in node.decorator_list)
                if "audit.record(" in body and "atomic" not in decorators + body:
                    found.append(f"{path.relative_to(settings.BASE_DIR)}:{node.name}")
    return found


def test_every_audited_service_runs_in_a_transaction():
    assert _unguarded() == []
