"""Human-readable names of audit action codes.

Each app registers its labels in ``AppConfig.ready()`` (through ``core.audit``, which
re-exports these). A module of its own, below ``core.models``, so that
``AuditEvent.action_label`` can name an action without importing ``core.audit``
(which imports the models).
"""

from __future__ import annotations

from typing import Any

ACTION_LABELS: dict[str, Any] = {}


def register_actions(labels: dict[str, Any]) -> None:
    ACTION_LABELS.update(labels)


def action_label(code: str) -> str:
    return ACTION_LABELS.get(code, code)
