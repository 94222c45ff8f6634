"""The law by age and status: which legal basis a placement may have, until when care
lasts, and which statutory follow-ups apply to a child on a given day. Plain Python, no
Django; docs/rules.md cites each rule.

Checks return a short error code (``None`` when the placement is lawful); the callers
turn it into their own message (register/services.py) or import rule code.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from .calendar import add_months, add_years

SOL, LVU2, LVU3, LVU23, LVU6, PROTECTED_HOUSING, NONE = "SoL", "LVU2", "LVU3", "LVU23", "LVU6", "SKYB", ""
LVU_CARE = (LVU2, LVU3, LVU23)  # care under LVU on a decision of the court (LVU 1 §, 4 §)
ADULT_AGE = 18  # SoL (2001:453) 1 kap. 2 § tredje stycket: a child is under 18
LVU2_CARE_ENDS_AGE = 18  # LVU (1990:52) 21 § tredje stycket
LVU3_CARE_ENDS_AGE = 21  # LVU 21 § tredje stycket
LVU3_DECISION_BEFORE_AGE = 20  # LVU 1 § tredje stycket; 6 § (immediate custody: under 20)
LVU2_END_WARNING_DAYS = 90
STODBOENDE_AGES = (16, 21)  # from the 16th birthday to the day before the 21st (16–20 years)
ACCOMPANYING_OWN_DECISION_FROM = date(2024, 4, 1)  # prop. 2023/24:31, lag (2024:79)
AFTER_LVU_FOLLOW_UP_FROM = date(2022, 7, 1)  # SFS 2022:665, prop. 2021/22:178
AFTER_LVU_FOLLOW_UP_MONTHS = 6  # bet. 2021/22:SoU33: "avslutas senast sex månader" after it began
IMMEDIATE_CUSTODY_SUBMIT_DAYS = 7  # LVU 7 §: to förvaltningsrätten within a week of the decision
IMMEDIATE_CUSTODY_APPLY_DAYS = 28  # LVU 8 §: application for care within four weeks


def birthday(birth_date: date, years: int) -> date:
    """The day a person turns ``years``; 29 February birthdays fall on 28 February."""
    return add_years(birth_date, years)


def age_on(birth_date: date, day: date) -> int:
    """Whole years on ``day`` (a 29 February child turns a year older on 1 March)."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def is_child_on(birth_date: date, day: date) -> bool:
    return day < birthday(birth_date, ADULT_AGE)


def stodboende_age_error(birth_date: date, start_date: date, end_date: date | None) -> str | None:
    """Stödboende is for 16–20-year-olds (SoL (2001:453) 6 kap. 1 § andra stycket, prop.
    2015/16:43): ``"under_16"`` if the stay starts before the 16th birthday,
    ``"over_20"`` if it starts or lasts beyond the day before the 21st."""
    youngest, too_old = STODBOENDE_AGES
    if start_date < birthday(birth_date, youngest):
        return "under_16"
    last_day = birthday(birth_date, too_old) - timedelta(days=1)
    if start_date > last_day or (end_date is not None and end_date > last_day):
        return "over_20"
    return None


def care_ends(legal_basis: str, birth_date: date) -> date | None:
    """The day LVU care ends at the latest (LVU 21 §): the 18th birthday for 2 §, the
    21st for 3 § (and for 2 and 3 §§ together, since care under 3 § goes on)."""
    if legal_basis == LVU2:
        return birthday(birth_date, LVU2_CARE_ENDS_AGE)
    if legal_basis in (LVU3, LVU23):
        return birthday(birth_date, LVU3_CARE_ENDS_AGE)
    return None


def legal_basis_age_error(
    legal_basis: str, birth_date: date, start_date: date, end_date: date | None
) -> str | None:
    """A placement's legal basis against the child's age: LVU 2 § only before 18 and
    ending by the 18th birthday; LVU 3 § (and immediate custody) decided before 20 and
    ending by the 21st birthday."""
    if legal_basis in (LVU2, LVU23) and start_date >= birthday(birth_date, ADULT_AGE):
        return "lvu2_adult"
    if legal_basis in (LVU3, LVU6) and start_date >= birthday(birth_date, LVU3_DECISION_BEFORE_AGE):
        return "lvu3_over_20"
    ends = care_ends(legal_basis, birth_date)
    if ends is not None and end_date is not None and end_date > ends:
        return "lvu2_after_18" if legal_basis == LVU2 else "lvu3_after_21"
    return None


def allowed_legal_bases(start_date: date, accompanying: bool) -> list[str]:
    """The legal bases a placement may have on its start date. A child following a parent
    into protected housing had no decision of its own before 1 April 2024; since then it
    has one, under SoL or lag (2024:79) om placering av barn i skyddat boende."""
    if accompanying:
        return [NONE] if start_date < ACCOMPANYING_OWN_DECISION_FROM else [SOL, PROTECTED_HOUSING]
    return [SOL, LVU2, LVU3, LVU23, LVU6]


def legal_basis_status_error(legal_basis: str, start_date: date, accompanying: bool) -> str | None:
    """``"accompanying_no_decision"`` before 1 April 2024, ``"accompanying_own_decision"``
    since, ``"not_accompanying"`` for a basis only an accompanying child can have."""
    if legal_basis in allowed_legal_bases(start_date, accompanying):
        return None
    if accompanying:
        if start_date < ACCOMPANYING_OWN_DECISION_FROM:
            return "accompanying_no_decision"
        return "accompanying_own_decision"
    return "not_accompanying"


@dataclass(frozen=True)
class Status:
    """What the statutory follow-ups of one placement depend on, on one day."""

    legal_basis: str
    birth_date: date
    placed_by_own_municipality: bool = True
    accompanying: bool = False


REVIEW_LAW, REVIEW_LOCAL = "law", "local"


def review_kind(status: Status, day: date, *, local_after_18: bool = False) -> str | None:
    """Whether an övervägande/omprövning is due on ``day``: by law (``"law"``), by the
    municipality's own routine for 18–20-year-olds under SoL (``"local"``), or not at all.

    SoL 6 kap. 8 § and LVU 13 § första stycket speak of a *barn* (under 18); LVU 13 §
    andra stycket (omprövning of 3 § care) applies as long as the care lasts, to 21.
    The placing municipality reviews; an accompanying child without a decision of its
    own has nothing to review."""
    if not status.placed_by_own_municipality or status.legal_basis in (NONE, LVU6):
        return None
    ends = care_ends(status.legal_basis, status.birth_date)
    if ends is not None and day >= ends:
        return None
    if is_child_on(status.birth_date, day) or status.legal_basis in (LVU3, LVU23):
        return REVIEW_LAW
    if status.legal_basis == SOL and local_after_18:
        return REVIEW_LOCAL
    return None


YOUNG_PERSON_UNTIL_AGE = 21  # "unga": 18–20 years old


def health_examination_applies(status: Status, placed_on: date, day: date) -> bool:
    """The region is told, and so asked for a health examination, when a child or a young
    person (18–20) is placed by this municipality on a decision of its own: SoL (2001:453)
    11 kap. 3 a § (until 30 June 2025: "ett barn eller en ung person"), lag (2017:209) om
    hälsoundersökning av barn och unga som placeras utanför det egna hemmet, HSLF-FS 2019:19.
    The paragraph of socialtjänstlagen (2025:400) that carries the duty on is not confirmed
    here (docs/rules.md). Not once the care has ended by law on ``day`` (LVU 21 §)."""
    ends = care_ends(status.legal_basis, status.birth_date)
    return (
        (ends is None or day < ends)
        and status.placed_by_own_municipality
        and not status.accompanying
        and status.legal_basis not in (NONE, LVU6)
        and placed_on < birthday(status.birth_date, YOUNG_PERSON_UNTIL_AGE)
    )


def child_placement_rules_apply(status: Status, day: date) -> bool:
    """Vårdnadsöverflyttning and the care plan's revision: for a child (under 18),
    placed by this municipality, on a decision of its own that is not immediate
    custody, and not in protected housing as an accompanying child."""
    return (
        status.placed_by_own_municipality
        and not status.accompanying
        and status.legal_basis not in (NONE, LVU6)
        and is_child_on(status.birth_date, day)
    )


def after_lvu_follow_up_due(status: Status, care_ended_on: date) -> date | None:
    """When care under LVU ends, the social services follow up the situation of one who
    is under 18, and the follow-up ends at the latest six months after it began (prop.
    2021/22:178, bet. 2021/22:SoU33; in force 1 July 2022). The latest day to have done
    it: six months from the last day of care. Only for this municipality's own care on a
    decision of LVU 2 or 3 §; not for care that ended before the duty began or after the
    18th birthday. The paragraph that carries the duty (SoL 2001:453 and its counterpart
    in socialtjänstlagen 2025:400) is not confirmed here: docs/rules.md."""
    if (
        status.legal_basis not in LVU_CARE
        or not status.placed_by_own_municipality
        or care_ended_on < AFTER_LVU_FOLLOW_UP_FROM
        or not is_child_on(status.birth_date, care_ended_on)
    ):
        return None
    return add_months(care_ended_on, AFTER_LVU_FOLLOW_UP_MONTHS)


def lvu2_end_warning(status: Status) -> date | None:
    """The day to start preparing for the end of LVU 2 § care: 90 days before the
    18th birthday (LVU 21 §). None for any other basis or another municipality's child."""
    if status.legal_basis != LVU2 or not status.placed_by_own_municipality:
        return None
    return birthday(status.birth_date, LVU2_CARE_ENDS_AGE) - timedelta(days=LVU2_END_WARNING_DAYS)


def immediate_custody_deadlines(decision_date: date, enforcement_date: date) -> tuple[date, date]:
    """LVU 6 §: the decision is submitted to förvaltningsrätten within one week of the
    day it was made (LVU 7 §), and the application for care is made within four weeks of
    the day the custody was enforced (LVU 8 §)."""
    return (
        decision_date + timedelta(days=IMMEDIATE_CUSTODY_SUBMIT_DAYS),
        enforcement_date + timedelta(days=IMMEDIATE_CUSTODY_APPLY_DAYS),
    )


@dataclass(frozen=True)
class Stay:
    """One placement record, as far as the same-home rule needs it."""

    start: date
    end: date | None
    is_family_home: bool
    unit_name: str


def family_home_since(stays: Sequence[Stay]) -> date | None:
    """The day the child began living in the family home of its latest stay, across
    placement records: back-to-back family-home stays with the same (named) unit count
    as one home, whatever their legal basis. None if the latest stay is not a family home."""
    if not stays or not stays[-1].is_family_home:
        return None
    since = stays[-1]
    for earlier in reversed(stays[:-1]):
        same_home = (
            earlier.is_family_home
            and since.unit_name.strip()
            and earlier.unit_name.strip().casefold() == since.unit_name.strip().casefold()
        )
        back_to_back = earlier.end is not None and earlier.end + timedelta(days=1) >= since.start
        if not (same_home and back_to_back):
            break
        since = Stay(earlier.start, since.end, True, since.unit_name)
    return since.start
