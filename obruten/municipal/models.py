from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class MunicipalSettings(models.Model):
    """The municipality's own choices where the law leaves them to it: one row (pk 1). An
    empty field means the environment's value (docs/production.md)."""

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


class DatedSetting(models.Model):
    """A setting a figure depends on, from a day on (issue 23): a new value applies from
    today or later, and one in force is never changed (a later row replaces it), so a
    period already reported keeps what it was counted with."""

    valid_from = models.DateField(_("gäller från"), unique=True)

    class Meta:
        abstract = True
        ordering = ["-valid_from"]

    def clean(self) -> None:
        if self.valid_from is not None and self.valid_from < timezone.localdate():
            raise ValidationError(
                {"valid_from": _("Ange dagens datum eller senare: en redan avslutad period ska inte ändras.")}
            )


class SchoolStartGoal(DatedSetting):
    """The school-start goal in days: a placement that begins on or after ``valid_from``
    is held to it, and one already begun keeps the goal of its start."""

    days = models.PositiveSmallIntegerField(
        _("mål för skolstart (dagar)"),
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text=_("Dagar från placeringens start till första skoldag, för placeringar från dagen."),
    )

    class Meta(DatedSetting.Meta):
        verbose_name = _("mål för skolstart")
        verbose_name_plural = _("mål för skolstart")

    def __str__(self) -> str:
        return str(_("%(days)d dagar för placeringar från %(day)s")) % {
            "days": self.days,
            "day": f"{self.valid_from:%Y-%m-%d}",
        }


class DisclosureThreshold(DatedSetting):
    """The statistics' threshold: counts from 1 to ``threshold - 1`` are hidden in every
    period that ends on or after ``valid_from``."""

    threshold = models.PositiveSmallIntegerField(
        _("minsta visade antal"),
        validators=[MinValueValidator(2), MaxValueValidator(10)],
        help_text=_("Antal under detta döljs (4: antal 1–3 döljs, som i stadens publicerade tabeller)."),
    )

    class Meta(DatedSetting.Meta):
        verbose_name = _("röjandeskydd i statistiken")
        verbose_name_plural = _("röjandeskydd i statistiken")

    def __str__(self) -> str:
        return str(_("Antal 1–%(last)d döljs från %(day)s")) % {
            "last": self.threshold - 1,
            "day": f"{self.valid_from:%Y-%m-%d}",
        }


class CoordinatorTargetGroup(DatedSetting):
    """Whether the school coordinators follow young people in upper-secondary school from
    ``valid_from`` on, or only until year 9 ends; their follow-ups already due keep the
    choice in force when they fell due."""

    follows_upper_secondary = models.BooleanField(
        _("följer unga i gymnasieskolan"),
        help_text=_(
            "Ikryssad: skolsamordnarna följer upp även efter årskurs 9. Tom: till och med årskurs 9."
        ),
    )

    class Meta(DatedSetting.Meta):
        verbose_name = _("skolsamordnarnas målgrupp")
        verbose_name_plural = _("skolsamordnarnas målgrupp")

    def __str__(self) -> str:
        if self.follows_upper_secondary:
            text = _("Skolsamordnarna följer även unga i gymnasieskolan från %(day)s")
        else:
            text = _("Skolsamordnarna följer barnen till och med årskurs 9 från %(day)s")
        return str(text) % {"day": f"{self.valid_from:%Y-%m-%d}"}
