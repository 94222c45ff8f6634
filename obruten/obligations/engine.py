"""The one engine that says what each placed child's social services, school coordinator
and Skolfam must do and have done: every occurrence of every duty, with its state.

The rules are the plain functions of ``obruten.lib.cadence`` and ``obruten.lib.placement_law``
(each citing its statute; docs/rules.md); this module gathers a child's dates with a fixed
number of queries and applies them. ``services.recompute`` stores what it derives."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db.models import prefetch_related_objects

from obruten import municipal
from obruten.accounts.models import Role
from obruten.followup.chain import chain_items
from obruten.followup.models import ChainStep, FollowUp, FollowUpKind, Intervention, Responsible
from obruten.lib import cadence, placement_law
from obruten.lib.calendar import Dated, SchoolTerms
from obruten.lib.school_start import Goals
from obruten.register.models import Child, ExitDestination, Placement

from .models import Kind, State

CLOSING_WINDOW_DAYS = 180  # an ended placement's closing steps stay to do this long, then are missed
HEALTH_EXAM_REQUEST_DAYS = 14  # our default: ask the region within two weeks of a placement


@dataclass(frozen=True)
class Rules:
    """The settings the duties depend on, read once per recomputation."""

    school_start_goals: Goals
    local_review_after_18: bool
    local_care_plan_revision_years: int
    own_municipality_code: str
    terms: SchoolTerms
    after_care_months: tuple[int, ...] = (1, 6)
    coordinator_upper_secondary: Dated[bool] = field(default_factory=lambda: Dated(True))


def current_rules() -> Rules:
    return Rules(
        school_start_goals=municipal.school_start_goals(),
        local_review_after_18=settings.LOCAL_REVIEW_AFTER_18,
        local_care_plan_revision_years=settings.LOCAL_CARE_PLAN_REVISION_YEARS,
        own_municipality_code=settings.OWN_MUNICIPALITY_CODE,
        terms=municipal.school_terms(),
        after_care_months=settings.AFTER_CARE_SCHOOL_FOLLOW_UP_MONTHS,
        coordinator_upper_secondary=municipal.coordinators_follow_upper_secondary(),
    )


@dataclass(frozen=True)
class Derived:
    kind: str
    occurrence: str
    due: date
    state: str
    owner: str
    done_on: date | None = None
    placement_id: int | None = None
    step_id: int | None = None
    intervention_id: int | None = None
    follow_up_id: int | None = None
    detail: str = ""


@dataclass
class Facts:
    """A child and everything about it the rules read."""

    child: Child
    placements: list[Placement] = field(default_factory=list)  # by start
    follow_ups: list[FollowUp] = field(default_factory=list)  # by date
    interventions: list[Intervention] = field(default_factory=list)


def load(child_ids: Iterable[int]) -> list[Facts]:
    """The children with everything the rules need, in five queries. Grouped here rather
    than by ``prefetch_related``, whose per-object querysets cost more than the rules at
    an import's thousands of children (docs/performance.md)."""
    ids = list(child_ids)
    children = Child.objects.filter(pk__in=ids).only("pk", "birth_date").order_by()  # by name: not needed
    facts = {child.pk: Facts(child) for child in children}
    placements = Placement.objects.filter(child_id__in=ids).select_related(
        "form", "school_start", "placing_municipality"
    )
    for placement in placements.order_by("start_date", "pk"):
        facts[placement.child_id].placements.append(placement)
    changing_school = [p for f in facts.values() for p in f.placements if p.school_change]
    prefetch_related_objects(changing_school, "chain_records")
    follow_ups = FollowUp.objects.filter(child_id__in=ids).only(
        "pk", "child_id", "kind", "date", "health_exam_requested"
    )
    for follow_up in follow_ups.order_by("date", "pk"):
        facts[follow_up.child_id].follow_ups.append(follow_up)
    for intervention in Intervention.objects.filter(child_id__in=ids).select_related("kind"):
        facts[intervention.child_id].interventions.append(intervention)
    return list(facts.values())


def _owner(kind: str, step_responsible: str = "") -> str:
    """Who does a task: a role in Obruten, or (a chain step) someone outside it."""
    if kind == Kind.CHAIN:
        in_obruten: dict[str, str] = {
            Responsible.SOCIAL_SERVICES: Role.CASE_WORKER,
            Responsible.SCHOOL_COORDINATOR: Role.SCHOOL_COORDINATOR,
        }
        return in_obruten.get(step_responsible, step_responsible)
    by_kind: dict[str, str] = {Kind.COORDINATOR: Role.SCHOOL_COORDINATOR, Kind.SKOLFAM: Role.SKOLFAM}
    return by_kind.get(kind, Role.CASE_WORKER)


def _episodes(placements: list[Placement]) -> list[list[Placement]]:
    """Stretches of care: placements back to back, no gap."""
    episodes: list[list[Placement]] = []
    for placement in placements:
        last = episodes[-1][-1] if episodes else None
        if last is not None and (
            last.end_date is None or placement.start_date <= last.end_date + timedelta(days=1)
        ):
            episodes[-1].append(placement)
        else:
            episodes.append([placement])
    return episodes


def _end(episode: list[Placement]) -> date | None:
    ends = [p.end_date for p in episode]
    return None if None in ends else max(e for e in ends if e)


def _on(placements: list[Placement], day: date) -> Placement:
    """The placement on ``day``, else the latest that began by then (else the first)."""
    begun = [p for p in placements if p.start_date <= day]
    return begun[-1] if begun else placements[0]


def derive(facts: Facts, steps: list[ChainStep], today: date, rules: Rules) -> list[Derived]:
    """Every occurrence of every duty for one child (loaded by ``load``)."""
    child, placements, follow_ups = facts.child, facts.placements, facts.follow_ups
    if not placements:
        return []

    def status(placement: Placement) -> placement_law.Status:
        return placement_law.Status(
            legal_basis=placement.legal_basis,
            birth_date=child.birth_date,
            placed_by_own_municipality=placement.placing_municipality.code == rules.own_municipality_code,
            accompanying=placement.accompanying,
        )

    def of_kind(kind: str) -> list[FollowUp]:
        return [f for f in follow_ups if f.kind == kind]

    out: list[Derived] = []
    for placement in placements:
        out.extend(_schooling(placement, steps, today, rules))
    episodes = _episodes(placements)
    for number, episode in enumerate(episodes):
        if episode[0].start_date <= today:
            out.extend(_episode_duties(child, episode, today, rules, status, of_kind, follow_ups))
        back_in_care = episodes[number + 1][0].start_date if number + 1 < len(episodes) else None
        out.extend(_after_care(episode, back_in_care, of_kind(FollowUpKind.AFTER_CARE), today, rules))
    out.extend(_coordinator(child, placements, of_kind(FollowUpKind.COORDINATOR), today, rules))
    out.extend(_skolfam(facts.interventions))
    return out


def _schooling(placement: Placement, steps: list[ChainStep], today: date, rules: Rules) -> list[Derived]:
    """The chain's steps and the school start of a placement that means a school change.
    A placement that ended leaves only its closing steps to do, for CLOSING_WINDOW_DAYS."""
    if not placement.school_change:
        return []
    out = []
    ended = placement.end_date is not None and placement.end_date < today
    for item in chain_items(placement, steps, today):
        if item.record is not None:
            state, done_on = State.DONE, item.record.date
        elif ended and placement.end_date + timedelta(days=CLOSING_WINDOW_DAYS) < today:  # type: ignore[operator]
            state, done_on = State.MISSED, None
        else:
            state, done_on = State.OPEN, None
        out.append(
            Derived(
                Kind.CHAIN,
                f"{placement.pk}:{item.step.pk}",
                item.due,
                state,
                _owner(Kind.CHAIN, item.step.responsible),
                done_on,
                placement_id=placement.pk,
                step_id=item.step.pk,
            )
        )
    if placement.start_date <= today:
        start = getattr(placement, "school_start", None)
        state = State.DONE if start is not None else State.MISSED if ended else State.OPEN
        out.append(
            Derived(
                Kind.SCHOOL_START,
                str(placement.pk),
                placement.start_date + timedelta(days=rules.school_start_goals.on(placement.start_date)),
                state,
                Role.CASE_WORKER,
                start.first_school_day if start is not None else None,
                placement_id=placement.pk,
            )
        )
    return out


def _basis_periods(episode: list[Placement]) -> list[tuple[cadence.BasisPeriod, Placement]]:
    """The episode's stretches on one legal basis (a new decision each), each with the
    placement that began it."""
    changes: list[Placement] = []
    for placement in episode:
        if not changes or changes[-1].legal_basis != placement.legal_basis:
            changes.append(placement)
    periods = []
    for index, placement in enumerate(changes):
        following = changes[index + 1] if index + 1 < len(changes) else None
        end = following.start_date - timedelta(days=1) if following else _end(episode)
        periods.append(
            (
                cadence.BasisPeriod(
                    placement.legal_basis, placement.enforcement_date or placement.start_date, end
                ),
                placement,
            )
        )
    return periods


def _episode_duties(
    child: Child,
    episode: list[Placement],
    today: date,
    rules: Rules,
    status: Callable[[Placement], placement_law.Status],
    of_kind: Callable[[str], list[FollowUp]],
    follow_ups: list[FollowUp],
) -> list[Derived]:
    """The social services' duties the law sets for a stretch of care by the child's age
    and the placement's status: övervägande/omprövning, the health examination, the end of
    LVU 2 § care, LVU 6 § deadlines, vårdnadsöverflyttning, the care plan, and the
    follow-up after LVU care ends."""
    out: list[Derived] = []
    started, ended = episode[0].start_date, _end(episode)
    over = ended is not None and ended < today
    reviews = of_kind(FollowUpKind.REVIEW)
    review_ids = {f.date: f.pk for f in reversed(reviews)}
    for period, began in _basis_periods(episode):
        kinds: dict[date, str | None] = {}

        def duty_on(
            _period: cadence.BasisPeriod,
            day: date,
            began: Placement = began,
            kinds: dict[date, str | None] = kinds,
        ) -> bool:
            kinds[day] = placement_law.review_kind(
                status(began), day, local_after_18=rules.local_review_after_18
            )
            return kinds[day] is not None

        for occurrence in cadence.review_occurrences(
            [period], [f.date for f in reviews], today, duty_on=duty_on
        ):
            out.append(
                Derived(
                    Kind.REVIEW,
                    occurrence.key,
                    occurrence.due,
                    occurrence.state,
                    Role.CASE_WORKER,
                    occurrence.done_on,
                    placement_id=_on(episode, occurrence.due).pk,
                    follow_up_id=review_ids.get(occurrence.done_on) if occurrence.done_on else None,
                    detail=kinds.get(occurrence.due) or "",
                )
            )
    # The health examination: from the first placement of the stretch on a decision that
    # carries the duty (immediate custody under LVU 6 § does not; the LVU 2 § care after it does).
    qualifying = next(
        (
            p
            for p in episode
            if p.start_date <= today
            and placement_law.health_examination_applies(status(p), started, min(today, ended or today))
        ),
        None,
    )
    if qualifying is not None:
        since = qualifying.start_date
        request = next(
            (
                f
                for f in follow_ups
                if f.health_exam_requested
                and since <= f.health_exam_requested <= (ended or f.health_exam_requested)
            ),
            None,
        )
        out.append(
            Derived(
                Kind.HEALTH,
                since.isoformat(),
                since + timedelta(days=HEALTH_EXAM_REQUEST_DAYS),
                State.DONE if request else State.MISSED if over else State.OPEN,
                Role.CASE_WORKER,
                request.health_exam_requested if request else None,
                placement_id=qualifying.pk,
                follow_up_id=request.pk if request else None,
            )
        )
    out.extend(_immediate_custody(episode, today, status))
    if over:
        out.extend(_after_lvu(episode[-1], ended, today, status, of_kind))  # type: ignore[arg-type]
        return out
    current = _on(episode, today)
    out.extend(_current_placement(child, current, status(current)))
    if placement_law.child_placement_rules_apply(status(current), today):
        out.extend(_child_rules(child, episode, today, rules, of_kind))
    return out


def _after_lvu(
    last: Placement,
    ended: date,
    today: date,
    status: Callable[[Placement], placement_law.Status],
    of_kind: Callable[[str], list[FollowUp]],
) -> list[Derived]:
    due = placement_law.after_lvu_follow_up_due(status(last), ended)
    if due is None:
        return []
    done = next((f for f in of_kind(FollowUpKind.AFTER_LVU) if f.date > ended), None)
    return [
        Derived(
            Kind.AFTER_LVU,
            ended.isoformat(),
            due,
            # The follow-up ends at the latest six months after it began: past that, missed
            # (done still, if it is recorded late).
            State.DONE if done else State.MISSED if due < today else State.OPEN,
            Role.CASE_WORKER,
            done.date if done else None,
            placement_id=last.pk,
            follow_up_id=done.pk if done else None,
        )
    ]


def _after_care(
    episode: list[Placement], back_in_care: date | None, follow_ups: list[FollowUp], today: date, rules: Rules
) -> list[Derived]:
    """The follow-ups of the child's schooling after a stretch of care that ended with a
    return home."""
    last, ended = episode[-1], _end(episode)
    if ended is None or last.exit_destination != ExitDestination.HOME:
        return []
    ids = {f.date: f.pk for f in reversed(follow_ups)}
    occurrences = cadence.after_care_occurrences(
        ended, rules.after_care_months, [f.date for f in follow_ups], today, back_in_care
    )
    return [
        Derived(
            Kind.AFTER_CARE,
            o.key,
            o.due,
            o.state,
            Role.CASE_WORKER,
            o.done_on,
            placement_id=last.pk,
            follow_up_id=ids.get(o.done_on) if o.done_on else None,
        )
        for o in occurrences
    ]


def _current_placement(child: Child, current: Placement, status: placement_law.Status) -> list[Derived]:
    """The deadline of the placement going on: the end of LVU 2 § care at 18 (LVU 21 §)."""
    out = []
    warning = placement_law.lvu2_end_warning(status)
    if warning is not None:
        ends = placement_law.care_ends(status.legal_basis, child.birth_date)
        out.append(
            Derived(
                Kind.CARE_ENDS,
                str(current.pk),
                warning,
                State.OPEN,
                Role.CASE_WORKER,
                placement_id=current.pk,
                detail=f"{ends:%Y-%m-%d}",
            )
        )
    return out


def _immediate_custody(
    episode: list[Placement], today: date, status: Callable[[Placement], placement_law.Status]
) -> list[Derived]:
    """Immediate custody's submission and application (LVU 7 and 8 §§): to do while the
    custody goes on; done when care under LVU 2 or 3 § follows it in the same stretch (the
    court decided on the application, so both were made), dated by that decision; gone when
    the custody ended without care, as before."""
    out = []
    for number, custody in enumerate(episode):
        if custody.start_date > today or not (
            status(custody).legal_basis == placement_law.LVU6 and status(custody).placed_by_own_municipality
        ):
            continue
        following = episode[number + 1] if number + 1 < len(episode) else None
        care = following if following is not None and following.start_date <= today else None
        if care is not None and care.legal_basis not in placement_law.LVU_CARE:
            continue
        if care is None and not custody.is_ongoing(today):
            continue
        submit, apply = placement_law.immediate_custody_deadlines(
            custody.decision_date or custody.start_date, custody.enforcement_date or custody.start_date
        )
        done_on = (care.decision_date or care.start_date) if care is not None else None
        for paragraph, day in (("7", submit), ("8", apply)):
            out.append(
                Derived(
                    Kind.IMMEDIATE_CUSTODY,
                    f"{custody.pk}:{paragraph}",
                    day,
                    State.DONE if care is not None else State.OPEN,
                    Role.CASE_WORKER,
                    done_on,
                    placement_id=custody.pk,
                    detail=paragraph,
                )
            )
    return out


def _child_rules(
    child: Child,
    episode: list[Placement],
    today: date,
    rules: Rules,
    of_kind: Callable[[str], list[FollowUp]],
) -> list[Derived]:
    """Vårdnadsöverflyttning and the care plan: each consideration or revision recorded
    closes the one it was due as, and the next is open."""
    out: list[Derived] = []
    begun = [p for p in episode if p.start_date <= today]
    adult_on = placement_law.birthday(child.birth_date, placement_law.ADULT_AGE)
    stays = [placement_law.Stay(p.start_date, p.end_date, p.form.is_family_home, p.unit_name) for p in begun]
    home_since = placement_law.family_home_since(stays)
    if home_since is not None:
        considered = [f for f in of_kind(FollowUpKind.CUSTODY_TRANSFER) if f.date >= home_since]
        out.extend(
            _sequence(
                Kind.CUSTODY,
                home_since,
                considered,
                _on(begun, today),
                lambda done: cadence.next_custody_transfer_consideration(home_since, done, adult_on=adult_on),
            )
        )
    start = episode[0].start_date
    revised = [f for f in of_kind(FollowUpKind.CARE_PLAN) if f.date >= start]
    out.extend(
        _sequence(
            Kind.CARE_PLAN,
            start,
            revised,
            _on(begun, today),
            lambda done: cadence.care_plan_revision_due(
                start, done, adult_on=adult_on, local_then_years=rules.local_care_plan_revision_years
            ),
        )
    )
    return out


def _sequence(
    kind: str,
    since: date,
    done: list[FollowUp],
    placement: Placement,
    next_due: Callable[[list[date]], date | None],
) -> list[Derived]:
    """A duty that repeats from the last time it was done: each recorded one done, then
    the next open (if the rule names one)."""
    out = []
    for number, follow_up in enumerate(done, start=1):
        due = next_due([f.date for f in done[: number - 1]])
        if due is None:
            break
        out.append(
            Derived(
                kind,
                f"{since.isoformat()}/{number}",
                due,
                State.DONE,
                Role.CASE_WORKER,
                follow_up.date,
                placement_id=placement.pk,
                follow_up_id=follow_up.pk,
            )
        )
    else:
        due = next_due([f.date for f in done])
        if due is not None:
            out.append(
                Derived(
                    kind,
                    f"{since.isoformat()}/{len(done) + 1}",
                    due,
                    State.OPEN,
                    Role.CASE_WORKER,
                    placement_id=placement.pk,
                )
            )
    return out


def _coordinator(
    child: Child, placements: list[Placement], follow_ups: list[FollowUp], today: date, rules: Rules
) -> list[Derived]:
    followed = [p for p in placements if p.form.school_coordinator_follows_up and not p.accompanying]
    year9_ends = rules.terms.year9(child.birth_date.year + 16)[1]
    spans = [(p.start_date, p.end_date) for p in followed]
    for since, until, follows in rules.coordinator_upper_secondary.stretches():
        if not follows:  # the municipality's coordinators followed only until year 9 ended
            first = max(since or date.min, year9_ends + timedelta(days=1))
            spans = _without(spans, first, until - timedelta(days=1) if until else None)
    if not spans:
        return []
    ids = {f.date: f.pk for f in reversed(follow_ups)}
    occurrences = cadence.coordinator_occurrences(spans, [f.date for f in follow_ups], today, rules.terms)
    return [
        Derived(
            Kind.COORDINATOR,
            o.key,
            o.due,
            o.state,
            Role.SCHOOL_COORDINATOR,
            o.done_on,
            placement_id=_on(followed, o.due).pk,
            follow_up_id=ids.get(o.done_on) if o.done_on else None,
        )
        for o in occurrences
    ]


def _without(
    spans: list[tuple[date, date | None]], first: date, last: date | None
) -> list[tuple[date, date | None]]:
    """The spans (first day, last day or None: ongoing) without the days ``first`` to
    ``last`` (None: on and on)."""
    out: list[tuple[date, date | None]] = []
    for start, end in spans:
        if (end is not None and end < first) or (last is not None and start > last):
            out.append((start, end))
            continue
        if start < first:
            out.append((start, first - timedelta(days=1)))
        if last is not None and (end is None or end > last):
            out.append((last + timedelta(days=1), end))
    return out


def _skolfam(interventions: list[Intervention]) -> list[Derived]:
    out = []
    for intervention in interventions:
        if intervention.kind.code != "skolfam" or (intervention.end and not intervention.retest_date):
            continue
        out.append(
            Derived(
                Kind.SKOLFAM,
                str(intervention.pk),
                cadence.skolfam_retest_due(intervention.start),
                State.DONE if intervention.retest_date else State.OPEN,
                Role.SKOLFAM,
                intervention.retest_date,
                intervention_id=intervention.pk,
            )
        )
    return out
