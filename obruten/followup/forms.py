from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from obruten.lib import grades as grade_rules
from obruten.lib import upper_secondary
from obruten.register import schools
from obruten.register.forms import DateInput

from .models import (
    GRADE_CHOICES,
    Assessment,
    FollowUpKind,
    InterventionKind,
    SchoolForm,
    UpperSecondaryQualification,
)
from .services import FollowUpData, InterventionData, Result

GRADE_FIELD_CHOICES = [("", "–"), *GRADE_CHOICES]
ASSESSMENT_CHOICES = [("", "–"), *Assessment.choices]
# Grouped as the law groups them: a national programme of either kind, or an introduktionsprogram.
PROGRAMME_CHOICES = [
    ("", "–"),
    *(
        (
            kind_name,
            [(code, name) for code, (name, of) in upper_secondary.PROGRAMMES.items() if of == kind],
        )
        for kind, kind_name in upper_secondary.PROGRAMME_KINDS.items()
    ),
]
CORE = [("SWEDISH", _("Svenska eller svenska som andraspråk")), ("MA", _("Matematik")), ("EN", _("Engelska"))]
OTHER_SUBJECTS = [code for code in grade_rules.SUBJECTS if code not in {"SV", "SVA", "MA", "EN"}]


class FollowUpForm(forms.Form):
    kind = forms.ChoiceField(label=_("Typ av uppföljning"), choices=FollowUpKind.choices)
    date = forms.DateField(label=_("Datum"), widget=DateInput())
    school_form = forms.ChoiceField(
        label=_("Skolform"), choices=[("", "–"), *SchoolForm.choices], required=False
    )
    programme = forms.ChoiceField(
        label=_("Gymnasieprogram"),
        choices=PROGRAMME_CHOICES,
        required=False,
        help_text=_("I gymnasieskolan eller på ett introduktionsprogram."),
    )
    school = forms.CharField(
        label=_("Skolenhet"),
        max_length=100,
        required=False,
        help_text=_("Skolenhetskod eller skolans namn. Visas bara för den som får se barnets vistelseort."),
    )
    swedish_subject = forms.ChoiceField(
        label=_("Barnet läser"),
        choices=[("SV", _("Svenska")), ("SVA", _("Svenska som andraspråk"))],
        initial="SV",
    )
    attendance_percent = forms.DecimalField(
        label=_("Närvaro (%)"), required=False, max_digits=4, decimal_places=1
    )
    unexcused_absence_percent = forms.DecimalField(
        label=_("Ogiltig frånvaro (%)"), required=False, max_digits=4, decimal_places=1
    )
    health_exam_requested = forms.DateField(
        label=_("Hälsoundersökning begärd hos regionen"), required=False, widget=DateInput()
    )
    health_exam_done = forms.DateField(label=_("Hälsoundersökning gjord"), required=False, widget=DateInput())
    dental_exam_latest = forms.DateField(
        label=_("Senaste tandundersökning"), required=False, widget=DateInput()
    )
    plan = forms.CharField(
        label=_("Plan och kommentar"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(
        self, *args: Any, kinds: list[str], previous: dict[str, str], whereabouts: bool = True, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if not whereabouts:  # the school locates a protected child
            del self.fields["school"]
        kind_choices = [(k, label) for k, label in FollowUpKind.choices if k in kinds]
        self.fields["kind"].choices = kind_choices  # type: ignore[attr-defined]
        for key, label in CORE:
            hint = previous.get(key)
            self.fields[f"grade_{key}"] = forms.ChoiceField(
                label=_("%(subject)s: betyg") % {"subject": label},
                choices=GRADE_FIELD_CHOICES,
                required=False,
                help_text=(
                    _(
                        "Förra uppföljningen: %(result)s. Lämna tomt om inget nytt betyg satts, "
                        "så förs det vidare."
                    )
                    % {"result": hint}
                )
                if hint
                else "",
            )
            self.fields[f"assessment_{key}"] = forms.ChoiceField(
                label=_("%(subject)s: bedömning om betyg saknas") % {"subject": label},
                choices=ASSESSMENT_CHOICES,
                required=False,
            )
        for code in OTHER_SUBJECTS:
            self.fields[f"grade_{code}"] = forms.ChoiceField(
                label=grade_rules.SUBJECTS[code].capitalize(), choices=GRADE_FIELD_CHOICES, required=False
            )

    def core_fields(self) -> list[forms.BoundField]:
        return [self[f"{part}_{key}"] for key, _label in CORE for part in ("grade", "assessment")]

    def other_subject_fields(self) -> list[forms.BoundField]:
        return [self[f"grade_{code}"] for code in OTHER_SUBJECTS]

    def general_fields(self) -> list[forms.BoundField]:
        names = ("kind", "date", "school_form", "programme", "school")
        return [self[name] for name in names if name in self.fields]

    def attendance_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("attendance_percent", "unexcused_absence_percent")]

    def health_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("health_exam_requested", "health_exam_done", "dental_exam_latest")]

    def clean_school(self) -> Any:
        return schools.named(self.cleaned_data["school"])

    def to_data(self) -> FollowUpData:
        data = self.cleaned_data
        results = {
            key: Result(data.get(f"grade_{key}", ""), data.get(f"assessment_{key}", "")) for key, _l in CORE
        }
        results |= {
            code: Result(data[f"grade_{code}"]) for code in OTHER_SUBJECTS if data.get(f"grade_{code}")
        }
        return FollowUpData(
            kind=data["kind"],
            date=data["date"],
            school_form=data["school_form"],
            programme=data["programme"],
            school=data.get("school"),
            swedish_subject=data["swedish_subject"],
            results=results,
            attendance_percent=data["attendance_percent"],
            unexcused_absence_percent=data["unexcused_absence_percent"],
            health_exam_requested=data["health_exam_requested"],
            health_exam_done=data["health_exam_done"],
            dental_exam_latest=data["dental_exam_latest"],
            plan=data["plan"],
        )


class FinalGradesForm(forms.Form):
    year = forms.IntegerField(label=_("År betygen sattes"), min_value=2000, max_value=2100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code, name in grade_rules.SUBJECTS.items():
            self.fields[f"grade_{code}"] = forms.ChoiceField(
                label=name.capitalize(), choices=GRADE_FIELD_CHOICES, required=False
            )

    def grade_fields(self) -> list[forms.BoundField]:
        return [self[f"grade_{code}"] for code in grade_rules.SUBJECTS]

    def grades(self) -> dict[str, str]:
        return {
            code: self.cleaned_data[f"grade_{code}"]
            for code in grade_rules.SUBJECTS
            if self.cleaned_data.get(f"grade_{code}")
        }


class UpperSecondaryQualificationForm(forms.Form):
    kind = forms.ChoiceField(label=_("Examen"), choices=UpperSecondaryQualification.Kind.choices)
    date = forms.DateField(label=_("Datum för examen"), widget=DateInput())


class InterventionForm(forms.Form):
    kind = forms.ModelChoiceField(label=_("Insats"), queryset=InterventionKind.objects.all())
    start = forms.DateField(label=_("Start"), widget=DateInput())
    end = forms.DateField(label=_("Slut"), required=False, widget=DateInput())
    baseline_swedish = forms.IntegerField(
        label=_("Kartläggning vid start, svenska (stanine 1–9)"), required=False
    )
    baseline_maths = forms.IntegerField(
        label=_("Kartläggning vid start, matematik (stanine 1–9)"), required=False
    )
    retest_date = forms.DateField(label=_("Uppföljande test, datum"), required=False, widget=DateInput())
    retest_swedish = forms.IntegerField(label=_("Uppföljande test, svenska (stanine 1–9)"), required=False)
    retest_maths = forms.IntegerField(label=_("Uppföljande test, matematik (stanine 1–9)"), required=False)
    note = forms.CharField(label=_("Kommentar"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, only_skolfam: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if only_skolfam:
            self.fields["kind"].queryset = InterventionKind.objects.filter(code="skolfam")  # type: ignore[attr-defined]

    def to_data(self) -> InterventionData:
        return InterventionData(**{name: self.cleaned_data[name] for name in self.fields})
