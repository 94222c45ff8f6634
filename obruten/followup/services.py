"""State changes of follow-ups: each validates, writes and audits in one transaction."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from obruten.accounts import policy
from obruten.audit import log as audit
from obruten.lib import grades as grade_rules
from obruten.lib import placement_law, upper_secondary
from obruten.register.models import Child, Placement, School

from .models import (
    ChainStep,
    ChainStepRecord,
    FinalGrades,
    FollowUp,
    FollowUpKind,
    Intervention,
    InterventionKind,
    SubjectResult,
    UpperSecondaryQualification,
)

CORE_SUBJECTS = ("SWEDISH", "MA", "EN")  # SWEDISH is SV or SVA, as the child reads


@dataclass
class Result:
    grade: str = ""
    assessment: str = ""


@dataclass
class FollowUpData:
    kind: str
    date: dt.date
    school_form: str = ""
    swedish_subject: str = "SV"
    results: dict[str, Result] = field(default_factory=dict)  # SWEDISH, MA, EN, BI, ...
    attendance_percent: Decimal | None = None
    unexcused_absence_percent: Decimal | None = None
    health_exam_requested: dt.date | None = None
    health_exam_done: dt.date | None = None
    dental_exam_latest: dt.date | None = None
    plan: str = ""
    programme: str = ""  # Skolverket's code, in gymnasieskolan or an introduktionsprogram
    school: School | None = None


PROGRAMME_ERRORS = {
    "unknown": gettext_lazy("Välj gymnasieprogram i listan."),
    "national_as_introduction": gettext_lazy(
        "Skolformen är introduktionsprogram: välj ett av introduktionsprogrammen eller skolformen "
        "gymnasieskola."
    ),
    "introduction_as_national": gettext_lazy(
        "Ett introduktionsprogram: välj skolformen introduktionsprogram, eller ett nationellt program."
    ),
    "not_upper_secondary": gettext_lazy(
        "Gymnasieprogram anges bara för skolformen gymnasieskola eller introduktionsprogram."
    ),
}
# The kinds that record results: the reviews, the coordinator's and the schooling after care.
RESULT_KINDS = {FollowUpKind.REVIEW, FollowUpKind.COORDINATOR, FollowUpKind.AFTER_CARE}


def _validate_follow_up(child: Child, data: FollowUpData) -> None:
    today = timezone.localdate()
    errors: dict[str, str] = {}
    first_start = child.placements.order_by("start_date").values_list("start_date", flat=True).first()
    if first_start is None:
        errors["date"] = _("Barnet har ingen placering att följa upp.")
    elif data.date < first_start:
        errors["date"] = _("Uppföljningen kan inte vara före placeringen, som började %(date)s.") % {
            "date": f"{first_start:%Y-%m-%d}"
        }
    if data.date > today:
        errors["date"] = _("Uppföljningen kan inte ligga i framtiden.")
    for name in ("attendance_percent", "unexcused_absence_percent"):
        value = getattr(data, name)
        if value is not None and not 0 <= value <= 100:
            errors[name] = _("Ange en procentsats mellan 0 och 100.")
    if (
        data.attendance_percent is not None
        and data.unexcused_absence_percent is not None
        and data.attendance_percent + data.unexcused_absence_percent > 100
    ):
        errors["unexcused_absence_percent"] = _(
            "Närvaro och ogiltig frånvaro kan tillsammans inte vara över 100 %."
        )
    for name in ("health_exam_requested", "health_exam_done", "dental_exam_latest"):
        value = getattr(data, name)
        if value is not None and value > today:
            errors[name] = _("Datumet kan inte ligga i framtiden.")
    if (
        data.health_exam_done
        and data.health_exam_requested
        and data.health_exam_done < data.health_exam_requested
    ):
        errors["health_exam_done"] = _("Undersökningen kan inte vara gjord innan den begärdes.")
    programme = upper_secondary.programme_error(data.school_form, data.programme)
    if programme is not None:
        errors["programme"] = str(PROGRAMME_ERRORS[programme])
    for subject, result in data.results.items():
        if result.grade and result.grade not in grade_rules.GRADE_POINTS:
            errors[f"grade_{subject}"] = _("Betyget ska vara A–F eller – (underlag saknas).")
        if result.grade and result.assessment:
            errors[f"assessment_{subject}"] = _("Ange antingen ett betyg eller en bedömning, inte båda.")
    if errors:
        raise ValidationError(errors)


def _previous_results(child: Child, before: dt.date) -> dict[str, SubjectResult]:
    """The latest result in each subject from follow-ups on or before ``before``."""
    latest: dict[str, SubjectResult] = {}
    for result in SubjectResult.objects.filter(follow_up__child=child, follow_up__date__lte=before).order_by(
        "follow_up__date", "follow_up__pk"
    ):
        latest[result.subject] = result
    return latest


@transaction.atomic
def record_follow_up(*, actor: Any, child: Child, data: FollowUpData, via: str) -> FollowUp:
    policy.require_child(actor, child, policy.may_record_follow_up(actor, data.kind))
    if data.school is not None and not policy.may_see_whereabouts(actor, child):
        raise ValidationError({"school": _("Skolenheten anges av den som får se barnets vistelseort.")})
    _validate_follow_up(child, data)
    previous = _previous_results(child, data.date)
    follow_up = FollowUp.objects.create(
        child=child,
        kind=data.kind,
        date=data.date,
        school_form=data.school_form,
        programme=data.programme,
        school=data.school,
        attendance_percent=data.attendance_percent,
        unexcused_absence_percent=data.unexcused_absence_percent,
        health_exam_requested=data.health_exam_requested,
        health_exam_done=data.health_exam_done,
        dental_exam_latest=data.dental_exam_latest,
        plan=data.plan,
        recorded_by=actor,
    )
    results = []
    if data.kind in RESULT_KINDS:
        for key in (*CORE_SUBJECTS, *[k for k in data.results if k not in CORE_SUBJECTS]):
            result = data.results.get(key, Result())
            subject = data.swedish_subject if key == "SWEDISH" else key
            if result.grade or result.assessment:
                results.append(
                    SubjectResult(
                        follow_up=follow_up, subject=subject, grade=result.grade, assessment=result.assessment
                    )
                )
            elif key in CORE_SUBJECTS:
                carried = previous.get(subject) or (
                    previous.get("SVA" if subject == "SV" else "SV") if key == "SWEDISH" else None
                )
                if carried is not None:
                    results.append(
                        SubjectResult(
                            follow_up=follow_up,
                            subject=carried.subject,
                            grade=carried.grade,
                            assessment=carried.assessment,
                            carried_over=True,
                        )
                    )
        SubjectResult.objects.bulk_create(results)
    audit.record(
        actor=actor,
        action=audit.Action.CREATE,
        via=via,
        child=child,
        obj=follow_up,
        changes={
            "kind": [None, data.kind],
            "date": [None, str(data.date)],
            "results": [None, {r.subject: r.grade or r.assessment for r in results}],
        },
    )
    return follow_up


@transaction.atomic
def record_final_grades(
    *, actor: Any, child: Child, year: int, grades: dict[str, str], via: str
) -> FinalGrades:
    policy.require_child(actor, child, policy.may_record_school_results(actor))
    unknown = [s for s in grades if s not in grade_rules.SUBJECTS]
    invalid = [s for s, g in grades.items() if g not in grade_rules.GRADE_POINTS]
    if unknown or invalid:
        raise ValidationError(
            {f"grade_{s}": _("Betyget ska vara A–F eller – (underlag saknas).") for s in invalid + unknown}
        )
    if not grades:
        raise ValidationError({"year": _("Ange minst ett betyg.")})
    if not 2000 <= year <= timezone.localdate().year:
        raise ValidationError({"year": _("Ange året betygen sattes, senast i år.")})
    existing = FinalGrades.objects.filter(child=child).first()
    before = existing.grades if existing else {}
    final, _created = FinalGrades.objects.update_or_create(
        child=child, defaults={"year": year, "grades": grades, "recorded_by": actor}
    )
    audit.record(
        actor=actor,
        action=audit.Action.UPDATE if existing else audit.Action.CREATE,
        via=via,
        child=child,
        obj=final,
        changes=audit.changes_between(before, grades),
    )
    return final


@transaction.atomic
def record_upper_secondary_qualification(
    *, actor: Any, child: Child, kind: str, day: dt.date, via: str
) -> UpperSecondaryQualification:
    """The young person's gymnasieexamen: which diploma and when (one per child; a later
    record replaces it, audited with old and new)."""
    policy.require_child(actor, child, policy.may_record_school_results(actor))
    errors = {}
    if kind not in UpperSecondaryQualification.Kind.values:
        errors["kind"] = _("Välj examen i listan.")
    if day > timezone.localdate():
        errors["date"] = _("Datumet kan inte ligga i framtiden.")
    elif day < placement_law.birthday(child.birth_date, 15):
        errors["date"] = _("Datumet ligger före den unges 15-årsdag: kontrollera året.")
    if errors:
        raise ValidationError(errors)
    existing = UpperSecondaryQualification.objects.filter(child=child).first()
    fields = ("kind", "date")
    before = {name: getattr(existing, name) for name in fields} if existing else {}
    qualification, _created = UpperSecondaryQualification.objects.update_or_create(
        child=child, defaults={"kind": kind, "date": day, "recorded_by": actor}
    )
    audit.record(
        actor=actor,
        action=audit.Action.UPDATE if existing else audit.Action.CREATE,
        via=via,
        child=child,
        obj=qualification,
        changes=audit.changes_between(before, {name: getattr(qualification, name) for name in fields}),
    )
    return qualification


@dataclass
class InterventionData:
    kind: InterventionKind
    start: dt.date
    end: dt.date | None = None
    baseline_swedish: int | None = None
    baseline_maths: int | None = None
    retest_date: dt.date | None = None
    retest_swedish: int | None = None
    retest_maths: int | None = None
    note: str = ""


INTERVENTION_FIELDS = (
    "kind",
    "start",
    "end",
    "baseline_swedish",
    "baseline_maths",
    "retest_date",
    "retest_swedish",
    "retest_maths",
    "note",
)


@transaction.atomic
def save_intervention(
    *, actor: Any, child: Child, intervention: Intervention | None, data: InterventionData, via: str
) -> Intervention:
    # As it is (the intervention is the child's, of a kind the actor may edit) and as it
    # will be (the kind chosen is one the actor may edit).
    policy.require_child(
        actor,
        child,
        (intervention is None or intervention.child_id == child.pk)
        and policy.may_edit_intervention(actor, intervention.kind.code if intervention else None)
        and policy.may_edit_intervention(actor, data.kind.code),
    )
    errors = {}
    if data.end and data.end < data.start:
        errors["end"] = _("Slutdatum kan inte vara före startdatum.")
    if data.retest_date and data.retest_date < data.start:
        errors["retest_date"] = _("Det uppföljande testet kan inte vara före insatsens start.")
    for name in ("baseline_swedish", "baseline_maths", "retest_swedish", "retest_maths"):
        value = getattr(data, name)
        if value is not None and not 1 <= value <= 9:
            errors[name] = _("Ange en stanine mellan 1 och 9.")
    if errors:
        raise ValidationError(errors)
    before = {name: getattr(intervention, name) for name in INTERVENTION_FIELDS} if intervention else {}
    if intervention is None:
        intervention = Intervention(child=child)
    for name in INTERVENTION_FIELDS:
        setattr(intervention, name, getattr(data, name))
    intervention.save()
    audit.record(
        actor=actor,
        action=audit.Action.UPDATE if before else audit.Action.CREATE,
        via=via,
        child=child,
        obj=intervention,
        changes=audit.changes_between(before, {n: getattr(intervention, n) for n in INTERVENTION_FIELDS}),
    )
    return intervention


def _validate_step_day(placement: Placement, day: dt.date) -> None:
    if day > timezone.localdate():
        raise ValidationError({"date": _("Datumet kan inte ligga i framtiden.")})
    if day < placement.start_date:
        raise ValidationError(
            {
                "date": _("Datumet kan inte vara före placeringen, som började %(date)s.")
                % {"date": f"{placement.start_date:%Y-%m-%d}"}
            }
        )


@transaction.atomic
def record_chain_step(
    *,
    actor: Any,
    placement: Placement,
    step: ChainStep,
    status: str,
    day: dt.date,
    via: str,
    reason: str = "",
) -> ChainStepRecord:
    """Mark a step done or not applicable on ``day`` (today, or dated back to when it
    was done, not before the placement); marking it again corrects status and date. A
    mark someone else made is changed only with a reason, as it is undone only with one."""
    policy.require_child(actor, placement.child, policy.may_record_school_results(actor))
    _require_chain_applies(placement, step)
    return _mark_chain_step(
        actor=actor, placement=placement, step=step, status=status, day=day, via=via, reason=reason
    )


def _require_chain_applies(placement: Placement, step: ChainStep) -> None:
    """The chain is for a placement that changes school, and only the chain in use has
    steps to mark: every entry point (page, API) gets the same answer."""
    if not placement.school_change:
        raise ValidationError({"placement": _("Placeringen innebär inget skolbyte; kedjan gäller inte.")})
    if not step.chain_model.is_active:
        raise ValidationError({"step": _("Steget hör inte till den samverkanskedja som används.")})


def _mark_chain_step(
    *,
    actor: Any,
    placement: Placement,
    step: ChainStep,
    status: str,
    day: dt.date,
    via: str,
    reason: str = "",
) -> ChainStepRecord:
    if status not in ChainStepRecord.Status.values:
        raise ValidationError({"status": _("Okänd status.")})
    _validate_step_day(placement, day)
    existing = (
        ChainStepRecord.objects.select_related("recorded_by").filter(placement=placement, step=step).first()
    )
    before = {"status": existing.status, "date": existing.date} if existing else {}
    someone_elses = existing is not None and existing.recorded_by_id != actor.pk
    if someone_elses and before != {"status": status, "date": day} and not reason.strip():
        assert existing is not None
        raise ValidationError(
            {
                "reason": _("Skriv varför du ändrar en markering som %(name)s gjorde.")
                % {"name": existing.recorded_by.get_full_name() or existing.recorded_by.get_username()}
            }
        )
    record, created = ChainStepRecord.objects.update_or_create(
        placement=placement, step=step, defaults={"status": status, "date": day, "recorded_by": actor}
    )
    changes = audit.changes_between(before, {"status": status, "date": day})
    if changes:
        audit.record(
            actor=actor,
            action=audit.Action.CREATE if created else audit.Action.UPDATE,
            via=via,
            child=placement.child,
            obj=record,
            changes={"step": [step.title, step.title], **changes},
            reason=reason.strip(),
        )
    return record


@transaction.atomic
def undo_chain_step(*, actor: Any, placement: Placement, step: ChainStep, reason: str, via: str) -> None:
    """Reopen a step marked by mistake. The record goes; the audit log keeps what it
    said, who undid it and why."""
    policy.require_child(actor, placement.child, policy.may_record_school_results(actor))
    record = ChainStepRecord.objects.filter(placement=placement, step=step).first()
    if record is None:
        raise ValidationError({"reason": _("Steget är inte markerat.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Skriv varför markeringen tas bort.")})
    said = {
        "step": [step.title, step.title],
        "status": [record.status, None],
        "date": [str(record.date), None],
    }
    record_id = record.pk
    record.delete()
    record.pk = record_id  # the audit event names the record removed, and the state after it
    audit.record(
        actor=actor,
        action=audit.Action.UPDATE,
        via=via,
        child=placement.child,
        obj=record,
        reason=reason.strip(),
        changes=said,
    )


def on_school_start_recorded(*, actor: Any, placement: Placement, day: dt.date, via: str, **_: Any) -> None:
    tick_school_start_step(actor=actor, placement=placement, day=day, via=via)


def tick_school_start_step(*, actor: Any, placement: Placement, day: dt.date, via: str) -> None:
    """A recorded school start is the chain's school-start step done on the first
    school day, so the same task is not asked for twice. Called on the register's
    ``school_start_recorded`` signal inside its transaction, whose check of the actor covers this
    step (Lärteamet records school starts but no other step); a step already marked is left."""
    step = ChainStep.objects.filter(chain_model__is_active=True, is_school_start=True).first()
    if (
        actor is None  # the system has no user to record the step as
        or step is None
        or not placement.school_change
        or ChainStepRecord.objects.filter(placement=placement, step=step).exists()
    ):
        return
    _mark_chain_step(
        actor=actor, placement=placement, step=step, status=ChainStepRecord.Status.DONE, day=day, via=via
    )


# --- Corrections of a saved follow-up

FOLLOW_UP_FIELDS = (
    "date",
    "school_form",
    "programme",
    "school",
    "attendance_percent",
    "unexcused_absence_percent",
    "health_exam_requested",
    "health_exam_done",
    "dental_exam_latest",
    "plan",
)


def may_correct_follow_up(actor: Any, follow_up: FollowUp) -> bool:
    """Its author, or the child's responsible case worker (who may record the kind)."""
    if actor is None:
        return True
    if not policy.may_record_follow_up(actor, follow_up.kind):
        return False
    return follow_up.recorded_by_id == actor.pk or follow_up.child.case_worker_id == actor.pk


def _results_snapshot(follow_up: FollowUp) -> dict[str, str]:
    results = SubjectResult.objects.filter(follow_up=follow_up)  # not a prefetched cache
    return {f"result_{r.subject}": r.grade or r.assessment for r in results}


def _corrected_results(data: FollowUpData) -> dict[str, Result]:
    results: dict[str, Result] = {}
    for key, result in data.results.items():
        if result.grade or result.assessment:
            results[data.swedish_subject if key == "SWEDISH" else key] = result
    return results


@transaction.atomic
def correct_follow_up(*, actor: Any, follow_up: FollowUp, data: FollowUpData, via: str) -> FollowUp:
    """Correct a saved follow-up: its fields and results as typed (a subject left empty
    is removed). Each changed field is audited with old and new; the page shows the
    corrections from the audit log."""
    child = follow_up.child
    # As it is (in scope, the actor's to correct) and as it will be (the same kind).
    policy.require_child(actor, child, may_correct_follow_up(actor, follow_up))
    if data.kind != follow_up.kind:
        raise ValidationError({"kind": _("Typen av uppföljning kan inte ändras.")})
    if not policy.may_see_whereabouts(actor, child):
        # A school the corrector may not see stays as it is: neither erased nor guessed at.
        data = replace(data, school=follow_up.school)
    _validate_follow_up(child, data)
    before = {name: getattr(follow_up, name) for name in FOLLOW_UP_FIELDS} | _results_snapshot(follow_up)
    for name in FOLLOW_UP_FIELDS:
        setattr(follow_up, name, getattr(data, name))
    follow_up.save(update_fields=list(FOLLOW_UP_FIELDS))
    wanted = _corrected_results(data)
    current = {r.subject: r for r in SubjectResult.objects.filter(follow_up=follow_up)}
    follow_up.results.exclude(subject__in=wanted).delete()
    for subject, result in wanted.items():
        existing = current.get(subject)
        unchanged = existing is not None and (existing.grade, existing.assessment) == (
            result.grade,
            result.assessment,
        )
        if unchanged:
            continue  # unchanged, carried over or not
        SubjectResult.objects.update_or_create(
            follow_up=follow_up,
            subject=subject,
            defaults={"grade": result.grade, "assessment": result.assessment, "carried_over": False},
        )
    after = {name: getattr(follow_up, name) for name in FOLLOW_UP_FIELDS} | _results_snapshot(follow_up)
    changes = audit.changes_between(before, after) | {
        name: [before[name], None] for name in before if name not in after
    }
    if changes:
        audit.record(
            actor=actor, action=audit.Action.UPDATE, via=via, child=child, obj=follow_up, changes=changes
        )
    return follow_up
