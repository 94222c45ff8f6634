"""Linked suppression: an attacker who combines every output of a period — all filters,
girls and boys, every period of the year — narrows no count of 1–4 to an interval that
excludes 0 or 5 (issue 10)."""

from __future__ import annotations

from typing import Any

import pytest

from obruten.lib.disclosure import Relation, as_they_hold, protect, weak_cells
from obruten.register.models import District, PlacementForm
from obruten.statistics import protection
from obruten.statistics.definitions import REPORTS, Params
from obruten.statistics.protection import (
    ProtectedReport,
    _months,
    _tilings,
    _view_relations,
    linking,
    run_report,
)

YEAR = 2025
SEXES = ("", "F", "M")


@pytest.fixture
def demo_data(shared_demo: None) -> None:
    """The small demo, built once for the module (conftest.demo_year)."""


def _periods(name: str) -> list[str]:
    if linking(name).periods in {"overlap", "additive"}:
        return ["", "T1", "T2", "T3", "T2-ACK"]
    return [""]


def _published(
    report: ProtectedReport, view: tuple[str, str], *, exact_where_they_hold: bool = False
) -> tuple[dict, set, set, list[Relation]]:
    """What a table tells: its cells (hidden ones are unknowns), that each row and column
    adds up to its total — or, for distinct totals, lies between its cells' largest and
    their sum — and what its counting rule says of its columns (a part of the children of
    another column)."""
    table = report.table
    rows = [protection.TOTAL if r == protection.CITY_TOTAL else r for r in table.row_labels]  # the cube's key
    cols = table.col_labels
    values: dict[Any, int] = {}
    hidden: set[Any] = set()
    primary: set[Any] = set()
    relations: list[Relation] = []
    for r, row in enumerate(table.grid):
        for c, value in enumerate(row):
            key = (*view, rows[r], cols[c])
            values[key] = value
            hidden |= {key} if (r, c) in table.hidden else set()
            primary |= {key} if (r, c) in table.primary else set()
    counts = report.definition.compute(report.params)
    relations += _view_relations(view, counts)
    if exact_where_they_hold:  # the reader who finds the totals add up assumes they do
        relations = as_they_hold(values, relations)
    return values, hidden, primary, relations


def _holds(relation: Relation, values: dict) -> bool:
    return all(key in values for key in relation.cells()) and relation.holds(values)


def _attack(name: str, *, exact_where_they_hold: bool = False) -> set:
    """Every report of one name for every period of the year and every sex, combined; with
    ``exact_where_they_hold``, the attacker also assumes every sum adds up wherever it does
    in the data (issue 19)."""
    values: dict[Any, int] = {}
    hidden: set[Any] = set()
    primary: set[Any] = set()
    relations: list[Relation] = []
    periods = _periods(name)
    for period in periods:
        for sex in SEXES:
            report = run_report(name, Params(year=YEAR, period=period, sex=sex), actor=None, via="test")
            protected_with = report.table.rules
            v, h, p, r = _published(report, (period, sex), exact_where_they_hold=exact_where_they_hold)
            values |= v
            hidden |= h
            primary |= p
            relations += r
    labels = {(row, col) for (_p, _s, row, col) in values}
    for period in periods:
        for row, col in labels:
            relations.append(
                Relation((period, "", row, col), ((period, "F", row, col), (period, "M", row, col)))
            )
    if len(periods) > 1:
        exact = linking(name).periods == "additive"
        months = {period: _months(Params(year=YEAR), period) for period in periods}
        for period in periods:
            smaller = {p: m for p, m in months.items() if m < months[period]}
            for tiling in _tilings(months[period], smaller):
                for sex in SEXES:
                    for row, col in labels:
                        parts = tuple((part, sex, row, col) for part in tiling)
                        relations.append(Relation((period, sex, row, col), parts, exact=exact))
    # The attacker knows the counting rule; a relation the figures break is not that rule.
    relations = [r for r in relations if _holds(r, values)]
    return weak_cells(values, hidden, relations, primary, protected_with)


def test_girls_and_boys_beside_all_children_recover_nothing(demo_data: None) -> None:
    """The issue's reproduction: placements 2025, all vs --sex F vs --sex M. Protected one
    table at a time, subtracting recovered hidden counts."""
    values: dict[Any, int] = {}
    hidden: set[Any] = set()
    primary: set[Any] = set()
    relations: list[Relation] = []
    for sex in SEXES:
        report = run_report("placements", Params(year=YEAR, sex=sex), actor=None, via="test")
        v, h, p, r = _published(report, ("", sex))
        values, hidden, primary, relations = values | v, hidden | h, primary | p, relations + r
    labels = {(row, col) for (_p, _s, row, col) in values}
    relations += [Relation(("", "", *rc), (("", "F", *rc), ("", "M", *rc))) for rc in labels]
    relations = [r for r in relations if _holds(r, values)]
    assert primary
    assert weak_cells(values, hidden, relations, primary) == set()


def test_the_same_tables_protected_one_at_a_time_would_not(demo_data: None) -> None:
    values: dict[Any, int] = {}
    hidden: set[Any] = set()
    primary: set[Any] = set()
    relations: list[Relation] = []
    for sex in SEXES:
        report = run_report("placements", Params(year=YEAR, sex=sex), actor=None, via="test")
        alone = protect(
            report.table.row_labels[:-1],
            report.table.col_labels[:-1],
            [list(r[:-1]) for r in report.table.grid[:-1]],
        )
        lone = ProtectedReport(report.definition, report.params, alone, ())
        v, h, p, r = _published(lone, ("", sex))
        values, hidden, primary, relations = values | v, hidden | h, primary | p, relations + r
    labels = {(row, col) for (_p, _s, row, col) in values}
    relations += [Relation(("", "", *rc), (("", "F", *rc), ("", "M", *rc))) for rc in labels]
    relations = [r for r in relations if _holds(r, values)]
    assert weak_cells(values, hidden, relations, primary)


def test_every_period_and_sex_combined_recover_nothing(demo_data: None) -> None:
    # One demo for every report: building it is most of the test's time.
    for name in sorted(REPORTS):
        assert _attack(name) == set(), name
        assert _attack(name, exact_where_they_hold=True) == set(), name


def test_a_district_or_form_filter_shows_a_slice_of_the_whole_table(demo_data: None) -> None:
    """A filtered table shows nothing but the unfiltered table's row or column, hidden
    where it is, so it tells an attacker nothing more."""
    for sex in SEXES:
        whole = run_report("placements", Params(year=YEAR, sex=sex), actor=None, via="test").table
        cell = {
            (whole.row_labels[r], whole.col_labels[c]): whole.display(r, c)
            for r in range(len(whole.grid))
            for c in range(len(whole.grid[0]))
        }
        for district in District.objects.filter(name__in=whole.row_labels[:-1]):
            part = run_report(
                "placements", Params(year=YEAR, sex=sex, district=district.code), actor=None, via="test"
            ).table
            for c, col in enumerate(part.col_labels):
                assert part.display(0, c) in {"*", cell[(district.name, col)]}
        for form in PlacementForm.objects.filter(name__in=whole.col_labels[:-1]):
            part = run_report(
                "placements", Params(year=YEAR, sex=sex, form=form.code), actor=None, via="test"
            ).table
            for r, row in enumerate(part.row_labels):
                assert part.display(r, 0) in {"*", cell[(row, form.name)]}
