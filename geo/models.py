import datetime

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.text import fold
from geo.choices import Level


class UnitQuerySet(models.QuerySet):
    def as_of(self, day: datetime.date):
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_to__isnull=True) | Q(valid_to__gte=day),
        )

    def current(self):
        return self.filter(valid_to__isnull=True)

    def provinces(self):
        return self.filter(level=Level.PROVINCE)

    def communes(self):
        return self.filter(level=Level.COMMUNE)

    def search(self, text: str):
        """Accent-insensitive name lookup: "Da Nang" finds "Đà Nẵng"."""
        key = fold(text)
        if not key:
            return self.none()
        return self.filter(name_folded__contains=key)


class AdministrativeUnit(models.Model):
    """A province, district or commune-level unit, valid over a period.

    Units before 1 July 2025 (63 provinces, their districts and communes) end on
    30 June 2025; the current units (34 provinces, 3,321 communes, no districts) start on
    1 July 2025. Codes are the statistics office codes (Decision 19/2025/QĐ-TTg for the
    current ones); a code may be reused across periods, so a code is unique only among
    units of the same level and period.
    """

    code = models.CharField(_("code"), max_length=10)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    name = models.CharField(_("name"), max_length=100)
    full_name = models.CharField(_("full name"), max_length=150)
    type_name = models.CharField(_("type"), max_length=30, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    province = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The province this unit belongs to (itself for a province)."),
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    latitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    name_folded = models.CharField(max_length=300, db_index=True, editable=False)
    source_key = models.CharField(max_length=200, blank=True, db_index=True, editable=False)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        ordering = ["level", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["level", "code"],
                condition=Q(valid_to__isnull=True),
                name="geo_unique_current_code",
            ),
            models.UniqueConstraint(
                fields=["level", "code", "valid_to"],
                condition=Q(valid_to__isnull=False),
                name="geo_unique_past_code",
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_to__isnull=True)
                | Q(valid_from__lte=models.F("valid_to")),
                name="geo_valid_period",
            ),
        ]

    def __str__(self):
        if self.level == Level.PROVINCE or self.province_id is None:
            return self.full_name
        parts = [self.full_name]
        if self.parent_id and self.parent_id != self.province_id:
            parts.append(self.parent.full_name)
        parts.append(self.province.name)
        return ", ".join(parts)

    def save(self, *args, **kwargs):
        self.name_folded = fold(f"{self.full_name} {self.name}")
        super().save(*args, **kwargs)

    @property
    def is_current(self) -> bool:
        return self.valid_to is None

    def valid_on(self, day: datetime.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )

    def current_successors(self):
        """The current units that took over this one (itself if it is current).

        A former commune maps to the one or more communes that replaced it; a former
        district to every current commune that replaced one of its communes; a former
        province to the current province(s) it merged into.
        """
        if self.is_current:
            return AdministrativeUnit.objects.filter(pk=self.pk)
        if self.level == Level.DISTRICT:
            # A district merged into another before the reform (Nông Sơn → Quế Sơn, 2025)
            # counts with the communes of the district that took it over.
            districts = [
                self.pk,
                *self.successor_links.filter(successor__level=Level.DISTRICT).values_list(
                    "successor_id", flat=True
                ),
            ]
            predecessors = Q(predecessor_links__predecessor__parent__in=districts) | Q(
                predecessor_links__predecessor__in=districts
            )
            return AdministrativeUnit.objects.current().filter(predecessors).distinct()
        return (
            AdministrativeUnit.objects.current()
            .filter(predecessor_links__predecessor=self)
            .distinct()
        )

    def main_successor(self):
        """The single current unit that facts recorded here are counted under today."""
        if self.is_current:
            return self
        link = (
            self.successor_links.select_related("successor")
            .order_by("-is_main", "successor__code")
            .first()
        )
        if link is None:
            return None
        return link.successor if link.successor.is_current else link.successor.main_successor()


class UnitSuccession(models.Model):
    """Old → new: ``predecessor`` (before 1 July 2025) was taken over by ``successor``.

    A former commune split between several new ones has one row per new unit, and
    ``is_main`` marks the one the official mapping names as its default.
    """

    predecessor = models.ForeignKey(
        AdministrativeUnit, on_delete=models.CASCADE, related_name="successor_links"
    )
    successor = models.ForeignKey(
        AdministrativeUnit, on_delete=models.CASCADE, related_name="predecessor_links"
    )
    is_main = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("unit succession")
        verbose_name_plural = _("unit successions")
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor"], name="geo_unique_succession"
            ),
            models.CheckConstraint(
                condition=~Q(predecessor=models.F("successor")), name="geo_succession_not_self"
            ),
        ]

    def __str__(self):
        return f"{self.predecessor} → {self.successor}"
