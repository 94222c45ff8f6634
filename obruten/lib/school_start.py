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

# The code list: no school place found, waiting for the school's decision, the child was
# not able to start (ill, in crisis), the protected whereabouts held it up, other.
LATE_REASONS = ("ingen_skola", "vantar_beslut", "barnet", "skyddad", "annat")


@dataclass(frozen=True)
class Goals:
    """The goal as the municipality has set it over time: each change from a day on
    (ascending), and the goal before the first. A placement is held to the goal in force
    on the day it began, so a change never rewrites a period already reported."""

    default: int
    changes: tuple[tuple[date, int], ...] = ()

    def on(self, day: date) -> int:
        goal = self.default
        for valid_from, days in self.changes:
            if valid_from > day:
                break
            goal = days
        return goal

    def stretches(self) -> list[tuple[date | None, date | None, int]]:
        """(first day or None, the day after the last or None, goal) for each stretch."""
        bounds: list[date | None] = [None, *(day for day, _ in self.changes), None]
        goals = [self.default, *(days for _, days in self.changes)]
        return [(bounds[i], bounds[i + 1], goal) for i, goal in enumerate(goals)]

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
