"""The catalogue's filters, shared by the search page and the open-data export.

Values in the address are public identifiers: province and commune codes (Decision
19/2025/QĐ-TTg), the product-set number of Appendix I, the group's name, the stars.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from public import selectors
from registry.models import ProductSet


class CatalogueFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("Product, producer or OCOP code"),
                "autocomplete": "off",
                "enterkeyhint": "search",
            }
        ),
    )
    province = forms.ChoiceField(label=_("Province"), required=False)
    commune = forms.ChoiceField(label=_("Commune"), required=False)
    group = forms.ChoiceField(label=_("Product group"), required=False)
    set = forms.ChoiceField(label=_("Product set"), required=False)
    stars = forms.TypedChoiceField(
        label=_("Stars"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("All"))] + [(s, "★" * s) for s in selectors.STAR_CHOICES],
    )

    def __init__(self, data=None, *, today=None, **kwargs):
        super().__init__(data, **kwargs)
        self.today = today
        self._provinces = {u.code: u for u in selectors.provinces_with_products(today)}
        self.fields["province"].choices = [("", _("All provinces"))] + [
            (code, unit.name) for code, unit in self._provinces.items()
        ]
        self._sets = {str(s.number): s for s in ProductSet.objects.all()}
        groups = list(dict.fromkeys(s.group for s in self._sets.values()))
        self.fields["group"].choices = [("", _("All groups"))] + [(g, g) for g in groups]
        self.fields["set"].choices = [("", _("All product sets"))] + [
            (number, str(s)) for number, s in self._sets.items()
        ]
        self._communes = {}
        province = self._provinces.get((data or {}).get("province", ""))
        if province is not None:
            self._communes = {u.code: u for u in selectors.communes_with_products(province, today)}
        self.fields["commune"].choices = [("", _("All communes"))] + [
            (code, unit.name) for code, unit in self._communes.items()
        ]

    def query(self) -> selectors.CatalogueQuery:
        """The valid filters as a query; an invalid or unknown value is ignored, so a
        shared link with a stale filter still shows the catalogue."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return selectors.CatalogueQuery(
            q=(data.get("q") or "").strip(),
            province=self._provinces.get(data.get("province") or ""),
            commune=self._communes.get(data.get("commune") or ""),
            group=data.get("group") or "",
            product_set=self._sets.get(data.get("set") or ""),
            stars=data.get("stars"),
        )

    def applied(self) -> dict:
        """The valid, non-empty filters, as given (for the open data's metadata)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: value for name, value in data.items() if value not in ("", None)}

    @property
    def has_filters(self) -> bool:
        query = self.query()
        return any((query.province, query.commune, query.group, query.product_set, query.stars))
