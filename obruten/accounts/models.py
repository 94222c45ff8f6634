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
