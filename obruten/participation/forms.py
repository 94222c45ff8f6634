from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Template

LANGUAGE_NAMES = {"sv": "Svenska", "en": "English", "ar": "العربية (arabiska)", "so": "Soomaali (somaliska)"}


class InvitationForm(forms.Form):
    template = forms.ModelChoiceField(
        label=_("Frågeformulär"), queryset=Template.objects.filter(published=True), empty_label=None
    )
    language = forms.ChoiceField(label=_("Formulärets språk"), choices=list(LANGUAGE_NAMES.items()))
