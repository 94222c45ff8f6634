"""The placement register: districts, municipalities, placement forms, schools,
children, placements and school starts."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class District(models.Model):
    """A stadsdelsnämnd (or a municipality's own district), with its validity period."""

    code = models.SlugField(_("kod"), max_length=40, unique=True)
    name = models.CharField(_("namn"), max_length=100)
    valid_from = models.DateField(_("gäller från"), null=True, blank=True)
    valid_to = models.DateField(_("gäller till"), null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        verbose_name=_("efterföljare"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="predecessors",
    )
    sort_order = models.PositiveSmallIntegerField(_("ordning"), default=0)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("stadsdelsnämnd")
        verbose_name_plural = _("stadsdelsnämnder")

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def valid_between(start: date, end: date) -> models.Q:
        """Districts valid some day from ``start`` to ``end``."""
        return (models.Q(valid_from__isnull=True) | models.Q(valid_from__lte=end)) & (
            models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=start)
        )

    def is_valid_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


class Municipality(models.Model):
    """One of Sweden's 290 municipalities, by SCB's four-digit code."""

    code = models.CharField(_("kommunkod"), max_length=4, unique=True)
    name = models.CharField(_("namn"), max_length=100)
    county_code = models.CharField(_("länskod"), max_length=2)

    class Meta:
        ordering = ["name"]
        verbose_name = _("kommun")
        verbose_name_plural = _("kommuner")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class PlacementForm(models.Model):
    """A placeringsform, as a code list the administrator keeps."""

    code = models.SlugField(_("kod"), max_length=40, unique=True)
    name = models.CharField(_("namn"), max_length=100)
    sort_order = models.PositiveSmallIntegerField(_("ordning"), default=0)
    is_protected_housing = models.BooleanField(
        _("skyddat boende"),
        default=False,
        help_text=_("Barnets vistelseort skyddas för alla utom ansvarig handläggare och Lärteamet."),
    )
    school_coordinator_follows_up = models.BooleanField(_("följs upp av skolsamordnare"), default=False)
    is_family_home = models.BooleanField(_("familjehem"), default=False)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("placeringsform")
        verbose_name_plural = _("placeringsformer")

    def __str__(self) -> str:
        return self.name


class School(models.Model):
    class SchoolForm(models.TextChoices):
        COMPULSORY = "grundskola", _("Grundskola")
        ADAPTED_COMPULSORY = "anpassad_grundskola", _("Anpassad grundskola")
        UPPER_SECONDARY = "gymnasieskola", _("Gymnasieskola")
        ADAPTED_UPPER_SECONDARY = "anpassad_gymnasieskola", _("Anpassad gymnasieskola")
        OTHER = "annan", _("Annan")

    unit_code = models.CharField(
        _("skolenhetskod"),
        max_length=8,
        unique=True,
        help_text=_("Skolverkets skolenhetskod, åtta siffror."),
    )
    name = models.CharField(_("namn"), max_length=200)
    # The town of the visiting address (Skolverket's "Besöksort"): what a case worker knows of
    # a school when she knows no name, "a school in Farsta".
    place = models.CharField(_("ort"), max_length=100, blank=True)
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("kommun"), null=True, blank=True, on_delete=models.PROTECT
    )
    school_form = models.CharField(
        _("skolform"), max_length=30, choices=SchoolForm.choices, default=SchoolForm.COMPULSORY
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("skola")
        verbose_name_plural = _("skolor")

    def __str__(self) -> str:
        return f"{self.name} ({self.unit_code})"


class Sex(models.TextChoices):
    FEMALE = "F", _("Flicka")
    MALE = "M", _("Pojke")


class ProtectedIdentity(models.TextChoices):
    NONE = "none", _("Ingen")
    CONFIDENTIALITY_MARKING = "sekretessmarkering", _("Sekretessmarkering")
    PROTECTED_REGISTRATION = "skyddad_folkbokforing", _("Skyddad folkbokföring")
    FICTITIOUS_IDENTITY = "fingerade_personuppgifter", _("Fingerade personuppgifter")


class LegalBasis(models.TextChoices):
    SOL = "SoL", _("SoL (frivillig)")
    LVU2 = "LVU2", _("LVU 2 § (miljön)")
    LVU3 = "LVU3", _("LVU 3 § (eget beteende)")
    LVU23 = "LVU23", _("LVU 2 och 3 §§")
    LVU6 = "LVU6", _("LVU 6 § (omedelbart omhändertagande)")
    PROTECTED_HOUSING = "SKYB", _("Beslut om placering i skyddat boende")
    NONE = "", _("Inget eget beslut (medföljande)")


class ExitDestination(models.TextChoices):
    """Where a child goes when a placement ends (seed 001, "Stöd efter avslutad placering")."""

    HOME = "hem", _("Hem till vårdnadshavare")
    NEW_PLACEMENT = "ny_placering", _("Ny placering")
    OWN_HOUSING = "eget_boende", _("Eget boende")
    OTHER_MUNICIPALITY = "annan_kommun", _("Flyttar till annan kommun")
    OTHER = "annat", _("Annat")


class LateSchoolStartReason(models.TextChoices):
    """Why a school start came later than the goal (lib/school_start.py's code list)."""

    NO_SCHOOL = "ingen_skola", _("Ingen skolplats hittad")
    WAITING = "vantar_beslut", _("Väntade på skolans beslut")
    CHILD = "barnet", _("Barnet kunde inte börja")
    PROTECTED = "skyddad", _("Skyddade uppgifter fördröjde")
    OTHER = "annat", _("Annat")


class Child(models.Model):
    """A child or young person in the register. Personal data: read only through
    ``obruten.accounts.policy``."""

    personal_number = models.CharField(_("personnummer"), max_length=12, unique=True)
    first_name = models.CharField(_("förnamn"), max_length=100)
    last_name = models.CharField(_("efternamn"), max_length=100)
    birth_date = models.DateField(_("födelsedatum"))
    sex = models.CharField(_("kön"), max_length=1, choices=Sex.choices)
    home_municipality = models.ForeignKey(
        Municipality, verbose_name=_("hemkommun"), on_delete=models.PROTECT, related_name="+"
    )
    unaccompanied = models.BooleanField(_("ensamkommande"), default=False)
    protected_identity = models.CharField(
        _("skyddade personuppgifter"),
        max_length=30,
        choices=ProtectedIdentity.choices,
        default=ProtectedIdentity.NONE,
    )
    address = models.CharField(_("folkbokföringsadress"), max_length=200, blank=True)
    district = models.ForeignKey(
        District,
        verbose_name=_("ansvarig stadsdelsnämnd"),
        on_delete=models.PROTECT,
        related_name="children",
    )
    case_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ansvarig socialsekreterare"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="caseload",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("barn")
        verbose_name_plural = _("barn")
        indexes = [models.Index(fields=["district", "last_name", "first_name"])]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def formatted_personal_number(self) -> str:
        return f"{self.personal_number[:8]}-{self.personal_number[8:]}"

    @property
    def has_protected_identity(self) -> bool:
        return self.protected_identity != ProtectedIdentity.NONE


class Placement(models.Model):
    child = models.ForeignKey(
        Child, verbose_name=_("barn"), on_delete=models.PROTECT, related_name="placements"
    )
    form = models.ForeignKey(PlacementForm, verbose_name=_("placeringsform"), on_delete=models.PROTECT)
    accompanying = models.BooleanField(
        _("medföljande"),
        default=False,
        help_text=_("Barnet följer med en förälder till skyddat boende utan eget beslut."),
    )
    legal_basis = models.CharField(_("lagrum"), max_length=5, choices=LegalBasis.choices, blank=True)
    decision_date = models.DateField(_("beslutsdatum"), null=True, blank=True)
    enforcement_date = models.DateField(
        _("verkställighetsdatum"),
        null=True,
        blank=True,
        help_text=_("Dagen beslutet verkställdes; omprövning enligt LVU 3 § räknas härifrån."),
    )
    start_date = models.DateField(_("startdatum"))
    end_date = models.DateField(_("slutdatum"), null=True, blank=True)
    district = models.ForeignKey(
        District,
        verbose_name=_("ansvarig stadsdelsnämnd"),
        on_delete=models.PROTECT,
        related_name="placements",
    )
    placing_municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("placerande kommun"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    location_municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("placeringskommun"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Kommunen där barnet bor under placeringen; skyddas som adressen."),
    )
    school_change = models.BooleanField(_("innebär skolbyte"), default=False)
    unit_name = models.CharField(_("placeringsställe"), max_length=200, blank=True)
    address = models.CharField(_("placeringsadress"), max_length=200, blank=True)
    exit_destination = models.CharField(
        _("flyttar till"),
        max_length=20,
        choices=ExitDestination.choices,
        blank=True,
        help_text=_("Vart barnet flyttar när placeringen upphör."),
    )
    school_after = models.ForeignKey(
        School,
        verbose_name=_("skola efter placeringen"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Skolan barnet går i efter placeringen; skyddas som adressen."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_date"]
        verbose_name = _("placering")
        verbose_name_plural = _("placeringar")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
                name="placement_ends_after_start",
            )
        ]
        indexes = [
            models.Index(fields=["child", "start_date"]),
            models.Index(fields=["district", "start_date"]),
            # Covers the placements report: counts per district and form read the index alone.
            models.Index(
                fields=["district", "form", "child", "start_date", "end_date"], name="placement_report_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.form} {self.start_date}"

    def is_ongoing(self, today: date) -> bool:
        return self.start_date <= today and (self.end_date is None or self.end_date >= today)

    @property
    def is_protected_housing(self) -> bool:
        return self.accompanying or self.form.is_protected_housing


class SchoolStart(models.Model):
    """The first day of actual schooling after a placement began."""

    placement = models.OneToOneField(
        Placement,
        verbose_name=_("placering"),
        on_delete=models.PROTECT,
        related_name="school_start",
    )
    school = models.ForeignKey(
        School, verbose_name=_("skola"), null=True, blank=True, on_delete=models.PROTECT
    )
    taught_by_larteamet = models.BooleanField(
        _("undervisning av Lärteamet"),
        default=False,
        help_text=_("Barnet undervisas av Lärteamet i det skyddade boendet, inte på en skolenhet."),
    )
    first_school_day = models.DateField(_("första skoldag"))
    days_to_school_start = models.IntegerField(
        _("dagar till skolstart"), help_text=_("Första skoldag minus placeringens startdatum.")
    )
    late_reason = models.CharField(
        _("orsak till sen skolstart"),
        max_length=20,
        choices=LateSchoolStartReason.choices,
        blank=True,
        help_text=_("Varför skolstarten kom senare än målet. Tomt: i tid, eller inte angivet."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("skolstart")
        verbose_name_plural = _("skolstarter")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(school__isnull=False) | models.Q(taught_by_larteamet=True),
                name="school_start_names_school_or_larteamet",
            )
        ]

    def __str__(self) -> str:
        return str(self.first_school_day)
