"""Eligibility for upper-secondary school and meritvärde, as worked examples after
Skolverket's rules (gymnasieförordningen 7 kap.; "Räkna ut ditt meritvärde")."""

import pytest

from obruten.lib.grades import meritvarde, preparatory, programme_oriented, vocational, year9_result

ALL_SUBJECTS = [
    "SV",
    "EN",
    "MA",
    "BI",
    "FY",
    "KE",
    "GE",
    "HI",
    "RE",
    "SH",
    "TK",
    "BL",
    "HKK",
    "IDH",
    "MU",
    "SL",
]


def grades(default: str = "E", **overrides: str) -> dict[str, str]:
    result = dict.fromkeys(ALL_SUBJECTS, default)
    result.update(overrides)
    return result


# (description, grades, vocational?, reason if not)
VOCATIONAL_EXAMPLES = [
    ("E in all sixteen subjects", grades(), True, ""),
    ("Swedish as a second language instead of Swedish", {**grades(), "SV": "F", "SVA": "E"}, True, ""),
    ("F in English", grades(EN="F"), False, "saknar godkänt i engelska"),
    ("no basis for assessment in maths is not a pass", grades(MA="-"), False, "saknar godkänt i matematik"),
    (
        "F in Swedish and no SVA",
        grades(SV="F"),
        False,
        "saknar godkänt i svenska eller svenska som andraspråk",
    ),
    (
        "the three core subjects and exactly five more",
        {"SV": "C", "EN": "D", "MA": "E", "BI": "E", "HI": "E", "IDH": "A", "BL": "B", "MU": "E"},
        True,
        "",
    ),
    (
        "the core and four more",
        {"SV": "C", "EN": "D", "MA": "E", "BI": "E", "HI": "E", "IDH": "A", "BL": "B"},
        False,
        "saknar godkänt i 1 ämnen till",
    ),
]


@pytest.mark.parametrize(("case", "given", "eligible", "reason"), VOCATIONAL_EXAMPLES)
def test_vocational_programmes(case: str, given: dict[str, str], eligible: bool, reason: str) -> None:
    result = vocational(given)
    assert (result.eligible, result.reason()) == (eligible, reason), case


def test_natural_science_needs_biology_physics_and_chemistry() -> None:
    result = preparatory(grades(FY="F"), "naturvetenskap_teknik")
    assert result.reason() == "saknar godkänt i fysik"
    assert preparatory(grades(FY="F"), "ekonomi_humaniora_samhalle").eligible


def test_social_science_needs_geography_history_religion_and_civics() -> None:
    result = preparatory(grades(SH="F", RE="-"), "ekonomi_humaniora_samhalle")
    assert result.reason() == "saknar godkänt i religionskunskap, godkänt i samhällskunskap"
    assert preparatory(grades(SH="F", RE="-"), "naturvetenskap_teknik").eligible


def test_preparatory_programmes_need_twelve_passes() -> None:
    eleven = {s: "E" for s in ALL_SUBJECTS[:11]}
    assert preparatory(eleven, "estetiska").reason() == "saknar godkänt i 1 ämnen till"
    twelve = {s: "E" for s in ALL_SUBJECTS[:12]}
    assert preparatory(twelve, "estetiska").eligible
    # Twelve passes, but without the science subjects required for natural science.
    assert not preparatory(
        {s: "E" for s in ["SV", "EN", "MA", "GE", "HI", "RE", "SH", "TK", "BL", "HKK", "IDH", "MU"]},
        "naturvetenskap_teknik",
    ).eligible


def test_programme_oriented_choice_needs_swedish_english_or_maths_and_four_more() -> None:
    assert programme_oriented({"SV": "E", "MA": "E", "BI": "E", "BL": "E", "IDH": "E", "MU": "E"}).eligible
    # English and maths both passed: the second counts as one of the four.
    assert programme_oriented({"SV": "E", "MA": "E", "EN": "E", "BL": "E", "IDH": "E", "MU": "E"}).eligible
    result = programme_oriented({"SV": "E", "BI": "E", "BL": "E", "IDH": "E", "MU": "E"})
    assert result.reason() == "saknar godkänt i engelska eller matematik"


# (description, grades, meritvärde)
MERIT_EXAMPLES = [
    ("E in sixteen subjects", grades(), 160.0),
    ("A in sixteen subjects and A in a modern language: the maximum", {**grades("A"), "M2": "A"}, 340.0),
    ("E in sixteen and C in a modern language as the 17th", {**grades(), "M2": "C"}, 175.0),
    (
        "a seventeenth ordinary subject does not count: only the best sixteen",
        {**grades(), "MLA": "A"},
        170.0,
    ),  # modersmål A replaces one E among the 16
    ("modersmål is never the 17th", {**grades("A"), "MLA": "A"}, 320.0),
    ("F and - count 0", grades(EN="F", MA="-"), 140.0),
    ("B is 17.5, D is 12.5: kept with one decimal", {"SV": "B", "EN": "D", "MA": "B"}, 47.5),
]


@pytest.mark.parametrize(("case", "given", "expected"), MERIT_EXAMPLES)
def test_meritvarde(case: str, given: dict[str, str], expected: float) -> None:
    assert meritvarde(given) == expected, case


def test_a_grade_outside_the_scale_is_refused() -> None:
    with pytest.raises(ValueError, match="not a grade"):
        meritvarde({"SV": "G"})


def test_the_result_names_every_programme_group() -> None:
    result = year9_result(grades(EN="F"))
    assert result.vocational.reason() == "saknar godkänt i engelska"
    assert set(result.preparatory) == {"ekonomi_humaniora_samhalle", "naturvetenskap_teknik", "estetiska"}
    assert result.passed == 15


def test_each_programme_eligibility_implies_the_wider_ones() -> None:
    """The year-9 report's protection assumes, as anyone reading gymnasieförordningen 7 kap.
    4–5 §§ would: a higher-education preparatory group (ekonomi, natur) implies the
    estetiska programmes' eligibility, which implies a vocational programme's, which implies
    programinriktat val's. Checked on every pattern of passes over the subjects that matter."""
    core = ["SV", "EN", "MA"]
    named = ["GE", "HI", "RE", "SH", "BI", "FY", "KE"]
    others = ["TK", "BL", "HKK", "IDH", "MU", "SL"]
    checked = 0
    for core_mask in range(8):
        for named_mask in range(1 << len(named)):
            for n_others in range(len(others) + 1):
                passes = [s for i, s in enumerate(core) if core_mask >> i & 1]
                passes += [s for i, s in enumerate(named) if named_mask >> i & 1] + others[:n_others]
                result = year9_result({s: ("E" if s in passes else "F") for s in core + named + others})
                for group in ("ekonomi_humaniora_samhalle", "naturvetenskap_teknik"):
                    assert result.preparatory["estetiska"].eligible or not result.preparatory[group].eligible
                assert result.vocational.eligible or not result.preparatory["estetiska"].eligible
                assert result.programme_oriented.eligible or not result.vocational.eligible
                checked += 1
    assert checked == 8 * 128 * 7
