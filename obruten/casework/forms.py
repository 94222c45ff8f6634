from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from obruten.accounts.models import Role, User
from obruten.register.models import Child, District


def case_workers(districts: Any) -> QuerySet[User]:
    """The choices offered: active case workers of the districts (the service decides)."""
    return (
        User.objects.filter(role=Role.CASE_WORKER, is_active=True, districts__in=districts)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


class DateInput(forms.DateInput):
    input_type = "date"


def _offer(form: forms.Form, names: tuple[str, ...], districts: Any, empty: Any = "---------") -> None:
    """Offer the districts' case workers. Any case worker may be posted: the service,
    not the list, refuses one outside the district."""
    choices = [("", empty)] + [(user.pk, str(user)) for user in case_workers(districts)]
    for name in names:
        form.fields[name].widget.choices = choices


def _any_case_worker(label: Any, required: bool = True) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=label, queryset=User.objects.filter(role=Role.CASE_WORKER), required=required
    )


class AssignForm(forms.Form):
    case_worker = _any_case_worker(_("Ansvarig socialsekreterare"))
    start = forms.DateField(label=_("Från och med"), widget=DateInput, initial=timezone.localdate)

    def __init__(self, *args: Any, districts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _offer(self, ("case_worker",), districts)


class HandoverForm(forms.Form):
    from_worker = _any_case_worker(_("Från socialsekreterare"))
    to_worker = _any_case_worker(_("Till socialsekreterare"))
    start = forms.DateField(label=_("Från och med"), widget=DateInput, initial=timezone.localdate)
    # Set by the preview's button: the hand-over is made only once its children were shown.
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, districts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Each case worker with the size of her caseload in these districts, to choose by.
        sizes = dict(
            Child.objects.filter(district__in=districts, case_worker__isnull=False)
            .values_list("case_worker")
            .annotate(n=Count("pk"))
        )
        choices = [("", "---------")] + [
            (user.pk, _("%(name)s (%(n)s barn)") % {"name": user, "n": sizes.get(user.pk, 0)})
            for user in case_workers(districts)
        ]
        for name in ("from_worker", "to_worker"):
            self.fields[name].widget.choices = choices


class TransferForm(forms.Form):
    to_district = forms.ModelChoiceField(
        label=_("Mottagande stadsdelsnämnd"), queryset=District.objects.all()
    )
    effective_date = forms.DateField(label=_("Gäller från"), widget=DateInput, initial=timezone.localdate)
    note = forms.CharField(
        label=_("Meddelande till mottagande nämnd"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, destinations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_district"].queryset = destinations  # type: ignore[attr-defined]


class AcceptForm(forms.Form):
    case_worker = _any_case_worker(_("Ansvarig socialsekreterare"), required=False)

    def __init__(self, *args: Any, districts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _offer(self, ("case_worker",), districts, empty=_("Utse senare"))


class RefuseForm(forms.Form):
    reason = forms.CharField(label=_("Skäl"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
