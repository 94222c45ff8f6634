from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class MunicipalSettings(models.Model):
    """The municipality's own choices where the law leaves them to it: one row (pk 1). An
    empty field means the environment's value (docs/production.md)."""

    school_start_goal_days = models.PositiveSmallIntegerField(
        _("mål för skolstart (dagar)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text=_("Dagar från placeringens start till första skoldag. Tomt: driftmiljöns värde."),
    )
    social_emergency_number = models.CharField(
        _("socialjourens telefonnummer"),
        max_length=30,
        blank=True,
        validators=[RegexValidator(r"^\+?[0-9][0-9 -]*$", _("Ange ett telefonnummer med siffror."))],
        help_text=_("Visas för ett barn som behöver hjälp nu. Tomt: driftmiljöns värde."),
    )

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(pk=1), name="one_municipal_settings")]
        verbose_name = _("kommunens inställningar")
        verbose_name_plural = _("kommunens inställningar")

    def __str__(self) -> str:
        return str(_("Kommunens inställningar"))
