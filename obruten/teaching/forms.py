from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class WeekInput(forms.TextInput):
    input_type = "week"


class WeekField(forms.CharField):
    """An ISO week as the browser's week input sends it (2025-W07), cleaned to its Monday."""

    widget = WeekInput

    def to_python(self, value: Any) -> dt.date | None:  # type: ignore[override]
        text = (super().to_python(value) or "").strip().upper()
        if not text:
            return None
        try:
            year, week = text.split("-W")
            return dt.date.fromisocalendar(int(year), int(week), 1)
        except ValueError as exc:
            raise forms.ValidationError(_("Ange veckan som år och vecka, till exempel 2025-W07.")) from exc


class TeachingWeekForm(forms.Form):
    week = WeekField(label=_("Vecka"), help_text=_("År och veckonummer, till exempel 2025-W07."))
    hours = forms.DecimalField(
        label=_("Undervisningstimmar den veckan"), max_digits=4, decimal_places=1, min_value=0
    )


class PeriodForm(forms.Form):
    year = forms.IntegerField(label=_("År"), min_value=2000, max_value=2100)
    period = forms.ChoiceField(
        label=_("Period"),
        required=False,
        choices=[("", _("Helår")), ("T1", _("Tertial 1")), ("T2", _("Tertial 2")), ("T3", _("Tertial 3"))],
    )
