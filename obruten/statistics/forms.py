from __future__ import annotations

import re
from typing import Any

from django import forms
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from obruten.lib.calendar import MONTHS_OF
from obruten.register.models import District, PlacementForm, Sex

from .definitions import Params

FIRST_YEAR, LAST_YEAR = 2000, 2100
MONTH = re.compile(r"([0-9]{4})-([0-9]{1,2})")


def parse_month(text: str) -> tuple[int, int] | None:
    """(year, month) of ``YYYY-MM`` within the years the reports cover, else None."""
    match = MONTH.fullmatch(text.strip())
    if match is None:
        return None
    year, month = int(match[1]), int(match[2])
    return (year, month) if FIRST_YEAR <= year <= LAST_YEAR and 1 <= month <= 12 else None


class ReportFilterForm(forms.Form):
    year = forms.IntegerField(label=_("År"), min_value=FIRST_YEAR, max_value=LAST_YEAR)
    # A list, not free text: "Tertial 1" typed by hand was an error. Still a text field
    # underneath, so a period in the address that is no choice (a month) gets its reason.
    period = forms.CharField(
        label=_("Period"),
        required=False,
        widget=forms.Select(
            choices=[
                ("", _("Hela året")),
                ("T1", _("Tertial 1 (januari–april)")),
                ("T2", _("Tertial 2 (maj–augusti)")),
                ("T3", _("Tertial 3 (september–december)")),
                ("T2-ACK", _("Januari–augusti (tertialrapport 2)")),
            ]
        ),
    )
    district = forms.ChoiceField(label=_("Stadsdelsnämnd"), required=False)
    form = forms.ChoiceField(label=_("Placeringsform"), required=False)
    sex = forms.ChoiceField(label=_("Kön"), required=False, choices=[("", _("Alla")), *Sex.choices])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year
        self.fields["district"].choices = [("", _("Alla")), *district_choices()]  # type: ignore[attr-defined]
        self.fields["form"].choices = [("", _("Alla")), *PlacementForm.objects.values_list("code", "name")]  # type: ignore[attr-defined]

    def clean_period(self) -> str:
        period: str = self.cleaned_data["period"].strip().upper()
        if period and parse_month(period) is not None:
            raise forms.ValidationError(
                _(
                    "En månad publiceras inte som egen period: den skyddas inte tillsammans med "
                    "årets andra utdrag. Välj hela året, T1, T2, T3 eller T2-ACK."
                )
            )
        if period and period not in MONTHS_OF:
            raise forms.ValidationError(_("Skriv T1, T2 eller T3, eller T2-ACK för januari–augusti."))
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


def district_choices() -> list[tuple[str, str]]:
    """Every district, a dissolved one marked with its last day: earlier years' reports
    are asked for by the districts of their time."""
    return [
        (
            district.code,
            str(district)
            if district.valid_to is None
            else _("%(name)s (till %(last)s)")
            % {"name": district.name, "last": f"{district.valid_to:%Y-%m-%d}"},
        )
        for district in District.objects.order_by(F("valid_to").desc(nulls_first=True), "sort_order", "name")
    ]


class MonthForm(forms.Form):
    month = forms.CharField(label=_("Månad"), help_text=_("ÅÅÅÅ-MM, till exempel 2025-03."))

    def clean_month(self) -> tuple[int, int]:
        month = parse_month(self.cleaned_data["month"])
        if month is None:
            raise forms.ValidationError(_("Skriv månaden som ÅÅÅÅ-MM, till exempel 2025-03."))
        return month


class MonthlyImportForm(forms.Form):
    file = forms.FileField(
        label=_("Stadsdelsnämndens månadsfil (CSV eller XLSX)"),
        help_text=_("En stadsdelsnämnd och en månad per fil. Se formatet i dokumentationen."),
    )


class PackForm(forms.Form):
    year = forms.IntegerField(label=_("År"), min_value=FIRST_YEAR, max_value=LAST_YEAR)
    through = forms.ChoiceField(
        label=_("Till och med"),
        choices=[
            ("T1", _("Tertial 1 (januari–april)")),
            ("T2", _("Tertial 2 (januari–augusti)")),
            ("T3", _("Helår (tertial 3)")),
        ],
    )


def latest_tertial() -> dict[str, object]:
    """The year and tertial of the newest pack that can be whole: the last tertial ended."""
    today = timezone.localdate()
    if today.month <= 4:
        return {"year": today.year - 1, "through": "T3"}
    return {"year": today.year, "through": "T1" if today.month <= 8 else "T2"}
