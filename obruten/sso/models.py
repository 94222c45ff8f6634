"""Who a person at the identity provider is in Obruten: their stable subject, never
their e-mail address (an address is reassigned, changed and typed by people)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Identity(models.Model):
    """One user's subject at the provider, linked by an administrator."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("användare"),
        on_delete=models.CASCADE,
        related_name="identity",
    )
    issuer = models.CharField(_("utfärdare (iss)"), max_length=255)
    subject = models.CharField(_("subjekt (sub)"), max_length=255)
    linked_at = models.DateTimeField(_("kopplad"), auto_now_add=True)

    class Meta:
        verbose_name = _("inloggningsidentitet")
        verbose_name_plural = _("inloggningsidentiteter")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="sso_identity_unique_subject"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} ({self.issuer})"
