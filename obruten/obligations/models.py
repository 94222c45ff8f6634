"""Each duty a placed child's social services, school coordinator or Skolfam has, as a
stored fact: one row per occurrence, derived by ``engine`` and kept equal to it by
``services.recompute`` in the transaction of every write about the child."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from obruten.followup.models import ChainStep, FollowUp, Intervention
from obruten.register.models import Child, Placement


class Kind(models.TextChoices):
    REVIEW = "overvagande", _("Övervägande/omprövning")
    COORDINATOR = "skolsamordnare", _("Skolsamordnarens uppföljning")
    CHAIN = "kedja", _("Steg i skolkedjan")
    SCHOOL_START = "skolstart", _("Skolstart")
    HEALTH = "halsa", _("Begäran om hälsoundersökning")
    CUSTODY = "vardnadsoverflyttning", _("Prövning av vårdnadsöverflyttning")
    CARE_PLAN = "vardplan", _("Revidering av vårdplan")
    CARE_ENDS = "vard_upphor", _("LVU 2 §-vården upphör")
    IMMEDIATE_CUSTODY = "omedelbart_omhandertagande", _("Omedelbart omhändertagande")
    AFTER_LVU = "efter_lvu", _("Uppföljning efter avslutad LVU-vård")
    AFTER_CARE = "skolgang_efter_placering", _("Uppföljning av skolgång efter hemflytt")
    SKOLFAM = "skolfam", _("Skolfams uppföljande test")


class State(models.TextChoices):
    OPEN = "open", _("Att göra")
    DONE = "done", _("Gjord")
    MISSED = "missed", _("Missad")
    NOT_REQUIRED = "not_required", _("Stängd utan åtgärd")


class Obligation(models.Model):
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="obligations")
    kind = models.CharField(_("typ"), max_length=32, choices=Kind.choices)
    # Which time of the duty: "2025-01-10/3" (övervägande 3 from that decision),
    # "2026/27:2" (the coordinator's follow-up 2 of that school year), "<placement>:<step>".
    occurrence = models.CharField(max_length=64)
    due = models.DateField(_("senast"))
    owner = models.CharField(_("utförs av"), max_length=40)  # a Role, or a chain step's outside party
    state = models.CharField(_("status"), max_length=16, choices=State.choices)
    done_on = models.DateField(_("gjord"), null=True, blank=True)
    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, null=True, related_name="+")
    step = models.ForeignKey(ChainStep, on_delete=models.CASCADE, null=True, related_name="+")
    intervention = models.ForeignKey(Intervention, on_delete=models.CASCADE, null=True, related_name="+")
    follow_up = models.ForeignKey(FollowUp, on_delete=models.SET_NULL, null=True, related_name="+")
    detail = models.CharField(max_length=40, blank=True)  # "local" (own routine), a date, an LVU paragraph
    closed_reason = models.TextField(_("skäl"), blank=True)  # closed by hand as not done
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True)

    class Meta:
        verbose_name = _("åliggande")
        verbose_name_plural = _("åligganden")
        constraints = [
            models.UniqueConstraint(fields=["child", "kind", "occurrence"], name="obligation_once"),
        ]
        indexes = [
            models.Index(fields=["state", "due"], name="obligation_open_idx"),
            models.Index(fields=["due", "kind"], name="obligation_due_idx"),
            # A list's query: its children's open obligations due before a date.
            models.Index(
                fields=["child", "due"], condition=models.Q(state="open"), name="obligation_open_child_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.due}"
