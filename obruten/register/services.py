"""State changes of the register. Each function validates, writes and audits in one
transaction; views, the import and commands call these and never save a record
themselves."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms.models import model_to_dict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from obruten import municipal
from obruten.accounts import policy
from obruten.accounts.models import Role
from obruten.audit import log as audit
from obruten.lib import personnummer, placement_law
from obruten.lib import school_start as school_start_rule

from . import signals
from .models import (
    Child,
    District,
    ExitDestination,
    LateSchoolStartReason,
    LegalBasis,
    Municipality,
    Placement,
    PlacementForm,
    ProtectedIdentity,
    School,
    SchoolStart,
    Sex,
)

CHILD_FIELDS = (
    "personal_number",
    "first_name",
    "last_name",
    "sex",
    "home_municipality",
    "unaccompanied",
    "protected_identity",
    "address",
    "district",
    "case_worker",
)
PLACEMENT_FIELDS = (
    "form",
    "accompanying",
    "legal_basis",
    "decision_date",
    "enforcement_date",
    "start_date",
    "end_date",
    "district",
    "placing_municipality",
    "location_municipality",
    "school_change",
    "unit_name",
    "address",
    "exit_destination",
    "school_after",
)


@dataclass
class ChildData:
    personal_number: str
    first_name: str
    last_name: str
    sex: str
    home_municipality: Municipality
    district: District
    unaccompanied: bool = False
    protected_identity: str = ProtectedIdentity.NONE
    address: str = ""
    case_worker: Any = None


@dataclass
class PlacementData:
    form: PlacementForm
    legal_basis: str
    start_date: date
    district: District
    placing_municipality: Municipality
    end_date: date | None = None
    accompanying: bool = False
    decision_date: date | None = None
    enforcement_date: date | None = None
    school_change: bool = False
    unit_name: str = ""
    address: str = ""
    location_municipality: Municipality | None = None
    exit_destination: str = ""
    school_after: School | None = None


PERSONAL_NUMBER_ERRORS = {
    "format": gettext_lazy("Ange personnumret med 10 eller 12 siffror, till exempel ÅÅÅÅMMDD-NNNN."),
    "plus_with_century": gettext_lazy("Plustecken används bara med 10 siffror (ÅÅMMDD+NNNN)."),
    "no_such_date": gettext_lazy("Födelsedatumet i personnumret finns inte."),
    "future": gettext_lazy("Födelsedatumet i personnumret ligger i framtiden."),
    "check_digit": gettext_lazy("Kontrollsiffran stämmer inte. Kontrollera personnumret."),
}


def parse_personal_number(text: str) -> personnummer.PersonalNumber:
    """The number, or a ValidationError on the field that says what is wrong."""
    try:
        return personnummer.parse(text, today=timezone.localdate())
    except personnummer.InvalidPersonalNumber as exc:
        raise ValidationError({"personal_number": PERSONAL_NUMBER_ERRORS[exc.code]}) from exc


def _validate_child(data: ChildData, *, existing: Child | None) -> dict[str, Any]:
    number = parse_personal_number(data.personal_number)
    digits = number.digits
    errors: dict[str, str] = {}
    duplicate = Child.objects.filter(personal_number=digits)
    if existing is not None:
        duplicate = duplicate.exclude(pk=existing.pk)
    if duplicate.exists():
        errors["personal_number"] = _(
            "Ett barn med detta personnummer finns redan i registret. "
            "Kontakta administratören om du behöver tillgång till det."
        )
    if data.sex not in Sex.values:
        errors["sex"] = _("Ange kön: F (flicka) eller M (pojke).")
    if data.protected_identity not in ProtectedIdentity.values:
        errors["protected_identity"] = _("Välj en nivå av skyddade personuppgifter i listan.")
    if not data.first_name.strip():
        errors["first_name"] = _("Ange förnamn.")
    if not data.last_name.strip():
        errors["last_name"] = _("Ange efternamn.")
    if errors:
        raise ValidationError(errors)
    values = {name: getattr(data, name) for name in CHILD_FIELDS}
    values["personal_number"] = digits
    values["first_name"] = data.first_name.strip()
    values["last_name"] = data.last_name.strip()
    values["birth_date"] = number.birth_date
    return values


@transaction.atomic
def register_child(*, actor: Any, data: ChildData, via: str) -> Child:
    policy.require(actor, policy.may_change_child(actor))
    values = _validate_child(data, existing=None)
    policy.require_district(actor, data.district)
    # Someone else's caseload (and with it the child's whereabouts) is the enhetschef's to give.
    policy.require(actor, values["case_worker"] in (None, actor))
    if values["case_worker"] is None and actor is not None and actor.role == Role.CASE_WORKER:
        values["case_worker"] = actor
    child = Child.objects.create(**values)
    audit.record(
        actor=actor,
        action=audit.Action.CREATE,
        via=via,
        child=child,
        obj=child,
        changes=audit.changes_between({}, _snapshot(child, CHILD_FIELDS)),
    )
    return child


@transaction.atomic
def update_child(*, actor: Any, child: Child, data: ChildData, via: str, reason: str = "") -> Child:
    """Change a child's record. ``reason`` is required when protection is lowered."""
    policy.require_child(actor, child, policy.may_change_child(actor, child))
    before = _snapshot(child, CHILD_FIELDS)
    values = _validate_child(data, existing=child)
    if data.case_worker is None:  # the form does not reassign the case worker
        values["case_worker"] = child.case_worker
    elif data.case_worker != child.case_worker:
        policy.require(actor, actor is not None and actor.role == Role.UNIT_MANAGER)
    if values["district"] != child.district:
        policy.require_district(actor, data.district)
    if values["address"] != child.address:
        policy.require_child(actor, child, whereabouts=True)
    lowers = policy.lowers_protection(child.protected_identity, values["protected_identity"])
    policy.require_protection_change(actor, child, lowers=lowers, reason=reason, field="protected_identity")
    for name, value in values.items():
        setattr(child, name, value)
    child.save()
    changes = audit.changes_between(before, _snapshot(child, CHILD_FIELDS))
    if changes:
        audit.record(
            actor=actor,
            action=audit.Action.UPDATE,
            via=via,
            child=child,
            obj=child,
            changes=changes,
            reason=reason.strip() if lowers else "",
        )
    return child


@transaction.atomic
def change_protection(*, actor: Any, child: Child, level: str, reason: str, via: str) -> Child:
    """Set the child's protected-identity level: raised by anyone with the child in
    scope, lowered only by the responsible case worker or the enhetschef, with a reason."""
    policy.require_child(actor, child)
    if level not in ProtectedIdentity.values:
        raise ValidationError({"protected_identity": _("Välj en nivå av skyddade personuppgifter i listan.")})
    lowers = policy.lowers_protection(child.protected_identity, level)
    policy.require_protection_change(actor, child, lowers=lowers, reason=reason, field="protected_identity")
    before = child.protected_identity
    if level == before:
        return child
    child.protected_identity = level
    child.save(update_fields=["protected_identity"])
    audit.record(
        actor=actor,
        action=audit.Action.UPDATE,
        via=via,
        child=child,
        obj=child,
        changes={"protected_identity": [before, level]},
        reason=reason.strip(),
    )
    return child


EARLIEST_DATE = date(1990, 1, 1)


def registrable_date(day: date, today: date) -> bool:
    """A date the register can hold and compute due dates from: 1990 to a year ahead."""
    return EARLIEST_DATE <= day <= today + timedelta(days=366)


def _validate_placement(child: Child, data: PlacementData, *, existing: Placement | None) -> None:
    errors: dict[str, str] = {}
    today = timezone.localdate()
    for name in ("start_date", "end_date", "decision_date", "enforcement_date"):
        day = getattr(data, name)
        if day is not None and not registrable_date(day, today):
            errors[name] = _("Ange ett datum från 1990-01-01 och högst ett år fram i tiden.")
    if data.legal_basis not in LegalBasis.values:
        errors["legal_basis"] = _("Välj lagrum i listan.")
    if data.end_date is not None and data.end_date < data.start_date:
        errors["end_date"] = _("Slutdatum kan inte vara före startdatum.")
    if data.decision_date and data.enforcement_date and data.enforcement_date < data.decision_date:
        errors["enforcement_date"] = _("Verkställighetsdatum kan inte vara före beslutsdatum.")
    if data.exit_destination not in ("", *ExitDestination.values):
        errors["exit_destination"] = _("Välj vart barnet flyttar i listan.")
    elif data.end_date is None and (data.exit_destination or data.school_after):
        field = "exit_destination" if data.exit_destination else "school_after"
        errors[field] = _(
            "Ange slutdatum: vart barnet flyttar och skolan efteråt registreras när placeringen upphör."
        )
    if not errors:
        errors.update(_law_errors(child, data))
    if not data.district.is_valid_on(data.start_date):
        errors["district"] = _(
            "%(district)s var inte ansvarig nämnd på startdatumet %(date)s. Välj den nämnd som gällde då."
        ) % {"district": data.district.name, "date": f"{data.start_date:%Y-%m-%d}"}
    if errors:
        raise ValidationError(errors)
    overlapping = _overlapping(child, data.start_date, data.end_date, existing)
    if overlapping is not None:
        end = f"{overlapping.end_date:%Y-%m-%d}" if overlapping.end_date else _("pågående")
        message = _(
            "Placeringen överlappar barnets placering %(start)s–%(end)s. Ett barn kan bara ha en "
            "placering åt gången: avsluta den andra placeringen först eller ändra datumen."
        ) % {"start": f"{overlapping.start_date:%Y-%m-%d}", "end": end}
        raise ValidationError({"start_date": message})


STATUS_ERRORS = {
    "accompanying_no_decision": gettext_lazy(
        "Före 1 april 2024 fattades inget eget beslut för medföljande barn: "
        "välj ”Inget eget beslut (medföljande)”."
    ),
    "accompanying_own_decision": gettext_lazy(
        "Sedan 1 april 2024 har ett medföljande barn ett eget beslut: välj SoL eller beslut om placering "
        "i skyddat boende (lag 2024:79)."
    ),
    "not_accompanying": gettext_lazy(
        "Det lagrummet gäller bara barn som följer med en förälder till skyddat boende (medföljande)."
    ),
}
AGE_ERRORS = {
    "lvu2_adult": ("legal_basis", gettext_lazy("Vård enligt LVU 2 § beslutas bara för barn under 18 år.")),
    "lvu2_after_18": (
        "end_date",
        gettext_lazy("Vård enligt LVU 2 § upphör senast när barnet fyller 18 år (LVU 21 §), den %(date)s."),
    ),
    "lvu3_over_20": (
        "legal_basis",
        gettext_lazy(
            "Vård enligt LVU 3 § och omedelbart omhändertagande beslutas bara för unga under 20 år."
        ),
    ),
    "lvu3_after_21": (
        "end_date",
        gettext_lazy("Vård enligt LVU 3 § upphör senast när den unge fyller 21 år (LVU 21 §), den %(date)s."),
    ),
}
STODBOENDE_ERRORS = {
    "under_16": gettext_lazy("Stödboende är för unga 16–20 år: barnet fyller 16 år den %(date)s."),
    "over_20": gettext_lazy(
        "Stödboende är för unga 16–20 år: placeringen kan inte pågå från 21-årsdagen %(date)s."
    ),
}
STODBOENDE_FORM_CODE = "stodboende"


def _law_errors(child: Child, data: PlacementData) -> dict[str, str]:
    """The placement against the law by age and status (obruten.lib.placement_law)."""
    errors: dict[str, str] = {}
    birth = child.birth_date
    status = placement_law.legal_basis_status_error(data.legal_basis, data.start_date, data.accompanying)
    if status is not None:
        errors["legal_basis"] = str(STATUS_ERRORS[status])
    age = placement_law.legal_basis_age_error(data.legal_basis, birth, data.start_date, data.end_date)
    if age is not None and not errors:
        field, message = AGE_ERRORS[age]
        ends = placement_law.care_ends(data.legal_basis, birth)
        errors[field] = str(message) % {"date": f"{ends:%Y-%m-%d}" if ends else ""}
    if data.form.code == STODBOENDE_FORM_CODE:
        young = placement_law.stodboende_age_error(birth, data.start_date, data.end_date)
        if young is not None:
            years = 16 if young == "under_16" else 21
            day = placement_law.birthday(birth, years)
            errors["form"] = str(STODBOENDE_ERRORS[young]) % {"date": f"{day:%Y-%m-%d}"}
    return errors


def _overlapping(child: Child, start: date, end: date | None, existing: Placement | None) -> Placement | None:
    others = Placement.objects.filter(child=child).exclude(end_date__lt=start)
    if end is not None:
        others = others.filter(start_date__lte=end)
    if existing is not None:
        others = others.exclude(pk=existing.pk)
    return others.order_by("start_date").first()


def _follow_newest_placement(child: Child) -> None:
    """The child's responsible district is that of its newest placement."""
    newest = child.placements.order_by("-start_date").first()
    if newest is not None and newest.district_id != child.district_id:
        child.district_id = newest.district_id
        child.save(update_fields=["district"])


def _authorize_placement(actor: Any, child: Child, data: PlacementData, existing: Placement | None) -> None:
    """The placement as it is and as it will be: the child in scope with its whereabouts
    visible to the actor, the district one of the actor's own, and protected housing
    ended only as protection may be lowered."""
    policy.require_child(actor, child, policy.may_change_child(actor, child), whereabouts=True)
    if existing is None or data.district != existing.district:
        policy.require_district(actor, data.district)


@transaction.atomic
def register_placement(*, actor: Any, child: Child, data: PlacementData, via: str) -> Placement:
    _authorize_placement(actor, child, data, None)
    _validate_placement(child, data, existing=None)
    placement = Placement.objects.create(
        child=child, **{name: getattr(data, name) for name in PLACEMENT_FIELDS}
    )
    _follow_newest_placement(child)
    audit.record(
        actor=actor,
        action=audit.Action.CREATE,
        via=via,
        child=child,
        obj=placement,
        changes=audit.changes_between({}, _snapshot(placement, PLACEMENT_FIELDS)),
    )
    return placement


@transaction.atomic
def update_placement(
    *, actor: Any, placement: Placement, data: PlacementData, via: str, reason: str = ""
) -> Placement:
    """Change a placement. ``reason`` is required when it stops being protected housing."""
    _authorize_placement(actor, placement.child, data, placement)
    ends_protection = placement.is_protected_housing and not (
        data.accompanying or data.form.is_protected_housing
    )
    policy.require_protection_change(
        actor, placement.child, lowers=ends_protection, reason=reason, field="form"
    )
    before = _snapshot(placement, PLACEMENT_FIELDS)
    _validate_placement(placement.child, data, existing=placement)
    if hasattr(placement, "school_start") and data.start_date > placement.school_start.first_school_day:
        raise ValidationError(
            {"start_date": _("Startdatum kan inte vara efter den registrerade första skoldagen.")}
        )
    for name in PLACEMENT_FIELDS:
        setattr(placement, name, getattr(data, name))
    placement.save()
    school_start = SchoolStart.objects.filter(placement=placement).first()
    if school_start is not None:
        school_start.days_to_school_start = (school_start.first_school_day - placement.start_date).days
        school_start.save(update_fields=["days_to_school_start"])
    _follow_newest_placement(placement.child)
    changes = audit.changes_between(before, _snapshot(placement, PLACEMENT_FIELDS))
    if changes:
        audit.record(
            actor=actor,
            action=audit.Action.UPDATE,
            via=via,
            child=placement.child,
            obj=placement,
            changes=changes,
            reason=reason.strip() if ends_protection else "",
        )
    return placement


@transaction.atomic
def record_school_start(
    *,
    actor: Any,
    placement: Placement,
    school: School | None,
    first_school_day: date,
    via: str,
    taught_by_larteamet: bool = False,
    late_reason: str = "",
) -> SchoolStart:
    """Records (or corrects) the first school day. A start later than the municipality's
    goal names why (lib/school_start.py); an on-time start keeps no reason."""
    policy.require_child(actor, placement.child, policy.may_record_school_start(actor), whereabouts=True)
    signals.school_start_checking.send(
        sender=SchoolStart,
        actor=actor,
        placement=placement,
        school=school,
        taught_by_larteamet=taught_by_larteamet,
    )
    if first_school_day < placement.start_date:
        message = _("Första skoldag kan inte vara före placeringens startdatum %(date)s.") % {
            "date": f"{placement.start_date:%Y-%m-%d}"
        }
        raise ValidationError({"first_school_day": message})
    if first_school_day > timezone.localdate():
        message = _(
            "Första skoldag kan inte ligga i framtiden. Registrera skolstarten när barnet har börjat."
        )
        raise ValidationError({"first_school_day": message})
    days = (first_school_day - placement.start_date).days
    goal = municipal.school_start_goal_on(placement.start_date)
    problem = school_start_rule.late_reason_problem(days, goal, late_reason)
    if problem is not None:
        raise ValidationError({"late_reason": late_reason_message(problem, days, goal)})
    existing = SchoolStart.objects.filter(placement=placement).first()
    fields = ("school", "taught_by_larteamet", "first_school_day", "late_reason")
    before = _snapshot(existing, fields) if existing else {}
    school_start, _created = SchoolStart.objects.update_or_create(
        placement=placement,
        defaults={
            "school": school,
            "taught_by_larteamet": taught_by_larteamet,
            "first_school_day": first_school_day,
            "days_to_school_start": days,
            "late_reason": late_reason if school_start_rule.is_late(days, goal) else "",
        },
    )
    changes = audit.changes_between(before, _snapshot(school_start, fields))
    if changes:
        audit.record(
            actor=actor,
            action=audit.Action.UPDATE if existing else audit.Action.CREATE,
            via=via,
            child=placement.child,
            obj=school_start,
            changes=changes,
        )
    signals.school_start_recorded.send(
        sender=SchoolStart, actor=actor, placement=placement, day=first_school_day, via=via
    )
    return school_start


def late_reason_message(problem: str, days: int, goal: int) -> str:
    """The plain error for a late reason that cannot be stored, for the form and the API
    (the import names its rule, R32 or R33, with the row and column)."""
    if problem == "unknown":
        choices = ", ".join(str(label) for label in LateSchoolStartReason.labels)
        return _("Okänd orsak till sen skolstart. Välj en av: %(choices)s.") % {"choices": choices}
    return _(
        "Skolstarten kom %(days)d dagar efter placeringen, senare än målet %(goal)d dagar: ange orsaken."
    ) % {"days": days, "goal": goal}


def _snapshot(instance: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    data = model_to_dict(instance, fields=fields)
    return {name: data.get(name) for name in fields}
