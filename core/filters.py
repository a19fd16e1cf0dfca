"""django-filter, in the reader's language.

django-filter writes the descending sort options as ``"%s (descending)" % label`` when the
filter class is defined: the label is then frozen in the language of the moment and the
suffix is English (django-filter has no Vietnamese catalogue). ``OrderingFilter`` below
keeps both lazy, and names its empty choice; ``FILTERS_EMPTY_CHOICE_LABEL`` in the
settings names the empty choice of every other choice filter (“Tất cả”, not “---------”).
"""

import django_filters
from django.forms.utils import pretty_name
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _


class OrderingFilter(django_filters.OrderingFilter):
    """Sort options “Name”, “Name (descending)”… translated when shown."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", _("Sort by"))
        kwargs.setdefault("empty_label", _("Default order"))
        super().__init__(*args, **kwargs)

    def build_choices(self, fields, labels):
        choices = []
        for field, param in fields.items():
            label = labels.get(field, pretty_name(param))
            choices.append((param, label))
            descending = labels.get(f"-{param}") or format_lazy(
                _("{label} (descending)"), label=label
            )
            choices.append((f"-{param}", descending))
        return choices
