from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from obruten.accounts.models import Role, User
from obruten.accounts.staff import district_staff
from obruten.register.models import District

from .services import TeamData


class StaffChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.get_full_name() or obj.username} ({obj.get_role_display()})"


class TeamForm(forms.Form):
    """The choices are a convenience: the service refuses staff of another district."""

    name = forms.CharField(label=_("Namn"), max_length=100)
    district = forms.ModelChoiceField(
        label=_("Stadsdelsnämnd"), queryset=District.objects.none(), empty_label=None
    )
    manager = forms.ModelChoiceField(label=_("Enhetschef"), queryset=User.objects.none(), required=False)
    members = StaffChoice(
        label=_("Medlemmar"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        districts = user.districts.all()
        staff = district_staff(districts)
        self.fields["district"].queryset = districts  # type: ignore[attr-defined]
        self.fields["manager"].queryset = staff.filter(role=Role.UNIT_MANAGER)  # type: ignore[attr-defined]
        self.fields["members"].queryset = staff  # type: ignore[attr-defined]

    def to_data(self) -> TeamData:
        data = self.cleaned_data
        return TeamData(data["district"], data["name"], data["manager"], tuple(data["members"]))
