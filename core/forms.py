"""Form helpers shared by the apps' views."""

from django.core.exceptions import ValidationError


def apply_validation_error(form, exc: ValidationError, aliases: dict[str, str] | None = None):
    """Show a service's ValidationError on ``form``: each message on its field (or on the
    field named in ``aliases``), messages without a known field at the top of the form."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    aliases = aliases or {}
    for field, errors in exc.message_dict.items():
        target = aliases.get(field, field)
        form.add_error(target if target in form.fields else None, errors)
