"""API keys: how a case system, a service account, signs in to the JSON API."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiKey(models.Model):
    """A key of a service account. Only the SHA-256 of the secret is kept; the prefix,
    public, finds the row."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tjänstekonto"),
        on_delete=models.PROTECT,
        related_name="api_keys",
    )
    name = models.CharField(_("namn"), max_length=100, blank=True)
    prefix = models.CharField(_("prefix"), max_length=16, unique=True)
    secret_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    expires_at = models.DateTimeField(_("giltig till"))
    revoked_at = models.DateTimeField(_("återkallad"), null=True, blank=True)
    # The rate limit's current minute, kept on the row so every worker counts the same.
    window_start = models.DateTimeField(null=True, editable=False)
    window_count = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API-nyckel")
        verbose_name_plural = _("API-nycklar")

    def __str__(self) -> str:
        return f"{self.prefix} ({self.user})"

    def is_usable(self) -> bool:
        return self.revoked_at is None and timezone.now() < self.expires_at and self.user.is_active
