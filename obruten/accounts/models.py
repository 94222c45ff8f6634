from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CASE_WORKER = "socialsekreterare", _("Socialsekreterare")
    SCHOOL_COORDINATOR = "skolsamordnare", _("Skolsamordnare")
    SKOLFAM = "skolfam", _("Skolfam")
    LARTEAMET = "larteamet", _("Lärteamet")
    UNIT_MANAGER = "enhetschef", _("Enhetschef")
    ANALYST = "analytiker", _("Analytiker")
    ADMINISTRATOR = "administrator", _("Administratör")


class User(AbstractUser):
    """A member of staff. What they may see follows from ``role`` and ``districts``
    (see ``obruten.accounts.policy``)."""

    role = models.CharField(_("roll"), max_length=20, choices=Role.choices)
    districts = models.ManyToManyField(
        "register.District",
        verbose_name=_("stadsdelsnämnder"),
        blank=True,
        related_name="members",
    )

    class Meta:
        verbose_name = _("användare")
        verbose_name_plural = _("användare")

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class Team(models.Model):
    """An arbetsgrupp of a district: its members and its enhetschef. A team's children
    are those whose responsible case worker is a member. Staff's own grouping, beside their
    districts (so the register's lists can filter by it); managed in ``obruten.teams``."""

    district = models.ForeignKey(
        "register.District", verbose_name=_("stadsdelsnämnd"), on_delete=models.PROTECT, related_name="teams"
    )
    name = models.CharField(_("namn"), max_length=100)
    manager = models.ForeignKey(
        User,
        verbose_name=_("enhetschef"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_teams",
    )
    members = models.ManyToManyField(User, verbose_name=_("medlemmar"), blank=True, related_name="teams")

    class Meta:
        db_table = "teams_team"  # created by the teams app, where the model lived first
        ordering = ["district__sort_order", "name"]
        verbose_name = _("arbetsgrupp")
        verbose_name_plural = _("arbetsgrupper")
        constraints = [
            models.UniqueConstraint(fields=["district", "name"], name="team_name_unique_in_district")
        ]

    def __str__(self) -> str:
        return self.name
