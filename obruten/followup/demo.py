"""Synthetic follow-ups for the demo: övervägande with results, health examinations,
the school coordinators' follow-ups, steps of the schooling chain, Skolfam and year-9
final grades, for a realistic share of the children, with some overdue. Deterministic
per seed."""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.db import transaction

from obruten.accounts.models import Role, User
from obruten.lib.calendar import add_months
from obruten.lib.grades import SUBJECTS
from obruten.lib.upper_secondary import INTRODUCTION, PROGRAMMES
from obruten.register.demo import refresh_planner_statistics
from obruten.register.models import Child, ExitDestination, Placement

from .chain import active_steps
from .models import (
    ChainStep,
    ChainStepRecord,
    FinalGrades,
    FollowUp,
    FollowUpKind,
    Intervention,
    InterventionKind,
    SchoolForm,
    SubjectResult,
    UpperSecondaryQualification,
)

GRADES = ["A", "B", "C", "D", "E", "E", "E", "F", "F", "-"]


def _grade(rng: random.Random, strength: float) -> str:
    """A grade, better for a stronger pupil; about a third of placed pupils miss a pass."""
    index = min(len(GRADES) - 1, max(0, int(rng.gauss((1 - strength) * len(GRADES), 2.2))))
    return GRADES[index]


def _closing_steps(
    rng: random.Random, placement: Placement, steps: list[ChainStep], today: date, recorder: User
) -> list[ChainStepRecord]:
    """Most closing steps of a placement that ended recently are done."""
    if not placement.school_change or placement.end_date is None:
        return []
    records = []
    for step in steps:
        due = placement.end_date + timedelta(days=step.offset_days)
        if step.anchor == "end" and due < today and rng.random() < 0.9:
            records.append(
                ChainStepRecord(
                    placement=placement,
                    step=step,
                    status="done",
                    date=min(today, due + timedelta(days=rng.randrange(0, 6))),
                    recorded_by=recorder,
                )
            )
    return records


@transaction.atomic
def generate(*, seed: int, today: date) -> dict[str, int]:
    rng = random.Random(seed * 7919)
    # Upper-secondary school draws from its own generator, so the rest stays as it was.
    upper = random.Random(seed * 15485863)
    recorder = User.objects.filter(role=Role.CASE_WORKER).order_by("pk").first()
    coordinator = User.objects.filter(role=Role.SCHOOL_COORDINATOR).order_by("pk").first() or recorder
    assert recorder is not None, "create the demo users first"
    skolfam = InterventionKind.objects.get(code="skolfam")
    steps = active_steps()

    recent = today - timedelta(days=180)
    ongoing = (
        Placement.objects.filter(start_date__lte=today)
        .exclude(end_date__lt=recent)
        .select_related("form", "child")
        .order_by("pk")
    )
    follow_ups: list[FollowUp] = []
    results: list[list[SubjectResult]] = []
    records: list[ChainStepRecord] = []
    interventions: list[Intervention] = []
    for placement in ongoing:
        child = placement.child
        if placement.end_date is not None and placement.end_date < today:
            records.extend(_closing_steps(rng, placement, steps, today, recorder))
            continue
        strength = rng.random()
        age = (today - child.birth_date).days // 365
        in_school = 6 <= age <= 19
        school_form, programme = _upper_secondary_track(upper) if age >= 16 else (SchoolForm.COMPULSORY, "")
        # The first review comes early (with the health examination requested), then
        # every six months; some of the latest are late (overdue now).
        day = placement.start_date + timedelta(days=rng.randrange(14, 45))
        first = True
        while day <= today:
            on = day
            if rng.random() < 0.08 and add_months(day, 6) > today:
                break  # the latest review was not done: overdue
            follow_up = FollowUp(
                child=child,
                kind=FollowUpKind.REVIEW,
                date=on,
                school_form=school_form,
                programme=programme,
                attendance_percent=round(rng.uniform(55, 100), 1),
                unexcused_absence_percent=round(rng.uniform(0, 12), 1),
                health_exam_requested=placement.start_date + timedelta(days=rng.randrange(1, 20))
                if first
                else None,
                health_exam_done=placement.start_date + timedelta(days=rng.randrange(30, 90))
                if first and rng.random() < 0.7
                else None,
                dental_exam_latest=on - timedelta(days=rng.randrange(0, 300)) if rng.random() < 0.8 else None,
                recorded_by=recorder,
            )
            follow_ups.append(follow_up)
            subject_results = []
            if in_school:
                for subject in (rng.choice(["SV", "SV", "SV", "SVA"]), "MA", "EN"):
                    subject_results.append(SubjectResult(subject=subject, grade=_grade(rng, strength)))
            results.append(subject_results if school_form != SchoolForm.NONE else [])
            first = False
            day = add_months(on, 6) - timedelta(days=rng.randrange(0, 25))
        if placement.form.school_coordinator_follows_up and in_school and rng.random() < 0.8:
            on = today - timedelta(days=rng.randrange(5, 80))
            if on >= placement.start_date:
                follow_ups.append(
                    FollowUp(
                        child=child,
                        kind=FollowUpKind.COORDINATOR,
                        date=on,
                        attendance_percent=round(rng.uniform(40, 100), 1),
                        recorded_by=coordinator,
                    )
                )
                results.append([SubjectResult(subject="MA", grade=_grade(rng, strength))])
        for kind, applies in [
            (FollowUpKind.CARE_PLAN, True),
            (FollowUpKind.CUSTODY_TRANSFER, placement.form.is_family_home),
        ]:
            due = add_months(placement.start_date, 24)
            while applies and due <= today and rng.random() < 0.95:
                on = due - timedelta(days=rng.randrange(0, 30))
                follow_ups.append(FollowUp(child=child, kind=kind, date=on, recorded_by=recorder))
                results.append([])
                due = add_months(on, 24 if kind == FollowUpKind.CARE_PLAN else 12)
        if placement.school_change:
            for step in steps:
                due = placement.start_date + timedelta(days=step.offset_days)
                done_rate = 0.98 if due < today - timedelta(days=60) else 0.85
                if step.anchor == "start" and due < today - timedelta(days=3) and rng.random() < done_rate:
                    records.append(
                        ChainStepRecord(
                            placement=placement,
                            step=step,
                            status="done",
                            date=min(today, due + timedelta(days=rng.randrange(0, 6))),
                            recorded_by=recorder,
                        )
                    )
        if placement.form.is_family_home and in_school and rng.random() < 0.2:
            start = placement.start_date + timedelta(days=rng.randrange(10, 60))
            if start <= today:
                retest = add_months(start, 24) if add_months(start, 24) <= today else None
                interventions.append(
                    Intervention(
                        child=child,
                        kind=skolfam,
                        start=start,
                        baseline_swedish=rng.randrange(1, 7),
                        baseline_maths=rng.randrange(1, 7),
                        retest_date=retest,
                        retest_swedish=rng.randrange(2, 9) if retest else None,
                        retest_maths=rng.randrange(2, 9) if retest else None,
                    )
                )
    for follow_up in _after_care_follow_ups(upper, today, recorder):
        follow_ups.append(follow_up)
        results.append([])
    FollowUp.objects.bulk_create(follow_ups, batch_size=2000)
    for follow_up, subject_results in zip(follow_ups, results, strict=True):
        for result in subject_results:
            result.follow_up = follow_up
    SubjectResult.objects.bulk_create([r for rs in results for r in rs], batch_size=2000)
    # A step already marked (a school start recorded through the service ticks its step) stays.
    ChainStepRecord.objects.bulk_create(records, batch_size=2000, ignore_conflicts=True)
    Intervention.objects.bulk_create(interventions, batch_size=2000)

    # Year-9 final grades for a share of the children who finished year 9 (aged 16).
    finished = Child.objects.filter(birth_date__year=today.year - 16 if today.month >= 7 else today.year - 17)
    final = []
    for child in finished.order_by("pk"):
        if rng.random() < 0.6:
            strength = rng.random()
            subjects = [s for s in SUBJECTS if s not in {"SVA", "MLA", "M2"}]
            grades = {s: _grade(rng, strength) for s in subjects}
            if rng.random() < 0.5:
                grades["M2"] = _grade(rng, strength)
            final.append(
                FinalGrades(
                    child=child,
                    year=today.year if today.month >= 7 else today.year - 1,
                    grades=grades,
                    recorded_by=recorder,
                )
            )
    FinalGrades.objects.bulk_create(final, batch_size=2000)

    # A gymnasieexamen for some of those old enough, in June of the year they turned 19.
    qualifications = []
    graduated = Child.objects.filter(
        birth_date__year__lte=today.year - 19, placements__isnull=False
    ).distinct()
    for child in graduated.order_by("pk"):
        if upper.random() < 0.4:
            diploma = upper.choice(UpperSecondaryQualification.Kind.values)
            day = date(child.birth_date.year + 19, 6, 10)
            qualifications.append(
                UpperSecondaryQualification(child=child, kind=diploma, date=day, recorded_by=recorder)
            )
    UpperSecondaryQualification.objects.bulk_create(qualifications, batch_size=2000)
    refresh_planner_statistics()
    return {
        "follow_ups": len(follow_ups),
        "chain_steps": len(records),
        "final_grades": len(final),
        "interventions": len(interventions),
        "upper_secondary_qualifications": len(qualifications),
    }


def _after_care_follow_ups(rng: random.Random, today: date, recorder: User) -> list[FollowUp]:
    """The schooling followed up after a return home, mostly on time, a month and six months
    after care ended; most children in school."""
    made = []
    home = Placement.objects.filter(exit_destination=ExitDestination.HOME, end_date__lt=today).select_related(
        "child"
    )
    for placement in home.select_related("child").order_by("pk"):
        assert placement.end_date is not None
        for months, rate in ((1, 0.8), (6, 0.7)):
            on = add_months(placement.end_date, months) - timedelta(days=rng.randrange(0, 10))
            if on > today or rng.random() >= rate:
                continue
            age = (on - placement.child.birth_date).days // 365
            school_form = SchoolForm.COMPULSORY if age < 16 else _upper_secondary_track(rng)[0]
            if rng.random() < 0.08:
                school_form = SchoolForm.NONE
            made.append(
                FollowUp(
                    child=placement.child,
                    kind=FollowUpKind.AFTER_CARE,
                    date=on,
                    school_form=school_form,
                    attendance_percent=round(rng.uniform(50, 100), 1)
                    if school_form != SchoolForm.NONE
                    else None,
                    recorded_by=recorder,
                )
            )
    return made


def _upper_secondary_track(rng: random.Random) -> tuple[str, str]:
    """A young person's school form and programme: most on a national programme, some on an
    introduktionsprogram, a few in no school."""
    draw = rng.random()
    if draw < 0.72:
        national = [code for code, (_name, kind) in PROGRAMMES.items() if kind != INTRODUCTION]
        return SchoolForm.UPPER_SECONDARY, rng.choice(national)
    if draw < 0.9:
        return SchoolForm.INTRODUCTION, rng.choice(["IMV", "IMY", "IMA", "IMS"])
    return SchoolForm.NONE, ""
