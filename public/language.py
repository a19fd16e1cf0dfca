"""The language switch of the public pages, which carry no CSRF token.

Public pages set no CSRF cookie: the two forms an anonymous visitor can post — this
switch and the report of a suspected fake — change nothing of anyone's account, and the
report has its own guards (``public.forms_verify``: honeypot, signed time, rate limit).
Leaving the cookie out keeps the verification page free of a per-visit secret and of
``Vary: Cookie``. Signed-in pages keep Django's ``set_language`` with its token.
"""

from django.contrib.auth.decorators import login_not_required
from django.views import i18n
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST


@login_not_required
@csrf_exempt
@require_POST
def set_language(request):
    """Django's own view (the ``next`` address is checked there), without the token."""
    return i18n.set_language(request)
