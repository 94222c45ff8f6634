"""Who is in Skolfam's target group, as the municipality defines it. Plain Python, no Django.

Stockholm's definition (seed 001, "Skolfam"): children in family homes (recruited and
kinship homes alike), placed in Stockholm County, 6–12 years old when they start, the
intervention lasting through grundskola. The expected length of a placement is not
recorded in Obruten; a municipality that wants "long-term" can ask for a least time placed
so far (``min_months_placed``). docs/rules.md."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .calendar import add_months
from .placement_law import birthday


@dataclass(frozen=True)
class TargetGroup:
    forms: frozenset[str]  # placement form codes
    age_from: int  # age on the day, inclusive
    age_to: int
    county: str  # the county code the child must be placed in; "" any
    min_months_placed: int = 0


def in_target_group(
    group: TargetGroup,
    *,
    birth_date: date,
    day: date,
    form: str,
    county: str | None,
    placed_since: date,
) -> bool:
    """A child placed on ``day`` in ``form`` since ``placed_since``, in the county
    ``county`` (None: not recorded, which a protected child's placement often is: not
    held against the child)."""
    return (
        form in group.forms
        and birthday(birth_date, group.age_from) <= day < birthday(birth_date, group.age_to + 1)
        and (not group.county or county is None or county == group.county)
        and add_months(placed_since, group.min_months_placed) <= day
    )
