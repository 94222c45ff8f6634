"""Who is responsible for a child's case, and how a case moved between districts.

Both are history: a row is written when responsibility or district changes and is
never rewritten, except that the open period gets its end date when the next begins."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from obruten.register.models import Child, District


class ResponsibilityPeriod(models.Model):
    """A case worker responsible for a child from ``start`` to ``end`` (open: today)."""

    child = models.ForeignKey(
        Child, verbose_name=_("barn"), on_delete=models.PROTECT, related_name="responsibility_periods"
    )
    case_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ansvarig socialsekreterare"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    start = models.DateField(_("från"))
    end = models.DateField(_("till"), null=True, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("beslutad av"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start", "-pk"]
        verbose_name = _("ansvarsperiod")
        verbose_name_plural = _("ansvarsperioder")
        indexes = [models.Index(fields=["child", "end"])]

    def __str__(self) -> str:
        return f"{self.case_worker} {self.start}–{self.end or ''}"


class Transfer(models.Model):
    """A child's case moving from one district to another, started by the sending
    district and accepted or refused by the receiving district's enhetschef. A merger
    is recorded as an accepted transfer of kind ``merger``, so the statistics resolve
    the responsible district on any day the same way for both."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Väntar på mottagande nämnd")
        ACCEPTED = "accepted", _("Godkänd")
        REFUSED = "refused", _("Avslagen")

    class Kind(models.TextChoices):
        TRANSFER = "transfer", _("Överflyttning")
        MERGER = "merger", _("Sammanslagning av nämnder")

    child = models.ForeignKey(
        Child, verbose_name=_("barn"), on_delete=models.PROTECT, related_name="transfers"
    )
    kind = models.CharField(_("typ"), max_length=10, choices=Kind.choices, default=Kind.TRANSFER)
    from_district = models.ForeignKey(
        District, verbose_name=_("från nämnd"), on_delete=models.PROTECT, related_name="+"
    )
    to_district = models.ForeignKey(
        District, verbose_name=_("till nämnd"), on_delete=models.PROTECT, related_name="incoming_transfers"
    )
    effective_date = models.DateField(_("gäller från"))
    note = models.TextField(_("meddelande"), max_length=2000, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    refusal_reason = models.TextField(_("skäl"), max_length=2000, blank=True)

    class Meta:
        ordering = ["-effective_date", "-pk"]
        verbose_name = _("överflyttning")
        verbose_name_plural = _("överflyttningar")
        indexes = [
            models.Index(fields=["child", "status", "effective_date"]),
            models.Index(fields=["to_district", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(from_district=models.F("to_district")), name="transfer_changes_district"
            ),
            models.UniqueConstraint(
                fields=["child"], condition=models.Q(status="pending"), name="one_pending_transfer_per_child"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_district} → {self.to_district} {self.effective_date}"
