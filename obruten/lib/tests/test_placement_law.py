"""The law by age and status, as worked examples. Each row cites the rule it checks."""

from datetime import date

import pytest

from obruten.lib.cadence import (
    BasisPeriod,
    care_plan_revision_due,
    next_custody_transfer_consideration,
    review_occurrences,
    ruleset_on,
)
from obruten.lib.placement_law import (
    Status,
    Stay,
    allowed_legal_bases,
    birthday,
    care_ends,
    child_placement_rules_apply,
    family_home_since,
    immediate_custody_deadlines,
    legal_basis_age_error,
    legal_basis_status_error,
    lvu2_end_warning,
    review_kind,
    stodboende_age_error,
)

BORN = date(2008, 5, 20)  # 18 on 2026-05-20, 20 on 2028-05-20, 21 on 2029-05-20

# (birth, start, end, expected, source)
STODBOENDE = [
    (BORN, date(2024, 5, 20), None, None, "SoL 6 kap. 1 §: from the 16th birthday"),
    (BORN, date(2024, 5, 19), None, "under_16", "SoL 6 kap. 1 §: 16–20 years"),
    (date(2023, 1, 1), date(2025, 3, 1), None, "under_16", "issue 11: a two-year-old in stödboende"),
    (date(2013, 1, 1), date(2025, 3, 1), None, "under_16", "issue 11: a 12-year-old was accepted"),
    (BORN, date(2029, 5, 19), None, None, "SoL 6 kap. 1 §: the last day aged 20"),
    (BORN, date(2029, 5, 20), None, "over_20", "SoL 6 kap. 1 §: not from the 21st birthday"),
    (BORN, date(2027, 1, 1), date(2029, 6, 1), "over_20", "SoL 6 kap. 1 §: may not last past 20"),
    (date(2004, 2, 29), date(2025, 2, 28), None, "over_20", "a leap-day child turns 21 on 28 February"),
]


@pytest.mark.parametrize(("birth", "start", "end", "expected", "source"), STODBOENDE)
def test_stodboende_is_for_16_to_20_year_olds(
    birth: date, start: date, end: date | None, expected: str | None, source: str
) -> None:
    assert stodboende_age_error(birth, start, end) == expected, source


# (legal basis, start, end, expected, source)
LEGAL_BASIS_AGE = [
    ("LVU2", date(2026, 5, 19), None, None, "LVU 1 §: 2 § care is decided for a child under 18"),
    ("LVU2", date(2026, 5, 20), None, "lvu2_adult", "LVU 1 § andra stycket; 21 §: not at 18"),
    ("LVU2", date(2025, 1, 1), date(2026, 6, 1), "lvu2_after_18", "LVU 21 §: ends at 18"),
    ("LVU2", date(2025, 1, 1), date(2026, 5, 20), None, "LVU 21 §: ends on the 18th birthday"),
    ("LVU23", date(2026, 5, 20), None, "lvu2_adult", "LVU 2 and 3 §§: the 2 § part needs a child"),
    ("LVU23", date(2025, 1, 1), date(2028, 1, 1), None, "LVU 21 §: 3 § care goes on to 21"),
    ("LVU3", date(2028, 5, 19), None, None, "LVU 1 § tredje stycket: decided before 20"),
    ("LVU3", date(2028, 5, 20), None, "lvu3_over_20", "LVU 1 § tredje stycket: not at 20"),
    ("LVU3", date(2027, 1, 1), date(2029, 6, 1), "lvu3_after_21", "LVU 21 §: 3 § care ends at 21"),
    ("LVU6", date(2028, 5, 20), None, "lvu3_over_20", "LVU 6 §: immediate custody of someone under 20"),
    ("SoL", date(2027, 1, 1), None, None, "SoL: no age limit in the register"),
]


@pytest.mark.parametrize(("basis", "start", "end", "expected", "source"), LEGAL_BASIS_AGE)
def test_legal_basis_by_age(
    basis: str, start: date, end: date | None, expected: str | None, source: str
) -> None:
    assert legal_basis_age_error(basis, BORN, start, end) == expected, source


def test_lvu_care_ends_at_18_for_2_and_21_for_3() -> None:
    assert care_ends("LVU2", BORN) == date(2026, 5, 20)  # LVU 21 §
    assert care_ends("LVU3", BORN) == date(2029, 5, 20)  # LVU 21 §
    assert care_ends("LVU23", BORN) == date(2029, 5, 20)  # 3 § care goes on after the 2 § part ends
    assert care_ends("SoL", BORN) is None


# (start, accompanying, basis, expected, source)
ACCOMPANYING = [
    (date(2024, 3, 31), True, "", None, "before 1 April 2024 no decision of its own"),
    (date(2024, 3, 31), True, "SoL", "accompanying_no_decision", "issue 11: scheduled as if placed"),
    (date(2024, 4, 1), True, "", "accompanying_own_decision", "prop. 2023/24:31: its own decision"),
    (date(2024, 4, 1), True, "SoL", None, "SoL 6 kap. 1 a § (SFS 2024:80)"),
    (date(2024, 4, 1), True, "SKYB", None, "lag (2024:79) om placering av barn i skyddat boende"),
    (date(2024, 4, 1), True, "LVU2", "accompanying_own_decision", "prop. 2023/24:31: SoL or lag (2024:79)"),
    (date(2024, 4, 1), False, "SKYB", "not_accompanying", "lag (2024:79): placed with a guardian"),
    (date(2024, 4, 1), False, "", "not_accompanying", "a placed child has a decision"),
    (date(2024, 4, 1), False, "LVU6", None, "LVU 6 §"),
]


@pytest.mark.parametrize(("start", "accompanying", "basis", "expected", "source"), ACCOMPANYING)
def test_accompanying_children_under_the_rules_of_the_day(
    start: date, accompanying: bool, basis: str, expected: str | None, source: str
) -> None:
    assert legal_basis_status_error(basis, start, accompanying) == expected, source


def test_the_form_offers_the_bases_of_the_day() -> None:
    assert allowed_legal_bases(date(2024, 3, 31), True) == [""]
    assert allowed_legal_bases(date(2024, 4, 1), True) == ["SoL", "SKYB"]
    assert "SKYB" not in allowed_legal_bases(date(2024, 4, 1), False)


# (status, day, local routine after 18, expected, source)
REVIEWS = [
    (Status("SoL", BORN), date(2026, 5, 19), False, "law", "SoL 6 kap. 8 §: a child"),
    (Status("SoL", BORN), date(2026, 5, 20), False, None, "issue 11: a 19-year-old under SoL got one"),
    (
        Status("SoL", BORN),
        date(2026, 5, 20),
        True,
        "local",
        "LOCAL_REVIEW_AFTER_18: the municipality's routine",
    ),
    (Status("LVU2", BORN), date(2026, 5, 20), True, None, "LVU 21 §: 2 § care has ended"),
    (Status("LVU3", BORN), date(2028, 1, 1), False, "law", "LVU 13 § andra stycket: omprövning to 21"),
    (Status("LVU3", BORN), date(2029, 5, 20), False, None, "LVU 21 §: 3 § care has ended"),
    (Status("LVU23", BORN), date(2027, 1, 1), False, "law", "LVU 13 §: the 3 § part goes on"),
    (
        Status("SoL", BORN, placed_by_own_municipality=False),
        date(2025, 1, 1),
        False,
        None,
        "the placing municipality reviews",
    ),
    (Status("", BORN, accompanying=True), date(2024, 1, 1), False, None, "no decision, nothing to review"),
    (Status("LVU6", BORN), date(2025, 1, 1), False, None, "LVU 7–8 §§ deadlines instead"),
]


@pytest.mark.parametrize(("status", "day", "local", "expected", "source"), REVIEWS)
def test_overvagande_by_age_and_status(
    status: Status, day: date, local: bool, expected: str | None, source: str
) -> None:
    assert review_kind(status, day, local_after_18=local) == expected, source


def test_custody_and_care_plan_rules_only_for_the_own_municipalitys_children() -> None:
    assert child_placement_rules_apply(Status("SoL", BORN), date(2026, 5, 19))
    assert not child_placement_rules_apply(Status("SoL", BORN), date(2026, 5, 20))  # no longer a child
    assert not child_placement_rules_apply(
        Status("SoL", BORN, placed_by_own_municipality=False), date(2025, 1, 1)
    )
    assert not child_placement_rules_apply(Status("SKYB", BORN, accompanying=True), date(2025, 1, 1))


def test_lvu2_warning_90_days_before_the_18th_birthday() -> None:
    assert lvu2_end_warning(Status("LVU2", BORN)) == date(2026, 2, 19)  # LVU 21 §
    assert lvu2_end_warning(Status("LVU3", BORN)) is None


def test_lvu3_omprovning_counts_from_enforcement() -> None:
    # LVU 13 § andra stycket: six months from the day the decision was enforced.
    decided, enforced = date(2025, 3, 3), date(2025, 3, 10)
    assert decided < enforced
    (first,) = review_occurrences([BasisPeriod("LVU3", enforced)], [], enforced, duty_on=lambda _p, _d: True)
    assert first.due == date(2025, 9, 10)


def test_immediate_custody_deadlines() -> None:
    # LVU 7 §: to förvaltningsrätten within a week of the decision; LVU 8 §: apply for
    # care within four weeks of the enforcement.
    assert immediate_custody_deadlines(date(2025, 3, 3), date(2025, 3, 4)) == (
        date(2025, 3, 10),
        date(2025, 4, 1),
    )


FAMILY_HOME = Stay(date(2023, 1, 10), date(2024, 6, 30), True, "Familjehemmet Ek")


# (stays, consideration dates, expected due, source)
CUSTODY = [
    (
        [FAMILY_HOME, Stay(date(2024, 7, 1), None, True, "Familjehemmet Ek")],
        [],
        date(2025, 1, 10),
        "issue 11: same home from 2023-01-10, SoL→LVU 2 § on 2024-07-01; SoL 6 kap. 8 b §, LVU 13 b §",
    ),
    (
        [FAMILY_HOME, Stay(date(2024, 7, 1), None, True, "Familjehemmet Ek")],
        [date(2025, 1, 5)],
        date(2026, 1, 5),
        "SoL 6 kap. 8 b §: then yearly",
    ),
    (
        [FAMILY_HOME, Stay(date(2024, 7, 1), None, True, "Familjehemmet Björk")],
        [],
        date(2026, 7, 1),
        "another home: counted from the move",
    ),
    (
        [
            Stay(date(2023, 1, 10), date(2024, 5, 31), True, "Familjehemmet Ek"),
            Stay(date(2024, 7, 1), None, True, "Familjehemmet Ek"),
        ],
        [],
        date(2026, 7, 1),
        "a gap: the child did not live there in between",
    ),
    (
        [Stay(date(2021, 1, 10), None, True, "Familjehemmet Ek")],
        [],
        date(2023, 1, 10),
        "SFS 2022:665: two years where the two years end after 1 July 2022",
    ),
    (
        [Stay(date(2020, 3, 1), None, True, "Familjehemmet Ek")],
        [],
        date(2022, 7, 1),
        "two years passed before 1 July 2022, three not: due when SFS 2022:665 came into force",
    ),
    (
        [Stay(date(2018, 9, 1), None, True, "Familjehemmet Ek")],
        [],
        date(2021, 9, 1),
        "SFS 2020:1260: three years before 1 July 2022",
    ),
]


@pytest.mark.parametrize(("stays", "done", "expected", "source"), CUSTODY)
def test_custody_transfer_counts_from_moving_into_the_same_home(
    stays: list[Stay], done: list[date], expected: date, source: str
) -> None:
    since = family_home_since(stays)
    assert since is not None
    assert next_custody_transfer_consideration(since, done, adult_on=date(2040, 1, 1)) == expected, source


def test_no_custody_consideration_after_18() -> None:
    # SoL 6 kap. 8 b §: a child; the 2-year point falls after the 18th birthday.
    assert next_custody_transfer_consideration(date(2025, 1, 1), [], adult_on=birthday(BORN, 18)) is None
    assert family_home_since([Stay(date(2025, 1, 1), None, False, "HVB")]) is None


# (start, revisions, local years, adult on, expected, source)
CARE_PLAN = [
    (
        date(2024, 2, 29),
        [],
        0,
        None,
        date(2026, 2, 28),
        "SoL 11 kap. 3 § (SFS 2020:1260): at the latest after two years",
    ),
    (
        date(2024, 2, 29),
        [date(2026, 2, 1)],
        0,
        None,
        None,
        "issue 11: 'then every two years' is not in the law",
    ),
    (
        date(2024, 2, 29),
        [date(2026, 2, 1)],
        2,
        None,
        date(2028, 2, 1),
        "LOCAL_CARE_PLAN_REVISION_YEARS: local routine",
    ),
    (date(2018, 1, 1), [], 0, None, date(2021, 3, 1), "SFS 2020:1260 in force 1 March 2021"),
    (date(2025, 1, 1), [], 0, date(2026, 5, 20), None, "SoL 11 kap. 3 §: a care plan that concerns a child"),
]


@pytest.mark.parametrize(("start", "revisions", "local", "adult_on", "expected", "source"), CARE_PLAN)
def test_care_plan_revision(
    start: date, revisions: list[date], local: int, adult_on: date | None, expected: date | None, source: str
) -> None:
    assert care_plan_revision_due(start, revisions, adult_on=adult_on, local_then_years=local) == expected, (
        source
    )


def test_custody_sources_cite_8_b() -> None:
    assert "8 b §" in ruleset_on(date(2024, 7, 1)).custody_source
    assert "13 b §" in ruleset_on(date(2024, 7, 1)).custody_source
    assert "2025:400" in ruleset_on(date(2025, 7, 1)).custody_source
    assert "2020:1260" in ruleset_on(date(2024, 7, 1)).care_plan_source
