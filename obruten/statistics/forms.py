from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from obruten.register.models import District, PlacementForm, Sex

from .definitions import Params


class ReportFilterForm(forms.Form):
    year = forms.IntegerField(label=_("År"), min_value=2000, max_value=2100)
    period = forms.CharField(
        label=_("Period"),
        required=False,
        help_text=_("Tomt för hela året, T1, T2 eller T3 för ett tertial, eller ÅÅÅÅ-MM för en månad."),
    )
    district = forms.ChoiceField(label=_("Stadsdelsnämnd"), required=False)
    form = forms.ChoiceField(label=_("Placeringsform"), required=False)
    sex = forms.ChoiceField(label=_("Kön"), required=False, choices=[("", _("Alla")), *Sex.choices])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year
        self.fields["district"].choices = [("", _("Alla")), *District.objects.values_list("code", "name")]  # type: ignore[attr-defined]
        self.fields["form"].choices = [("", _("Alla")), *PlacementForm.objects.values_list("code", "name")]  # type: ignore[attr-defined]

    def clean_period(self) -> str:
        period: str = self.cleaned_data["period"].strip().upper()
        if period and period not in {"T1", "T2", "T3"}:
            parts = period.split("-")
            if len(parts) != 2 or not all(p.isdigit() for p in parts) or not 1 <= int(parts[1]) <= 12:
                raise forms.ValidationError(_("Skriv T1, T2, T3 eller en månad som 2025-03."))
        return period

    def params(self) -> Params:
        data = self.cleaned_data
        return Params(
            year=data["year"],
            period=data["period"],
            district=data["district"],
            form=data["form"],
            sex=data["sex"],
        )


class MonthForm(forms.Form):
    month = forms.CharField(label=_("Månad"), help_text=_("ÅÅÅÅ-MM, till exempel 2025-03."))

    def clean_month(self) -> tuple[int, int]:
        text = self.cleaned_data["month"].strip()
        parts = text.split("-")
        if len(parts) != 2 or not all(p.isdigit() for p in parts) or not 1 <= int(parts[1]) <= 12:
            raise forms.ValidationError(_("Skriv månaden som ÅÅÅÅ-MM, till exempel 2025-03."))
        return int(parts[0]), int(parts[1])


class MonthlyImportForm(forms.Form):
    file = forms.FileField(
        label=_("Stadsdelsnämndens månadsfil (CSV eller XLSX)"),
        help_text=_("En stadsdelsnämnd och en månad per fil. Se formatet i dokumentationen."),
    )
