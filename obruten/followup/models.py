"""Follow-ups: the schooling chain (SAMS/UppSam) as data, recorded follow-ups with
results, attendance and health, year-9 final grades, and interventions."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from obruten.lib import upper_secondary
from obruten.register.models import Child, Placement, School


class ChainModel(models.Model):
    """A model of the schooling chain (SAMS, UppSam, or a municipality's own). The
    active one applies to every placement that means a change of school."""

    code = models.SlugField(_("kod"), unique=True)
    name = models.CharField(_("namn"), max_length=100)
    is_active = models.BooleanField(_("används"), default=False)

    class Meta:
        verbose_name = _("modell för skolkedjan")
        verbose_name_plural = _("modeller för skolkedjan")

    def __str__(self) -> str:
        return self.name


class Responsible(models.TextChoices):
    SOCIAL_SERVICES = "socialtjansten", _("Socialtjänsten")
    SENDING_PRINCIPAL = "sending_principal", _("Rektor på skolan barnet lämnar")
    RECEIVING_PRINCIPAL = "receiving_principal", _("Rektor på mottagande skola")
    EDUCATION_OFFICE = "education_office", _("Hemkommunens utbildningsförvaltning")
    SCHOOL_COORDINATOR = "school_coordinator", _("Skolsamordnare")


class ChainStep(models.Model):
    class Anchor(models.TextChoices):
        START = "start", _("placeringens start")
        END = "end", _("placeringens slut")

    chain_model = models.ForeignKey(ChainModel, on_delete=models.CASCADE, related_name="steps")
    phase_order = models.PositiveSmallIntegerField(_("fasens ordning"))
    phase = models.CharField(_("fas"), max_length=100)
    order = models.PositiveSmallIntegerField(_("ordning"))
    title = models.CharField(_("steg"), max_length=200)
    responsible = models.CharField(_("ansvarig"), max_length=30, choices=Responsible.choices)
    anchor = models.CharField(_("räknas från"), max_length=5, choices=Anchor.choices)
    offset_days = models.SmallIntegerField(_("dagar efter"))
    is_school_start = models.BooleanField(
        _("skolstart"),
        default=False,
        help_text=_("Steget markeras klart när barnets skolstart registreras."),
    )

    class Meta:
        ordering = ["chain_model", "phase_order", "order"]
        verbose_name = _("steg i skolkedjan")
        verbose_name_plural = _("steg i skolkedjan")

    def __str__(self) -> str:
        return f"{self.phase}: {self.title}"


class ChainStepRecord(models.Model):
    """A step of a placement's chain that was done, or judged not to apply. Steps with
    no record are open; their due dates follow from the placement's dates."""

    class Status(models.TextChoices):
        DONE = "done", _("klart")
        NOT_APPLICABLE = "not_applicable", _("ej aktuellt")

    placement = models.ForeignKey(Placement, on_delete=models.PROTECT, related_name="chain_records")
    step = models.ForeignKey(ChainStep, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    date = models.DateField(_("datum"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["placement", "step"], name="one_record_per_step")]
        verbose_name = _("genomfört steg")
        verbose_name_plural = _("genomförda steg")

    def __str__(self) -> str:
        return f"{self.step} ({self.get_status_display()})"


class FollowUpKind(models.TextChoices):
    REVIEW = "overvagande", _("Övervägande/omprövning")
    COORDINATOR = "skolsamordnare", _("Skolsamordnarens uppföljning")
    CUSTODY_TRANSFER = "vardnadsoverflyttning", _("Prövning av vårdnadsöverflyttning")
    CARE_PLAN = "vardplan", _("Revidering av vårdplan")
    AFTER_LVU = "efter_lvu", _("Uppföljning efter avslutad LVU-vård")
    AFTER_CARE = "efter_placering", _("Uppföljning av skolgång efter hemflytt")


class SchoolForm(models.TextChoices):
    COMPULSORY = "grundskola", _("Grundskola")
    ADAPTED_COMPULSORY = "anpassad_grundskola", _("Anpassad grundskola")
    UPPER_SECONDARY = "gymnasieskola", _("Gymnasieskola")
    INTRODUCTION = "introduktionsprogram", _("Introduktionsprogram")
    NONE = "ingen", _("Går inte i skolan")


class FollowUp(models.Model):
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="follow_ups")
    kind = models.CharField(_("typ"), max_length=30, choices=FollowUpKind.choices)
    date = models.DateField(_("datum"))
    school_form = models.CharField(_("skolform"), max_length=30, choices=SchoolForm.choices, blank=True)
    programme = models.CharField(
        _("gymnasieprogram"),
        max_length=3,
        choices=[(code, name) for code, (name, _kind) in upper_secondary.PROGRAMMES.items()],
        blank=True,
    )
    # Where the child goes to school: protected as the address (WHEREABOUTS).
    school = models.ForeignKey(
        School, verbose_name=_("skolenhet"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    attendance_percent = models.DecimalField(
        _("närvaro (%)"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    unexcused_absence_percent = models.DecimalField(
        _("ogiltig frånvaro (%)"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    health_exam_requested = models.DateField(_("hälsoundersökning begärd"), null=True, blank=True)
    health_exam_done = models.DateField(_("hälsoundersökning gjord"), null=True, blank=True)
    dental_exam_latest = models.DateField(_("senaste tandundersökning"), null=True, blank=True)
    plan = models.TextField(_("plan och kommentar"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("uppföljning")
        verbose_name_plural = _("uppföljningar")
        indexes = [
            models.Index(fields=["child", "kind", "date"]),
            # Covers the results report: the latest follow-up per child in a period.
            models.Index(fields=["date", "kind", "school_form", "child"], name="followup_report_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date}"


class UpperSecondaryQualification(models.Model):
    """A young person's complete upper-secondary qualification (gymnasieexamen), one per
    child: the higher-education preparatory or the vocational diploma (skollagen 16 kap.
    26–27 §§)."""

    class Kind(models.TextChoices):
        PREPARATORY = "hogskoleforberedande", _("Högskoleförberedande examen")
        VOCATIONAL = "yrkesexamen", _("Yrkesexamen")

    child = models.OneToOneField(
        Child, on_delete=models.PROTECT, related_name="upper_secondary_qualification"
    )
    kind = models.CharField(_("examen"), max_length=20, choices=Kind.choices)
    date = models.DateField(_("datum för examen"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("gymnasieexamen")
        verbose_name_plural = _("gymnasieexamina")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date}"


class Assessment(models.TextChoices):
    REACHES = "reaches", _("Når kunskapskraven")
    DOES_NOT_REACH = "does_not_reach", _("Når inte kunskapskraven")


GRADE_CHOICES = [(g, g) for g in ("A", "B", "C", "D", "E", "F")] + [("-", _("– (underlag saknas)"))]


class SubjectResult(models.Model):
    """A result in one subject at a follow-up: a grade, or where no grade is set an
    assessment against the knowledge requirements. ``carried_over`` marks a result
    copied from the previous follow-up because no new one was set."""

    follow_up = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="results")
    subject = models.CharField(_("ämne"), max_length=5)
    grade = models.CharField(_("betyg"), max_length=1, choices=GRADE_CHOICES, blank=True)
    assessment = models.CharField(_("bedömning"), max_length=20, choices=Assessment.choices, blank=True)
    carried_over = models.BooleanField(_("från föregående uppföljning"), default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["follow_up", "subject"], name="one_result_per_subject")
        ]
        verbose_name = _("resultat")
        verbose_name_plural = _("resultat")

    def __str__(self) -> str:
        return f"{self.subject}: {self.grade or self.get_assessment_display()}"

    @property
    def reaches_requirements(self) -> bool | None:
        if self.grade:
            return self.grade in {"A", "B", "C", "D", "E"}
        if self.assessment:
            return self.assessment == Assessment.REACHES
        return None


class FinalGrades(models.Model):
    """Year-9 final grades (slutbetyg), one set per child: ``{subject code: grade}``."""

    child = models.OneToOneField(Child, on_delete=models.PROTECT, related_name="final_grades")
    year = models.PositiveSmallIntegerField(_("år"))
    grades = models.JSONField(_("betyg"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("slutbetyg")
        verbose_name_plural = _("slutbetyg")

    def __str__(self) -> str:
        return f"{self.child_id} {self.year}"


class InterventionKind(models.Model):
    code = models.SlugField(_("kod"), unique=True)
    name = models.CharField(_("namn"), max_length=100)
    sort_order = models.PositiveSmallIntegerField(_("ordning"), default=0)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("insatstyp")
        verbose_name_plural = _("insatstyper")

    def __str__(self) -> str:
        return self.name


STANINE = [MinValueValidator(1), MaxValueValidator(9)]


class Intervention(models.Model):
    """An intervention for a child, so results can be compared by intervention. For
    Skolfam: the mapping in Swedish and maths at the start and the re-test after two
    years, as stanines (1–9)."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="interventions")
    kind = models.ForeignKey(InterventionKind, verbose_name=_("insats"), on_delete=models.PROTECT)
    start = models.DateField(_("start"))
    end = models.DateField(_("slut"), null=True, blank=True)
    baseline_swedish = models.PositiveSmallIntegerField(
        _("kartläggning svenska"), null=True, blank=True, validators=STANINE
    )
    baseline_maths = models.PositiveSmallIntegerField(
        _("kartläggning matematik"), null=True, blank=True, validators=STANINE
    )
    retest_date = models.DateField(_("datum för uppföljande test"), null=True, blank=True)
    retest_swedish = models.PositiveSmallIntegerField(
        _("uppföljande test svenska"), null=True, blank=True, validators=STANINE
    )
    retest_maths = models.PositiveSmallIntegerField(
        _("uppföljande test matematik"), null=True, blank=True, validators=STANINE
    )
    note = models.TextField(_("kommentar"), blank=True)

    class Meta:
        ordering = ["-start"]
        verbose_name = _("insats")
        verbose_name_plural = _("insatser")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__isnull=True) | models.Q(end__gte=models.F("start")),
                name="intervention_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.start}"


class ReminderSent(models.Model):
    """One reminder e-mail per user and day (``obruten reminders`` is idempotent)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    due = models.PositiveIntegerField()
    overdue = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="one_reminder_a_day")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.day}"
