"""Django messages missing from Django's own Vietnamese catalogue (Django 5.2).

Listing them here lets ``makemessages`` carry them into our catalogue, where they are
translated; Django finds them there at run time. Remove an entry once Django ships it.
"""

from django.utils.translation import gettext_noop, ngettext_lazy

MISSING_FROM_DJANGO_VI = [
    ngettext_lazy(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
        8,
    ),
    gettext_noop("The password is too similar to the %(verbose_name)s."),
]
