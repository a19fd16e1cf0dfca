"""The header's count of what waits for the user (the same items as the dashboard's inbox)."""

from django.utils.functional import SimpleLazyObject

from dashboard import inbox


def inbox_count(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # computed only when a template shows it
    return {"inbox_count": SimpleLazyObject(lambda: len(inbox.for_request(request)))}
