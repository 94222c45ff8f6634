"""Lists people can work in: the caseload's and the breach list's sortable columns, the
breach list's filters (district, team, responsible case worker, placement form) and its
XLSX export. Nothing here shows where a child is: no school, no address, no unit."""

from __future__ import annotations

import io
from typing import Any

from django import forms
from django.db.models import F, QuerySet
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from obruten import sorting, spreadsheets
from obruten.accounts.models import Role, Team
from obruten.accounts.staff import district_staff, teams_for

from .models import District, Placement, PlacementForm

NO_CASE_WORKER = "ingen"
BREACH_ORDERS = {
    "barn": ("child__last_name", "child__first_name"),
    "stadsdel": ("district__sort_order", "district__name"),
    "form": ("form__sort_order", "form__name"),
    "placerad": ("start_date",),
    "dagar": ("days",),
    "ansvarig": ("child__case_worker__last_name", "child__case_worker__first_name"),
}
BREACH_DEFAULT = sorting.Order("stadsdel")
TEAM = "arbetsgrupp"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class BreachFilterForm(forms.Form):
    """From the query string. A district, team or case worker outside the user's
    districts is not a choice: the form is invalid and the list empty."""

    stadsdel = forms.ModelChoiceField(
        label=gettext_lazy("Stadsdelsnämnd"), queryset=District.objects.none(), required=False
    )
    arbetsgrupp = forms.ModelChoiceField(
        label=gettext_lazy("Arbetsgrupp"), queryset=Team.objects.none(), required=False
    )
    ansvarig = forms.ChoiceField(label=gettext_lazy("Ansvarig socialsekreterare"), required=False)
    form = forms.ModelChoiceField(
        label=gettext_lazy("Placeringsform"), queryset=PlacementForm.objects.all(), required=False
    )

    def __init__(self, data: QueryDict, *, user: Any) -> None:
        super().__init__(data)
        everyone = gettext_lazy("Alla")
        self.fields["stadsdel"].queryset = user.districts.all()  # type: ignore[attr-defined]
        self.fields["arbetsgrupp"].queryset = teams_for(user)  # type: ignore[attr-defined]
        workers = district_staff(user.districts.all()).filter(role=Role.CASE_WORKER)
        self.fields["ansvarig"].choices = [  # type: ignore[attr-defined]
            ("", everyone),
            (NO_CASE_WORKER, gettext_lazy("Ingen ansvarig")),
            *((str(worker.pk), str(worker)) for worker in workers),
        ]
        for name in ("stadsdel", "arbetsgrupp", "form"):
            self.fields[name].empty_label = everyone  # type: ignore[attr-defined]

    def apply(self, placements: QuerySet[Placement]) -> QuerySet[Placement]:
        if not self.is_valid():
            return placements.none()
        wanted = self.cleaned_data
        if wanted["stadsdel"]:
            placements = placements.filter(district=wanted["stadsdel"])
        if wanted["arbetsgrupp"]:
            placements = placements.filter(child__case_worker__in=wanted["arbetsgrupp"].members.all())
        if wanted["ansvarig"] == NO_CASE_WORKER:
            placements = placements.filter(child__case_worker__isnull=True)
        elif wanted["ansvarig"]:
            placements = placements.filter(child__case_worker_id=int(wanted["ansvarig"]))
        if wanted["form"]:
            placements = placements.filter(form=wanted["form"])
        return placements

    def audited(self) -> dict[str, str]:
        """The filters for the audit log (none of them names a child)."""
        return {name: str(value) for name, value in self.data.items() if name in self.fields and value}


def _fields(names: tuple[str, ...], order: sorting.Order) -> list[Any]:
    """Empty values (no school start yet, no one responsible) last either way."""
    return [
        F(name).desc(nulls_last=True) if order.descending else F(name).asc(nulls_last=True) for name in names
    ]


def order_breaches(placements: QuerySet[Placement], order: sorting.Order) -> QuerySet[Placement]:
    fields = _fields(BREACH_ORDERS[order.key], order)
    return placements.select_related("child__case_worker").order_by(*fields, "start_date", "pk")


def breach_headers(query: QueryDict, order: sorting.Order) -> list[sorting.Header]:
    return sorting.headers(
        query,
        [
            ("barn", _("Barn")),
            ("stadsdel", _("Stadsdelsnämnd")),
            ("form", _("Placeringsform")),
            ("placerad", _("Placerad")),
            ("dagar", _("Dagar till skolstart")),
            ("ansvarig", _("Ansvarig")),
        ],
        order,
    )


def breaches_xlsx(placements: list[Placement]) -> bytes:
    """The list as a workbook: the same columns as on screen, nothing about whereabouts."""
    buffer = io.BytesIO()
    # Text typed by people stays text: a name starting with "=" is not a formula.
    workbook = spreadsheets.workbook(buffer)
    sheet = workbook.add_worksheet(_("Skolstart"))
    bold = workbook.add_format({"bold": True})
    titles = [
        _("Barn"),
        _("Stadsdelsnämnd"),
        _("Placeringsform"),
        _("Placerad"),
        _("Dagar till skolstart"),
        _("Ansvarig"),
    ]
    sheet.write_row(0, 0, titles, bold)
    for row, placement in enumerate(placements, start=1):
        worker = placement.child.case_worker
        days: Any = getattr(placement, "days", None)  # annotated by the selector
        if days is None:
            days = _("Ingen skolstart")
        sheet.write_row(
            row,
            0,
            [
                f"{placement.child.last_name}, {placement.child.first_name}",
                placement.district.name,
                placement.form.name,
                placement.start_date.isoformat(),
                days,
                str(worker) if worker else "",
            ],
        )
    sheet.set_column(0, len(titles) - 1, 22)
    workbook.close()
    return buffer.getvalue()


CASELOAD_ORDERS = {
    "namn": ("last_name", "first_name"),
    "stadsdel": ("district__sort_order", "district__name"),
    "form": ("placement_form",),
    "placerad": ("placement_start",),
    "dagar": ("days_to_school_start",),
    "ansvarig": ("case_worker__last_name", "case_worker__first_name"),
}
CASELOAD_DEFAULT = sorting.Order("namn")


def order_caseload(children: QuerySet[Any], order: sorting.Order) -> QuerySet[Any]:
    fields = _fields(CASELOAD_ORDERS[order.key], order)
    return children.select_related("case_worker").order_by(*fields, "last_name", "first_name", "pk")


def caseload_headers(query: QueryDict, order: sorting.Order) -> list[sorting.Header]:
    return sorting.headers(
        query,
        [
            ("namn", _("Namn")),
            ("", _("Personnummer")),
            ("stadsdel", _("Stadsdelsnämnd")),
            ("ansvarig", _("Ansvarig socialsekreterare")),
            ("form", _("Placeringsform")),
            ("placerad", _("Placerad")),
            ("dagar", _("Dagar till skolstart")),
        ],
        order,
    )


class TeamFilterForm(forms.Form):
    """The caseload's team filter: the children of the team's members. A team of another
    district is not a choice: the form is invalid and the list empty."""

    arbetsgrupp = forms.ModelChoiceField(
        label=gettext_lazy("Arbetsgrupp"), queryset=Team.objects.none(), required=False
    )

    def __init__(self, data: QueryDict, *, user: Any) -> None:
        super().__init__(data)
        self.fields["arbetsgrupp"].queryset = teams_for(user)  # type: ignore[attr-defined]
        self.fields["arbetsgrupp"].empty_label = gettext_lazy("Alla")  # type: ignore[attr-defined]

    def apply(self, children: QuerySet[Any]) -> QuerySet[Any]:
        if not self.is_valid():
            return children.none()
        team = self.cleaned_data["arbetsgrupp"]
        return children.filter(case_worker__in=team.members.all()) if team else children

    def audited(self) -> dict[str, str]:
        return {TEAM: self.data[TEAM]} if self.data.get(TEAM) else {}
