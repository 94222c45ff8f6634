"""A late school start and why. Plain Python, no Django.

The City of Stockholm's goal: a child whose placement means a change of school is in
school within the goal days of the placement (seed 005, the SAMS/UppSam chain; seven days
by default, the municipality's setting): the city's goal, not a legal deadline. A start
later than the goal names why, from a code list (issue 21; docs/rules.md), wherever the
one recording it is asked: the form and the API always, the import where the file has
the column."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .calendar import Dated

# The code list: no school place found, waiting for the school's decision, the child was
# not able to start (ill, in crisis), the protected whereabouts held it up, other.
LATE_REASONS = ("ingen_skola", "vantar_beslut", "barnet", "skyddad", "annat")


@dataclass(frozen=True)
class Goals(Dated[int]):
    """The goal as the municipality has set it over time. A placement is held to the goal
    in force on the day it began, so a change never rewrites a period already reported."""

    def between(self, first: date, last: date) -> set[int]:
        """The goals held for placements begun some day from ``first`` to ``last``."""
        return {self.on(first)} | {days for day, days in self.changes if first < day <= last}


def is_late(days: int, goal: int) -> bool:
    """Later than the goal: the goal's last day still counts as within it."""
    return days > goal


def goal_passed(began: date, goal: int, today: date) -> bool:
    """A placement without a school start has missed its goal once the goal's last day is
    over; on that day the child may still start within it."""
    return (today - began).days > goal


def late_reason_problem(days: int, goal: int, reason: str) -> str | None:
    """Why a late reason cannot be stored: "unknown" (not in the code list) or "missing"
    (a late start without one); None where it can. An on-time start keeps no reason."""
    if reason and reason not in LATE_REASONS:
        return "unknown"
    if is_late(days, goal) and not reason:
        return "missing"
    return None
