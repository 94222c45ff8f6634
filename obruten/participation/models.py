"""The child's voice: versioned questionnaire templates, one-time links, answers, alerts."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from obruten.register.models import Child


class Template(models.Model):
    """A questionnaire: once published it never changes; a change is a new version."""

    code = models.SlugField(_("kod"))
    version = models.PositiveSmallIntegerField(_("version"))
    name = models.CharField(_("namn"), max_length=100)
    age_band = models.CharField(_("ålder"), max_length=10, help_text=_("Till exempel 7-12 eller 13-20."))
    languages = models.JSONField(_("språk"), default=list)
    intro = models.JSONField(_("inledning"), default=dict, help_text=_("Per språk: vem som läser svaren."))
    outro = models.JSONField(_("avslutning"), default=dict)
    ui = models.JSONField(
        _("texter i formuläret"), default=dict, help_text=_("Per språk: knappar, skalans ord.")
    )
    published = models.BooleanField(_("publicerad"), default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="one_template_version")]
        ordering = ["code", "-version"]
        verbose_name = _("frågeformulär")
        verbose_name_plural = _("frågeformulär")

    def __str__(self) -> str:
        return f"{self.name}, version {self.version}"


class Area(models.TextChoices):
    WELLBEING = "mar", _("Hur du mår")
    HOME = "hem", _("Hem och familj")
    SCHOOL = "skola", _("Skola och fritid")
    SOCIAL_SERVICES = "socialtjansten", _("Kontakten med socialtjänsten")


class Question(models.Model):
    class Kind(models.TextChoices):
        SCALE = "scale", _("Skala 1–5 med ansikten")
        YES_NO = "yes_no", _("Ja, nej, vet inte")
        TEXT = "text", _("Fritext")

    template = models.ForeignKey(Template, on_delete=models.PROTECT, related_name="questions")
    area = models.CharField(_("område"), max_length=20, choices=Area.choices)
    order = models.PositiveSmallIntegerField(_("ordning"))
    kind = models.CharField(_("svarstyp"), max_length=10, choices=Kind.choices)
    texts = models.JSONField(_("frågan per språk"))
    danger_values = models.JSONField(
        _("svar som larmar"),
        default=list,
        blank=True,
        help_text=_('Svar som betyder fara, till exempel [1] på en skala eller ["nej"].'),
    )

    class Meta:
        ordering = ["template", "order"]
        constraints = [models.UniqueConstraint(fields=["template", "order"], name="one_question_per_place")]
        verbose_name = _("fråga")
        verbose_name_plural = _("frågor")

    def __str__(self) -> str:
        return str(self.texts.get("sv", ""))

    def text(self, language: str) -> str:
        return str(self.texts.get(language) or self.texts.get("sv", ""))


class Invitation(models.Model):
    """A one-time link. Only a hash of the token is stored; the token is shown once."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="invitations")
    template = models.ForeignKey(Template, on_delete=models.PROTECT)
    language = models.CharField(_("språk"), max_length=5)
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("gäller till"))
    opened_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    discussed_at = models.DateTimeField(_("genomgånget med barnet"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("länk till frågeformulär")
        verbose_name_plural = _("länkar till frågeformulär")

    def __str__(self) -> str:
        return f"{self.child_id} {self.created_at:%Y-%m-%d}"

    def is_open(self) -> bool:
        return self.submitted_at is None and self.revoked_at is None and self.expires_at > timezone.now()


class Answer(models.Model):
    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    value = models.TextField(blank=True)
    urgent = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["invitation", "question"], name="one_answer_per_question")
        ]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.value[:20]}"


class Alert(models.Model):
    """An answer that signals danger: on the case worker's and the enhetschef's start page
    at once, on the child's page and by e-mail without personal data, until someone
    acknowledges it with a note of what was done. Not acknowledged by ``respond_by`` (the
    end of the working day it came), the enhetschef sees it as overdue."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="+")
    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="alerts")
    created_at = models.DateTimeField(auto_now_add=True)
    respond_by = models.DateTimeField(_("kvitteras senast"))
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(_("vad som gjordes"), blank=True)

    def __str__(self) -> str:
        return f"{self.child_id} {self.created_at:%Y-%m-%d}"

    def is_overdue(self, now: datetime | None = None) -> bool:
        return self.acknowledged_at is None and self.respond_by < (now or timezone.now())


class GuessAttempt(models.Model):
    """A request with a wrong or spent token, by a hash of the address, for rate limiting."""

    address_hash = models.CharField(max_length=64, db_index=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return str(self.at)
