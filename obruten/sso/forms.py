from django import forms
from django.utils.translation import gettext_lazy as _


class CodeForm(forms.Form):
    code = forms.RegexField(
        label=_("Kod från din app"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("Koden är sex siffror.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
