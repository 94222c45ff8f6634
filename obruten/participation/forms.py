from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from obruten.lib.placement_law import age_on
from obruten.register.models import Child

from .models import Template

LANGUAGE_NAMES = {"sv": _("svenska"), "en": _("engelska"), "ar": _("arabiska"), "so": _("somaliska")}


def age_range(template: Template) -> tuple[int, int]:
    low, _dash, high = template.age_band.partition("-")
    return int(low), int(high or low)


def newest_templates() -> list[Template]:
    """The newest published version of each questionnaire, youngest children first: a
    new link always asks the newest version."""
    newest: dict[str, Template] = {}
    for template in Template.objects.filter(published=True).order_by("code", "-version"):
        newest.setdefault(template.code, template)
    return sorted(newest.values(), key=age_range)


def fitting_template(templates: list[Template], child: Child) -> Template | None:
    """The questionnaire for the child's age; below or above every band, the nearest."""
    if not templates:
        return None
    age = age_on(child.birth_date, timezone.localdate())
    return min(templates, key=lambda t: max(age_range(t)[0] - age, age - age_range(t)[1], 0))


class InvitationForm(forms.Form):
    """One choice of questionnaire and language together, so that a questionnaire is only
    ever offered in the languages it has, without JavaScript."""

    questionnaire = forms.ChoiceField(label=_("Frågeformulär och språk"))

    def __init__(self, *args: Any, child: Child, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        templates = newest_templates()
        self.options = {
            f"{template.pk}:{language}": (template, language)
            for template in templates
            for language in template.languages
        }
        field = self.fields["questionnaire"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            (key, f"{template.name} – {LANGUAGE_NAMES.get(language, language)}")
            for key, (template, language) in self.options.items()
        ]
        fitting = fitting_template(templates, child)
        if fitting is not None:
            field.initial = f"{fitting.pk}:{'sv' if 'sv' in fitting.languages else fitting.languages[0]}"

    def clean_questionnaire(self) -> tuple[Template, str]:
        return self.options[self.cleaned_data["questionnaire"]]


class AcknowledgeForm(forms.Form):
    note = forms.CharField(
        label=_("Vad har du gjort?"),
        help_text=_("Till exempel: ringde barnet och familjehemmet, barnet är tryggt, möte bokat."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        error_messages={"required": _("Skriv vad du har gjort.")},
    )
