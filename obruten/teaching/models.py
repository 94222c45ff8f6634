"""Teaching by Lärteamet: hours taught per week to a child in protected housing."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from obruten.register.models import Child


class TeachingWeek(models.Model):
    """The hours Lärteamet taught a child one week, with the week's full teaching time
    as it was when recorded (the setting may change later)."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="teaching_weeks")
    week = models.DateField(_("vecka"), help_text=_("Veckans måndag."))
    hours = models.DecimalField(
        _("undervisningstimmar"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(60)],
    )
    full_hours = models.DecimalField(_("full undervisningstid"), max_digits=4, decimal_places=1, null=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["child", "-week"]
        verbose_name = _("undervisningsvecka")
        verbose_name_plural = _("undervisningsveckor")
        constraints = [models.UniqueConstraint(fields=["child", "week"], name="one_teaching_record_a_week")]

    def __str__(self) -> str:
        return f"{self.week:%G-W%V} {self.hours}"

    @property
    def is_full(self) -> bool | None:
        return None if self.full_hours is None else self.hours >= self.full_hours
