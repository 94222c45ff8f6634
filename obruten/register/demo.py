"""Synthetic demo data, deterministic per seed.

Personal identity numbers are generated with a valid date and check digit; they are
synthetic and documented as such (docs/demo-data.md). Names are drawn from short
lists of common Swedish names. The district × placement-form mix follows the 2020
table in the City of Stockholm's report "Stöd till placerade barn och unga"
(seed 001), with its hidden cells (`*`) taken as 2.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction

from obruten import municipal
from obruten.accounts.models import Role, User
from obruten.audit import log as audit
from obruten.lib import placement_law
from obruten.lib import school_start as school_start_rule
from obruten.lib.personnummer import luhn_check_digit

from .models import (
    Child,
    District,
    ExitDestination,
    LateSchoolStartReason,
    LegalBasis,
    Municipality,
    Placement,
    PlacementForm,
    ProtectedIdentity,
    School,
    SchoolStart,
)

# Seed 001, 2020: SiS, HVB, jourhem, familjehem, skyddat boende, stödboende.
FORMS_2020 = ("sis", "hvb", "jourhem", "familjehem", "skyddat_boende", "stodboende")
MIX_2020 = {
    "rinkeby-kista": (25, 57, 115, 94, 2, 35),
    "spanga-tensta": (17, 31, 75, 56, 0, 25),
    "hasselby-vallingby": (8, 42, 87, 75, 4, 8),
    "bromma": (2, 16, 47, 38, 0, 4),
    "kungsholmen": (2, 9, 17, 16, 0, 4),
    "norrmalm": (4, 15, 11, 10, 2, 6),
    "ostermalm": (2, 2, 13, 11, 0, 5),
    "sodermalm": (8, 18, 57, 36, 2, 28),
    "enskede-arsta-vantor": (14, 41, 138, 79, 2, 16),
    "skarpnack": (2, 12, 49, 48, 0, 9),
    "farsta": (11, 22, 55, 46, 4, 17),
    "hagersten-alvsjo": (10, 34, 56, 58, 2, 29),
    "skarholmen": (2, 10, 97, 55, 2, 7),
}
FIRST_NAMES = {
    "F": [
        "Alva",
        "Elsa",
        "Maja",
        "Ella",
        "Wilma",
        "Saga",
        "Ebba",
        "Alice",
        "Nora",
        "Leah",
        "Amira",
        "Hanna",
        "Sara",
        "Yasmin",
        "Fatima",
        "Selma",
        "Olivia",
        "Lilly",
    ],
    "M": [
        "William",
        "Liam",
        "Noah",
        "Hugo",
        "Lucas",
        "Adam",
        "Elias",
        "Omar",
        "Ali",
        "Oscar",
        "Viktor",
        "Leo",
        "Mohammed",
        "Isak",
        "Theo",
        "Ahmed",
        "Filip",
        "Anton",
    ],
}
LAST_NAMES = [
    "Andersson",
    "Johansson",
    "Karlsson",
    "Nilsson",
    "Eriksson",
    "Larsson",
    "Olsson",
    "Persson",
    "Svensson",
    "Gustafsson",
    "Hassan",
    "Ali",
    "Mohamed",
    "Lindberg",
    "Berg",
    "Lund",
    "Ahmadi",
    "Abdi",
    "Holm",
    "Sandberg",
    "Yilmaz",
    "Nyberg",
]
DEMO_PASSWORD = "Obruten-demo-2026"  # noqa: S105 - printed by `make run`; demo mode only
MERGERS_2023 = {
    "rinkeby-kista": "jarva",
    "spanga-tensta": "jarva",
    "norrmalm": "norra-innerstaden",
    "ostermalm": "norra-innerstaden",
}


@dataclass(frozen=True)
class Scale:
    new_placements_per_year: int
    years: int


SCALES = {"small": Scale(250, 5), "city": Scale(1350, 5), "national": Scale(23000, 10)}


def synthetic_personal_number(rng: random.Random, birth: date, female: bool) -> str:
    serial = rng.randrange(0, 100) * 10 + rng.choice([0, 2, 4, 6, 8] if female else [1, 3, 5, 7, 9])
    nine = f"{birth:%y%m%d}{serial:03d}"
    return f"{birth:%Y%m%d}{serial:03d}{luhn_check_digit(nine)}"


def demo_users() -> list[tuple[str, str, str, list[str]]]:
    """(username, full name, role, district codes) of the demo logins."""
    return [
        ("handlaggare.farsta", "Fatima Farsta", Role.CASE_WORKER, ["farsta"]),
        ("handlaggare2.farsta", "Filip Farsta", Role.CASE_WORKER, ["farsta"]),
        ("handlaggare.bromma", "Britt Bromma", Role.CASE_WORKER, ["bromma"]),
        ("skolsamordnare.farsta", "Sam Samordnare", Role.SCHOOL_COORDINATOR, ["farsta"]),
        ("skolfam.farsta", "Sofia Skolfam", Role.SKOLFAM, ["farsta"]),
        ("larteamet", "Lars Lärteamet", Role.LARTEAMET, ["*"]),
        ("enhetschef.farsta", "Erik Enhetschef", Role.UNIT_MANAGER, ["farsta"]),
        ("analytiker", "Anna Analytiker", Role.ANALYST, []),
        ("admin", "Ada Administratör", Role.ADMINISTRATOR, []),
    ]


def create_demo_users() -> list[User]:
    users = []
    all_districts = list(District.objects.all())
    for username, name, role, codes in demo_users():
        first, last = name.split(" ", 1)
        user, _ = User.objects.update_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "role": role,
                "is_staff": role == Role.ADMINISTRATOR,
                "is_superuser": role == Role.ADMINISTRATOR,
                "email": f"{username}@demo.invalid",
            },
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        user.districts.set(all_districts if codes == ["*"] else District.objects.filter(code__in=codes))
        users.append(user)
    return users


@transaction.atomic
def generate(*, seed: int, scale: str, today: date) -> dict[str, int]:
    rng = random.Random(seed)
    plan = SCALES[scale]
    districts = {d.code: d for d in District.objects.all()}
    forms = {f.code: f for f in PlacementForm.objects.all()}
    stockholm = Municipality.objects.get(code="0180")
    other_municipalities = list(Municipality.objects.exclude(code="0180"))
    users = {u.username: u for u in create_demo_users()}
    schools = _schools(rng, stockholm)

    cells = [(d, f, w) for d, weights in MIX_2020.items() for f, w in zip(FORMS_2020, weights, strict=True)]
    cells += [(d, "behandlingsfamilj", 3) for d in MIX_2020] + [(d, "narstaendehem", 8) for d in MIX_2020]
    population = [(d, f) for d, f, _ in cells]
    weights = [w for _, _, w in cells]

    first_year = today.year - plan.years + 1
    children: list[Child] = []
    placements: list[tuple[int, Placement]] = []
    used_numbers: set[str] = set(Child.objects.values_list("personal_number", flat=True))
    for year in range(first_year, today.year + 1):
        year_end = min(date(year, 12, 31), today)
        for _ in range(plan.new_placements_per_year):
            district_code, form_code = rng.choices(population, weights)[0]
            start = date(year, 1, 1) + timedelta(days=rng.randrange((year_end - date(year, 1, 1)).days + 1))
            if start >= date(2023, 7, 1):
                district_code = MERGERS_2023.get(district_code, district_code)
            age = rng.randrange(3, 18)
            if form_code == "stodboende":
                age = 17 + age % 4  # stödboende is for 16–20-year-olds (docs/rules.md)
            birth = date(start.year - age, rng.randrange(1, 13), rng.randrange(1, 29))
            female = rng.random() < 0.45
            pnr = synthetic_personal_number(rng, birth, female)
            while pnr in used_numbers:
                pnr = synthetic_personal_number(rng, birth, female)
            used_numbers.add(pnr)
            sex = "F" if female else "M"
            protected = form_code == "skyddat_boende" or rng.random() < 0.01
            child = Child(
                personal_number=pnr,
                first_name=rng.choice(FIRST_NAMES[sex]),
                last_name=rng.choice(LAST_NAMES),
                birth_date=birth,
                sex=sex,
                home_municipality=stockholm if rng.random() < 0.93 else rng.choice(other_municipalities),
                unaccompanied=rng.random() < 0.05,
                protected_identity=ProtectedIdentity.PROTECTED_REGISTRATION
                if protected and rng.random() < 0.5
                else ProtectedIdentity.NONE,
                address=f"Demogatan {rng.randrange(1, 200)}",
                district=districts[district_code],
            )
            children.append(child)
            for placement in _placements(
                rng, child, district_code, form_code, start, today, districts, forms, stockholm
            ):
                placements.append((len(children) - 1, placement))

    Child.objects.bulk_create(children, batch_size=2000)
    _assign_case_workers(children, users)
    for index, placement in placements:
        placement.child = children[index]
    _exits(random.Random(seed * 104729), placements, schools)  # its own draws: the rest stay as they were
    _locations(random.Random(seed * 130363), placements, stockholm, other_municipalities)
    Placement.objects.bulk_create([p for _, p in placements], batch_size=2000)
    school_starts = []
    reasons = random.Random(seed * 7919)  # its own draws: the rest stay as they were
    for _, placement in placements:
        if not placement.school_change or rng.random() < 0.02:
            continue
        days = max(0, int(rng.gammavariate(1.6, 3.5)))
        first_day = placement.start_date + timedelta(days=days)
        if first_day > today or (placement.end_date and first_day > placement.end_date):
            continue
        school = rng.choice(schools)
        taught = placement.is_protected_housing and reasons.random() < 0.6  # by Lärteamet, in the housing
        school_starts.append(
            SchoolStart(
                placement=placement,
                school=None if taught else school,
                taught_by_larteamet=taught,
                first_school_day=first_day,
                days_to_school_start=days,
                late_reason=_late_reason(reasons, placement)
                if school_start_rule.is_late(days, municipal.school_start_goal_on(placement.start_date))
                else "",
            )
        )
    SchoolStart.objects.bulk_create(school_starts, batch_size=2000)
    audit.record(
        actor=None,
        action=audit.Action.IMPORT,
        via=f"obruten demo --seed {seed} --scale {scale}",
        changes={"children": len(children), "placements": len(placements)},
    )
    refresh_planner_statistics()
    return {"children": len(children), "placements": len(placements), "school_starts": len(school_starts)}


def _late_reason(rng: random.Random, placement: Placement) -> str:
    """A reason for a late start; the protected whereabouts hold up most of those in
    protected housing, and one in ten is not given (recorded before the code list)."""
    if rng.random() < 0.1:
        return ""
    if placement.is_protected_housing and rng.random() < 0.5:
        return LateSchoolStartReason.PROTECTED
    return rng.choice([r for r in LateSchoolStartReason.values if r != LateSchoolStartReason.PROTECTED])


def refresh_planner_statistics() -> None:
    """After a bulk load, tell PostgreSQL's planner how large the tables are. Until
    autovacuum does, it takes them for empty and may pick a nested loop that reads a
    table once per row of another (minutes instead of milliseconds)."""
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _exits(rng: random.Random, placements: list[tuple[int, Placement]], schools: list[School]) -> None:
    """Where each child went when a placement ended: the next placement, or (after the last)
    home for most, own housing or another municipality for some; the school after, mostly."""
    for (child, placement), (next_child, _next) in zip(
        placements, [*placements[1:], (-1, None)], strict=True
    ):
        if placement.end_date is None:
            continue
        if next_child == child:
            placement.exit_destination = ExitDestination.NEW_PLACEMENT
            continue
        placement.exit_destination = rng.choices(
            [ExitDestination.HOME, ExitDestination.OWN_HOUSING, ExitDestination.OTHER_MUNICIPALITY, ""],
            weights=[55, 15, 10, 20],
        )[0]
        if placement.exit_destination == ExitDestination.HOME and rng.random() < 0.8:
            placement.school_after = rng.choice(schools)


def _locations(
    rng: random.Random, placements: list[tuple[int, Placement]], own: Municipality, others: list[Municipality]
) -> None:
    """Where each placement is: most in the own municipality or the county around it, protected
    housing mostly outside (a protected child is placed away from those it hides from), and
    one in twenty not recorded."""
    county = [m for m in others if m.code[:2] == own.code[:2]]
    for _child, placement in placements:
        draw = rng.random()
        inside = 0.25 if placement.is_protected_housing else 0.6
        if draw < 0.05:
            continue
        placement.location_municipality = (
            own if draw < inside else rng.choice(county) if county and draw < 0.9 else rng.choice(others)
        )


def _placements(
    rng: random.Random,
    child: Child,
    district_code: str,
    form_code: str,
    start: date,
    today: date,
    districts: dict[str, District],
    forms: dict[str, PlacementForm],
    stockholm: Municipality,
) -> Iterator[Placement]:
    """One to three consecutive placements (omplaceringar) of one child."""
    for _ in range(rng.choice([1, 1, 1, 2, 2, 3])):
        if start > today:
            return
        length = int(rng.expovariate(1 / 420)) + 14
        end = start + timedelta(days=length)
        district = districts[
            MERGERS_2023.get(district_code, district_code) if start >= date(2023, 7, 1) else district_code
        ]
        if form_code == "stodboende" and placement_law.stodboende_age_error(child.birth_date, start, end):
            form_code = "hvb"
        form = forms[form_code]
        accompanying = form_code == "skyddat_boende" and rng.random() < 0.5
        drawn = rng.choice(
            [LegalBasis.SOL] * 6
            + [LegalBasis.LVU2] * 3
            + [LegalBasis.LVU3] * (2 if form_code in {"sis", "hvb"} else 0)
        )
        yield Placement(
            form=form,
            accompanying=accompanying,
            legal_basis=_lawful_basis(drawn, child.birth_date, start, min(end, today), accompanying),
            start_date=start,
            end_date=end if end < today else None,
            district=district,
            placing_municipality=stockholm,
            school_change=rng.random() < 0.6,
            unit_name=f"Demohem {rng.randrange(1, 500)}",
            address=f"Placeringsvägen {rng.randrange(1, 300)}",
        )
        if end >= today:
            return
        start = end + timedelta(days=1)
        form_code = rng.choice(["familjehem", "hvb", "jourhem", "stodboende", form_code])


def _lawful_basis(drawn: str, birth: date, start: date, until: date, accompanying: bool) -> str:
    """The drawn legal basis, or the one the law allows on that date and at that age
    (medföljande before and after 1 April 2024; LVU 2 § ends at 18, 3 § at 21)."""
    allowed = placement_law.allowed_legal_bases(start, accompanying)
    if drawn not in allowed:
        return allowed[0] if drawn == LegalBasis.SOL or len(allowed) == 1 else allowed[-1]
    if placement_law.legal_basis_age_error(drawn, birth, start, until):
        return LegalBasis.SOL
    return drawn


def _assign_case_workers(children: list[Child], users: dict[str, User]) -> None:
    farsta = [users["handlaggare.farsta"], users["handlaggare2.farsta"]]
    for index, child in enumerate(children):
        if child.district.code == "farsta":
            child.case_worker = farsta[index % 2]
        elif child.district.code == "bromma":
            child.case_worker = users["handlaggare.bromma"]
    Child.objects.bulk_update([c for c in children if c.case_worker], ["case_worker"], batch_size=2000)


def _schools(rng: random.Random, municipality: Municipality) -> list[School]:
    names = ["Demoskolan", "Exempelskolan", "Provskolan", "Testbyskolan", "Påhittsskolan"]
    # Each school in one of today's districts, so "Farsta" finds Farsta's schools.
    today = District.objects.filter(valid_to__isnull=True).order_by("sort_order")
    places = list(today.values_list("name", flat=True))
    schools = [
        School(
            unit_code=f"9{n:07d}",
            name=f"{names[n % len(names)]} {n}",
            municipality=municipality,
            place=places[n % len(places)] if places else "",
        )
        for n in range(1, 121)
    ]
    School.objects.bulk_create(schools, ignore_conflicts=True)
    return list(School.objects.filter(unit_code__startswith="9"))
