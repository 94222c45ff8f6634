"""Monthly statistics files imported from districts that do not yet register placements in
Obruten. A row is one placement without identity: it feeds the same reports."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from obruten.register.models import District, PlacementForm, Sex


class StatisticsImport(models.Model):
    """One district's file for one month. Importing the same district and month again
    replaces the rows (and is audited)."""

    district = models.ForeignKey(District, verbose_name=_("stadsdelsnämnd"), on_delete=models.PROTECT)
    month = models.DateField(_("månad"), help_text=_("Månadens första dag."))
    imported_at = models.DateTimeField(_("importerad"), auto_now=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    filename = models.CharField(_("fil"), max_length=200)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["district", "month"], name="one_import_per_district_month")
        ]
        verbose_name = _("import av månadsstatistik")
        verbose_name_plural = _("importer av månadsstatistik")

    def __str__(self) -> str:
        return f"{self.district} {self.month:%Y-%m}"


class ImportedPlacement(models.Model):
    source = models.ForeignKey(StatisticsImport, on_delete=models.CASCADE, related_name="placements")
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    form = models.ForeignKey(PlacementForm, on_delete=models.PROTECT, related_name="+")
    sex = models.CharField(max_length=1, choices=Sex.choices)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    school_change = models.BooleanField()
    days_to_school_start = models.IntegerField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["district", "start_date"])]

    def __str__(self) -> str:
        return f"{self.district_id} {self.form_id} {self.start_date}"
