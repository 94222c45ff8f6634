from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from obruten.accounts import policy
from obruten.accounts.models import Role

from . import schools
from .models import (
    District,
    ExitDestination,
    LateSchoolStartReason,
    LegalBasis,
    Municipality,
    PlacementForm,
    ProtectedIdentity,
    School,
    Sex,
)
from .services import ChildData, PlacementData, parse_personal_number

T = TypeVar("T")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def run_service(form: forms.Form, call: Callable[[], T]) -> T | None:
    """Call a service; put its ValidationError on the form's fields and return None."""
    try:
        return call()
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, exc)
        return None


def own_municipality() -> Municipality | None:
    return Municipality.objects.filter(code=settings.OWN_MUNICIPALITY_CODE).first()


class ChildForm(forms.Form):
    personal_number = forms.CharField(
        label=_("Personnummer"),
        max_length=13,
        help_text=_("ÅÅÅÅMMDD-NNNN. Samordningsnummer går också bra."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    first_name = forms.CharField(label=_("Förnamn"), max_length=100)
    last_name = forms.CharField(label=_("Efternamn"), max_length=100)
    sex = forms.ChoiceField(label=_("Kön"), choices=Sex.choices, widget=forms.RadioSelect)
    home_municipality = forms.ModelChoiceField(
        label=_("Hemkommun"),
        queryset=Municipality.objects.all(),
        help_text=_("Den kommun barnet är folkbokfört i."),
    )
    district = forms.ModelChoiceField(label=_("Ansvarig stadsdelsnämnd"), queryset=District.objects.none())
    unaccompanied = forms.BooleanField(label=_("Ensamkommande"), required=False)
    protected_identity = forms.ChoiceField(
        label=_("Skyddade personuppgifter"),
        choices=ProtectedIdentity.choices,
        initial=ProtectedIdentity.NONE,
    )
    address = forms.CharField(label=_("Folkbokföringsadress"), max_length=200, required=False)
    protection_reason = forms.CharField(
        label=_("Skäl till att skyddet sänks"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Krävs om du sänker eller tar bort skyddade personuppgifter."),
    )

    def __init__(
        self,
        *args: Any,
        user: Any,
        current_district: District | None = None,
        show_whereabouts: bool = True,
        current_protection: str = ProtectedIdentity.NONE,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        choices = Q(pk__in=user.districts.filter(District.valid_between(today, today)).values("pk"))
        if current_district is not None:
            choices |= Q(pk=current_district.pk)
        districts = District.objects.filter(choices)
        self.fields["district"].queryset = districts  # type: ignore[attr-defined]
        if len(districts) == 1:
            self.fields["district"].initial = districts[0]
        self.fields["home_municipality"].initial = own_municipality()
        if not show_whereabouts:
            del self.fields["address"]
        if current_protection == ProtectedIdentity.NONE:
            del self.fields["protection_reason"]

    def clean_personal_number(self) -> str:
        text: str = self.cleaned_data["personal_number"]
        try:
            parse_personal_number(text)
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["personal_number"]) from exc
        return text

    def to_data(self, *, keep_address: str = "") -> ChildData:
        data = self.cleaned_data
        return ChildData(
            personal_number=data["personal_number"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            sex=data["sex"],
            home_municipality=data["home_municipality"],
            district=data["district"],
            unaccompanied=data["unaccompanied"],
            protected_identity=data["protected_identity"],
            address=data.get("address", keep_address),
        )


NO_OWN_DECISION = "ingen"  # the form's value for LegalBasis.NONE


class PlacementEditForm(forms.Form):
    form = forms.ModelChoiceField(label=_("Placeringsform"), queryset=PlacementForm.objects.all())
    accompanying = forms.BooleanField(
        label=_("Medföljande (följer en förälder till skyddat boende utan eget beslut)"),
        required=False,
    )
    legal_basis = forms.TypedChoiceField(
        label=_("Lagrum"),
        # "No own decision" is stored as "", so the form gives it a value of its own and the
        # empty value is the prompt: nothing is chosen until the case worker chooses.
        choices=[("", _("– Välj lagrum –"))]
        + [(value or NO_OWN_DECISION, label) for value, label in LegalBasis.choices],
        coerce=lambda value: "" if value == NO_OWN_DECISION else value,
        error_messages={"required": _("Välj lagrum, eller ”Inget eget beslut” för ett medföljande barn.")},
        help_text=_(
            "Medföljande barn: inget eget beslut före 1 april 2024, därefter SoL eller beslut om "
            "placering i skyddat boende. LVU 2 § upphör vid 18 år, LVU 3 § vid 21 år."
        ),
    )
    decision_date = forms.DateField(label=_("Beslutsdatum"), required=False, widget=DateInput())
    enforcement_date = forms.DateField(
        label=_("Verkställighetsdatum"),
        required=False,
        widget=DateInput(),
        help_text=_("Dagen beslutet verkställdes; omprövning enligt LVU 3 § räknas härifrån."),
    )
    start_date = forms.DateField(label=_("Startdatum"), widget=DateInput())
    end_date = forms.DateField(
        label=_("Slutdatum"),
        required=False,
        widget=DateInput(),
        help_text=_("Lämna tomt för en pågående placering."),
    )
    district = forms.ModelChoiceField(
        label=_("Ansvarig stadsdelsnämnd"),
        queryset=District.objects.all(),
        help_text=_("Den nämnd som var ansvarig när placeringen började."),
    )
    placing_municipality = forms.ModelChoiceField(
        label=_("Placerande kommun"), queryset=Municipality.objects.all()
    )
    location_municipality = forms.ModelChoiceField(
        label=_("Placeringskommun"),
        queryset=Municipality.objects.all(),
        required=False,
        help_text=_("Kommunen där barnet bor under placeringen. Skyddas som adressen."),
    )
    school_change = forms.BooleanField(label=_("Placeringen innebär skolbyte"), required=False)
    unit_name = forms.CharField(
        label=_("Placeringsställe (familjehem, HVB m.m.)"), max_length=200, required=False
    )
    address = forms.CharField(label=_("Placeringsadress"), max_length=200, required=False)
    exit_destination = forms.ChoiceField(
        label=_("Flyttar till efter placeringen"),
        choices=[("", "–"), *ExitDestination.choices],
        required=False,
        help_text=_("Anges när placeringen avslutas. Hem till vårdnadshavare ger uppföljning av skolgången."),
    )
    school_after = forms.CharField(
        label=_("Skola efter placeringen"),
        max_length=100,
        required=False,
        help_text=_("Skolenhetskod eller skolans namn, till exempel ”Farstaskolan”."),
    )
    protection_reason = forms.CharField(
        label=_("Skäl till att placeringen inte längre räknas som skyddat boende"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Krävs om du ändrar en placering i skyddat boende till en annan placeringsform."),
    )

    def __init__(
        self,
        *args: Any,
        user: Any,
        current_district: District | None = None,
        protected: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if self.initial.get("legal_basis") == LegalBasis.NONE and "start_date" in self.initial:
            self.initial["legal_basis"] = NO_OWN_DECISION  # an existing placement without a decision
        self.fields["placing_municipality"].initial = own_municipality()
        districts = policy.own_districts(user)
        if current_district is not None:
            districts = districts | District.objects.filter(pk=current_district.pk)
        self.fields["district"].queryset = districts  # type: ignore[attr-defined]
        if not protected:
            del self.fields["protection_reason"]

    def to_data(self) -> PlacementData:
        data = self.cleaned_data
        return PlacementData(
            form=data["form"],
            legal_basis=data["legal_basis"],
            decision_date=data["decision_date"],
            enforcement_date=data["enforcement_date"],
            start_date=data["start_date"],
            end_date=data["end_date"],
            district=data["district"],
            placing_municipality=data["placing_municipality"],
            location_municipality=data["location_municipality"],
            accompanying=data["accompanying"],
            school_change=data["school_change"],
            unit_name=data["unit_name"],
            address=data["address"],
            exit_destination=data["exit_destination"],
            school_after=data["school_after"],
        )

    def clean_school_after(self) -> School | None:
        return schools.named(self.cleaned_data["school_after"])


class ProtectionForm(forms.Form):
    protected_identity = forms.ChoiceField(
        label=_("Skyddade personuppgifter"), choices=ProtectedIdentity.choices
    )
    protection_reason = forms.CharField(
        label=_("Skäl"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Krävs om du sänker eller tar bort skyddet. Bara barnets ansvariga socialsekreterare "
            "och enhetschefen kan sänka skyddet; alla som arbetar med barnet kan höja det."
        ),
    )


class SchoolStartForm(forms.Form):
    """The school is found by a search posted with "Sök skola" (no JavaScript): the radio
    buttons offer the matches and the school chosen before; any existing school is valid
    when saved, and the service decides the rest."""

    school_search = forms.CharField(
        label=_("Sök skola"),
        required=False,
        max_length=100,
        help_text=_("Skolans namn, skolenhetskod, ort eller kommun, till exempel ”Farsta”."),
    )
    school = forms.ModelChoiceField(
        label=_("Skola"),
        queryset=School.objects.all(),
        required=False,
        empty_label=None,
        widget=forms.RadioSelect,
        help_text=_("Skolenheten där barnet går."),
    )
    taught_by_larteamet = forms.BooleanField(
        label=_("Undervisning av Lärteamet"),
        required=False,
        help_text=_("I skyddat boende: barnet undervisas av Lärteamet, inte på en skolenhet."),
    )
    first_school_day = forms.DateField(
        label=_("Första skoldag"),
        widget=DateInput(),
        help_text=_("Den första dag barnet faktiskt var i skolan."),
    )
    late_reason = forms.ChoiceField(
        label=_("Orsak till sen skolstart"),
        required=False,
        choices=[("", _("– Skolstarten var i tid –")), *LateSchoolStartReason.choices],
        help_text=_("Om skolstarten kom senare än målet: varför."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        values = self.data or self.initial
        found = schools.search(str(values.get("school_search") or "")[:100])
        pk = _pk(values.get("school"))
        chosen = list(School.objects.filter(pk__in=[pk] if pk else []).select_related("municipality"))
        offered = chosen + [school for school in found.schools if school not in chosen]
        self.fields["school"].widget.choices = [(school.pk, schools.label(school)) for school in offered]
        self.searched = bool(values.get("school_search"))
        self.found = found
        if values.get("search_school"):
            # After "Sök skola" the keyboard continues where the answer is: at the first school
            # found, or back in the search box when none was.
            where = "school" if found.schools else "school_search"
            self.fields[where].widget.attrs["autofocus"] = True


def _pk(value: Any) -> int | None:
    if isinstance(value, School):
        return value.pk
    return int(value) if str(value or "").isdecimal() and len(str(value)) < 10 else None


class CaseloadFilterForm(forms.Form):
    """The caseload's search and filters. The free-text search may be a personnummer, so
    the page posts it and keeps it in the session; the other filters are in the URL."""

    MINE, DISTRICT = "mina", "stadsdel"
    IN_URL = ("scope", "form", "district", "school_start_missing", "over_goal", "unaccompanied")
    SEARCH_MAX = 100
    scope = forms.ChoiceField(
        label=_("Visa"),
        choices=[(MINE, _("Barn jag ansvarar för")), (DISTRICT, _("Alla barn jag får se"))],
        required=False,
    )
    q = forms.CharField(
        label=_("Sök namn eller personnummer"),
        required=False,
        max_length=SEARCH_MAX,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    form = forms.ModelChoiceField(
        label=_("Placeringsform"),
        queryset=PlacementForm.objects.all(),
        required=False,
        empty_label=_("Alla"),
    )
    district = forms.ModelChoiceField(
        label=_("Stadsdelsnämnd"),
        queryset=District.objects.none(),
        required=False,
        empty_label=_("Alla mina"),
    )
    school_start_missing = forms.BooleanField(label=_("Skolstart saknas"), required=False)
    over_goal = forms.BooleanField(label=_("Skolstart senare än målet"), required=False)
    unaccompanied = forms.BooleanField(label=_("Ensamkommande"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = user.districts.all()  # type: ignore[attr-defined]
        if user.role != Role.CASE_WORKER:
            del self.fields["scope"]


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Fil (CSV eller XLSX)"),
        help_text=_("Första raden är rubriker, på svenska eller engelska. CSV från Excel går bra."),
    )
