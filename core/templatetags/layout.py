"""Layout helpers of the page shell (issue 19: pages that fit a phone)."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()

# query parameters that are not filters: the page, the order, an export format
NOT_FILTERS = {"page", "sort", "order", "ordering", "o", "format", "export", "cursor"}


@register.simple_tag(takes_context=True)
def filter_toggle(context):
    """The "Filters (2)" button that folds a list's filter form on phones (the
    ``details.filterfold`` around the form; on wider screens the form is always shown)."""
    request = context.get("request")
    in_use = 0
    if request is not None:
        in_use = sum(
            1
            for key in request.GET
            if key not in NOT_FILTERS and any(v.strip() for v in request.GET.getlist(key))
        )
    label = _("Filters (%(count)s)") % {"count": in_use} if in_use else _("Filters")
    return format_html(
        '<summary class="btn btn-secondary" data-testid="filter-toggle">{}</summary>', label
    )
