from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from obruten.register.models import District


class Team(models.Model):
    """An arbetsgrupp of a district: its members and its enhetschef. A team's children
    are those whose responsible case worker is a member."""

    district = models.ForeignKey(
        District, verbose_name=_("stadsdelsnämnd"), on_delete=models.PROTECT, related_name="teams"
    )
    name = models.CharField(_("namn"), max_length=100)
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("enhetschef"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_teams",
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("medlemmar"), blank=True, related_name="teams"
    )

    class Meta:
        ordering = ["district__sort_order", "name"]
        verbose_name = _("arbetsgrupp")
        verbose_name_plural = _("arbetsgrupper")
        constraints = [
            models.UniqueConstraint(fields=["district", "name"], name="team_name_unique_in_district")
        ]

    def __str__(self) -> str:
        return self.name
