"""Task lists people can work in: whose task it is (own or watched), filters by
responsible, kind, due or overdue, case worker and team, and sorting by column."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from obruten import sorting
from obruten.accounts.models import Role, Team, User
from obruten.accounts.staff import district_staff, teams_for
from obruten.followup.models import Responsible
from obruten.register.models import Child

from .models import Kind
from .selectors import DueItem

NO_CASE_WORKER = "ingen"
OVERDUE, COMING = "forsenad", "kommande"

OWNERS = [
    (Role.CASE_WORKER.value, Role.CASE_WORKER.label),
    (Role.SCHOOL_COORDINATOR.value, Role.SCHOOL_COORDINATOR.label),
    (Role.SKOLFAM.value, Role.SKOLFAM.label),
    (Responsible.SENDING_PRINCIPAL.value, Responsible.SENDING_PRINCIPAL.label),
    (Responsible.RECEIVING_PRINCIPAL.value, Responsible.RECEIVING_PRINCIPAL.label),
    (Responsible.EDUCATION_OFFICE.value, Responsible.EDUCATION_OFFICE.label),
]
KINDS = [
    (Kind.REVIEW, _("Övervägande/omprövning")),
    (Kind.COORDINATOR, _("Skolsamordnarens uppföljning")),
    (Kind.CHAIN, _("Steg i skolkedjan")),
    (Kind.SCHOOL_START, _("Skolstart saknas")),
    (Kind.HEALTH, _("Hälsoundersökning ej begärd")),
    (Kind.CUSTODY, _("Pröva vårdnadsöverflyttning")),
    (Kind.CARE_PLAN, _("Revidera vårdplanen")),
    (Kind.SKOLFAM, _("Skolfams uppföljande test")),
    (Kind.CARE_ENDS, _("Vården enligt LVU 2 § upphör")),
    (Kind.IMMEDIATE_CUSTODY, _("Omedelbart omhändertagande (LVU 6 §)")),
    (Kind.AFTER_LVU, _("Uppföljning efter avslutad LVU-vård")),
    (Kind.AFTER_CARE, _("Uppföljning av skolgång efter hemflytt")),
]
SORT_KEYS = ["datum", "barn", "uppgift", "ansvarig", "socialsekreterare"]
DEFAULT_ORDER = sorting.Order("datum")


def own_and_watched(user: Any, items: Iterable[DueItem]) -> tuple[list[DueItem], list[DueItem]]:
    """The user's own tasks (those their role does) and the steps others own."""
    own: list[DueItem] = []
    watched: list[DueItem] = []
    for item in items:
        (own if item.owner == user.role else watched).append(item)
    return own, watched


def case_worker_names(items: Iterable[DueItem]) -> dict[int | None, str]:
    ids = {item.case_worker_id for item in items if item.case_worker_id}
    return {user.pk: str(user) for user in User.objects.filter(pk__in=ids)}


class TaskFilterForm(forms.Form):
    """Read from the query string; nothing in it names a child. A team or case worker
    outside the user's districts is not a choice: the form is invalid and the list empty."""

    ansvarig = forms.ChoiceField(label=_("Ansvarig"), required=False, choices=[("", _("Alla")), *OWNERS])
    typ = forms.ChoiceField(label=_("Uppgift"), required=False, choices=[("", _("Alla")), *KINDS])
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Alla")), (OVERDUE, _("Försenade")), (COMING, _("De närmaste 30 dagarna"))],
    )
    socialsekreterare = forms.ChoiceField(label=_("Socialsekreterare"), required=False)
    arbetsgrupp = forms.ModelChoiceField(label=_("Arbetsgrupp"), required=False, queryset=Team.objects.none())
    ensamkommande = forms.BooleanField(label=_("Bara ensamkommande barn"), required=False)

    def __init__(self, data: QueryDict, *, user: Any, by_person: bool = True) -> None:
        super().__init__(data)
        if not by_person:  # the case worker's own page: their children only
            del self.fields["socialsekreterare"], self.fields["arbetsgrupp"]
            return
        workers = district_staff(user.districts.all()).filter(role=Role.CASE_WORKER)
        self.fields["socialsekreterare"].choices = [  # type: ignore[attr-defined]
            ("", _("Alla")),
            (NO_CASE_WORKER, _("Ingen ansvarig")),
            *((str(worker.pk), str(worker)) for worker in workers),
        ]
        self.fields["arbetsgrupp"].queryset = teams_for(user)  # type: ignore[attr-defined]
        self.fields["arbetsgrupp"].empty_label = _("Alla")  # type: ignore[attr-defined]

    def apply(self, items: list[DueItem], today: date) -> list[DueItem]:
        """The items that pass the filters; none at all if a filter was not valid."""
        if not self.is_valid():
            return []
        wanted = self.cleaned_data
        if wanted["ansvarig"]:
            items = [i for i in items if i.owner == wanted["ansvarig"]]
        if wanted["typ"]:
            items = [i for i in items if i.kind == wanted["typ"]]
        if wanted["status"]:
            items = [i for i in items if i.is_overdue(today) == (wanted["status"] == OVERDUE)]
        worker = wanted.get("socialsekreterare")
        if worker:
            chosen = None if worker == NO_CASE_WORKER else int(worker)
            items = [i for i in items if i.case_worker_id == chosen]
        if wanted["ensamkommande"]:
            unaccompanied = set(
                Child.objects.filter(pk__in={i.child_id for i in items}, unaccompanied=True).values_list(
                    "pk", flat=True
                )
            )
            items = [i for i in items if i.child_id in unaccompanied]
        team = wanted.get("arbetsgrupp")
        if team is not None:
            members = set(team.members.values_list("pk", flat=True))
            items = [i for i in items if i.case_worker_id in members]
        return items


def sorted_tasks(items: list[DueItem], order: sorting.Order, names: dict[int | None, str]) -> list[DueItem]:
    def key(item: DueItem) -> tuple[Any, ...]:
        column: Any = {
            "datum": item.due,
            "barn": item.child_name.casefold(),
            "uppgift": item.title.casefold(),
            "ansvarig": str(item.responsible).casefold(),
            "socialsekreterare": names.get(item.case_worker_id, "").casefold(),
        }[order.key]
        return (column, item.due, item.child_name)

    return sorted(items, key=key, reverse=order.descending)


def task_headers(query: QueryDict, order: sorting.Order, *, with_case_worker: bool) -> list[sorting.Header]:
    columns = [
        ("datum", str(_("Senast"))),
        ("barn", str(_("Barn"))),
        ("uppgift", str(_("Att göra"))),
        ("ansvarig", str(_("Ansvarig"))),
    ]
    if with_case_worker:
        columns.append(("socialsekreterare", str(_("Socialsekreterare"))))
    return sorting.headers(query, columns, order)


def with_case_worker(items: list[DueItem], names: dict[int | None, str]) -> list[tuple[DueItem, str]]:
    """Each item with its child's responsible case worker, for the table."""
    return [(item, names.get(item.case_worker_id, "")) for item in items]
