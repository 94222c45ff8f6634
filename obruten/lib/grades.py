"""Year-9 final grades: eligibility for upper-secondary school and the meritvärde.

Sources (docs/rules.md): skollagen (2010:800) 16 kap. 29–31 §§ and 17 kap. 11 §;
gymnasieförordningen (2010:2039) 7 kap.; Skolverket, "Behörighet till gymnasieskolan" and
"Räkna ut ditt meritvärde" (utbildningsguiden.skolverket.se).

Grades are A–F; ``-`` means there was no basis for assessment (absence) and, like F, is
not a pass and counts 0. Plain Python, no Django.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

GRADE_POINTS = {"A": 20.0, "B": 17.5, "C": 15.0, "D": 12.5, "E": 10.0, "F": 0.0, "-": 0.0}
PASSING = {"A", "B", "C", "D", "E"}

SWEDISH, SWEDISH_SECOND_LANGUAGE, ENGLISH, MATHS = "SV", "SVA", "EN", "MA"
MODERN_LANGUAGE = "M2"  # moderna språk as språkval: the only subject that can be the 17th
MOTHER_TONGUE = "MLA"  # modersmål: may be among the 16 best, never the 17th

SUBJECTS = {
    "SV": "svenska",
    "SVA": "svenska som andraspråk",
    "EN": "engelska",
    "MA": "matematik",
    "BI": "biologi",
    "FY": "fysik",
    "KE": "kemi",
    "GE": "geografi",
    "HI": "historia",
    "RE": "religionskunskap",
    "SH": "samhällskunskap",
    "TK": "teknik",
    "BL": "bild",
    "HKK": "hem- och konsumentkunskap",
    "IDH": "idrott och hälsa",
    "MU": "musik",
    "SL": "slöjd",
    "MLA": "modersmål",
    "M2": "moderna språk (språkval)",
}

# Higher-education preparatory programmes: the subjects required besides Swedish,
# English and maths, and how many passes in all (gymnasieförordningen 7 kap. 5 §).
PREPARATORY_TOTAL = 12
PREPARATORY_GROUPS = {
    "ekonomi_humaniora_samhalle": ("GE", "HI", "RE", "SH"),
    "naturvetenskap_teknik": ("BI", "FY", "KE"),
    "estetiska": (),
}
VOCATIONAL_OTHER_SUBJECTS = 5  # 7 kap. 4 §: Swedish, English, maths and five more
PROGRAMME_ORIENTED_OTHER_SUBJECTS = 4  # programinriktat val: Swedish, English or maths, four more


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    missing: tuple[str, ...] = field(default=())  # plain Swedish reasons, e.g. "godkänt i engelska"

    def reason(self) -> str:
        return "" if self.eligible else "saknar " + ", ".join(self.missing)


@dataclass(frozen=True)
class Year9Result:
    vocational: Eligibility
    preparatory: dict[str, Eligibility]
    programme_oriented: Eligibility  # introduktionsprogram: programinriktat val
    meritvarde: float
    passed: int


def passed(grades: Mapping[str, str]) -> set[str]:
    return {subject for subject, grade in grades.items() if grade in PASSING}


def _core_missing(ok: set[str], *, needs_maths: bool = True, needs_english: bool = True) -> list[str]:
    missing = []
    if not ok & {SWEDISH, SWEDISH_SECOND_LANGUAGE}:
        missing.append("godkänt i svenska eller svenska som andraspråk")
    if needs_english and ENGLISH not in ok:
        missing.append("godkänt i engelska")
    if needs_maths and MATHS not in ok:
        missing.append("godkänt i matematik")
    return missing


def _others(ok: set[str]) -> set[str]:
    return ok - {SWEDISH, SWEDISH_SECOND_LANGUAGE, ENGLISH, MATHS}


def vocational(grades: Mapping[str, str]) -> Eligibility:
    ok = passed(grades)
    missing = _core_missing(ok)
    others = len(_others(ok))
    if others < VOCATIONAL_OTHER_SUBJECTS:
        missing.append(f"godkänt i {VOCATIONAL_OTHER_SUBJECTS - others} ämnen till")
    return Eligibility(not missing, tuple(missing))


def preparatory(grades: Mapping[str, str], group: str) -> Eligibility:
    ok = passed(grades)
    missing = _core_missing(ok)
    required = PREPARATORY_GROUPS[group]
    missing += [f"godkänt i {SUBJECTS[s]}" for s in required if s not in ok]
    others_needed = PREPARATORY_TOTAL - 3
    others = len(_others(ok))
    if others < others_needed:
        missing.append(f"godkänt i {others_needed - others} ämnen till")
    return Eligibility(not missing, tuple(missing))


def programme_oriented(grades: Mapping[str, str]) -> Eligibility:
    """Programinriktat val (an introduction programme towards a vocational programme)."""
    ok = passed(grades)
    missing = _core_missing(ok, needs_maths=False, needs_english=False)
    if not ok & {ENGLISH, MATHS}:
        missing.append("godkänt i engelska eller matematik")
    others = len(_others(ok))
    if ok & {ENGLISH, MATHS} == {ENGLISH, MATHS}:
        others += 1  # the one of English and maths not needed above counts as another subject
    if others < PROGRAMME_ORIENTED_OTHER_SUBJECTS:
        missing.append(f"godkänt i {PROGRAMME_ORIENTED_OTHER_SUBJECTS - others} ämnen till")
    return Eligibility(not missing, tuple(missing))


def meritvarde(grades: Mapping[str, str]) -> float:
    """The 16 best subject grades, plus a modern language (språkval) as the 17th.

    Modersmål may be among the 16 but is never the 17th. At most 340.0."""
    for subject, grade in grades.items():
        if grade not in GRADE_POINTS:
            raise ValueError(f"{subject}: {grade!r} is not a grade (A–F or -)")
    sixteen = sorted((GRADE_POINTS[g] for s, g in grades.items() if s != MODERN_LANGUAGE), reverse=True)[:16]
    seventeenth = GRADE_POINTS.get(grades.get(MODERN_LANGUAGE, ""), 0.0)
    return round(sum(sixteen) + seventeenth, 1)


def year9_result(grades: Mapping[str, str]) -> Year9Result:
    return Year9Result(
        vocational=vocational(grades),
        preparatory={group: preparatory(grades, group) for group in PREPARATORY_GROUPS},
        programme_oriented=programme_oriented(grades),
        meritvarde=meritvarde(grades),
        passed=len(passed(grades)),
    )
