"""Importing a child placed by another municipality, and where each placement is located
(issue 11): the placing municipality is the file's, never forced to the own one."""

from __future__ import annotations

from obruten.register.imports import import_placements
from obruten.register.models import Child, Placement

HEADER = (
    "personal_number,first_name,last_name,sex,home_municipality,district,placement_form,legal_basis,"
    "start_date,end_date,school_change,school_unit_code,school_start_date"
)
UPPSALA_CHILD = "200607092384,Hedda,Import,F,0380,Farsta,familjehem,LVU3,2025-01-10,,ja,,"  # 18: LVU 3 §
OWN_CHILD = "200306062381,Ivar,Import,M,0180,Järva,hvb,SoL,2024-03-01,,ja,,"


def _csv(header: str, *rows: str) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def _import(content: bytes) -> list[tuple[int, str, str]]:
    result = import_placements(content, filename="p.csv", actor=None, via="test")
    return [(e.row, e.column, e.rule) for e in result.errors]


def test_an_uppsala_placed_child_keeps_its_placing_municipality(db: None) -> None:
    header = HEADER + ",placing_municipality,location_municipality"
    assert _import(_csv(header, UPPSALA_CHILD + ",0380,0180", OWN_CHILD + ",,2506")) == []
    uppsala = Placement.objects.get(child__first_name="Hedda")
    assert (uppsala.placing_municipality.name, str(uppsala.location_municipality)) == (
        "Uppsala",
        "Stockholm (0180)",
    )
    assert uppsala.child.district.code == "farsta"  # followed where it lives, for scope
    own = Placement.objects.get(child__first_name="Ivar")
    assert (own.placing_municipality.code, str(own.location_municipality)) == ("0180", "Arjeplog (2506)")


def test_swedish_headers_name_the_municipalities_too(db: None) -> None:
    header = HEADER + ",placerande kommun,placeringskommun"
    assert _import(_csv(header, UPPSALA_CHILD + ",380,")) == []  # Excel drops the leading zero
    placement = Placement.objects.get()
    assert (placement.placing_municipality.code, placement.location_municipality) == ("0380", None)


def test_a_file_without_the_columns_is_placed_by_the_own_municipality(db: None) -> None:
    assert _import(_csv(HEADER, OWN_CHILD)) == []
    assert Placement.objects.get().placing_municipality.code == "0180"


def test_a_file_without_the_columns_leaves_recorded_municipalities_alone(db: None) -> None:
    header = HEADER + ",placing_municipality,location_municipality"
    _import(_csv(header, UPPSALA_CHILD + ",0380,0180"))
    ended = UPPSALA_CHILD.replace("2025-01-10,,", "2025-01-10,2025-06-30,")
    assert _import(_csv(HEADER, ended)) == []
    placement = Placement.objects.get()
    assert str(placement.end_date) == "2025-06-30"
    assert (placement.placing_municipality.code, str(placement.location_municipality)) == (
        "0380",
        "Stockholm (0180)",
    )


def test_an_unknown_code_writes_nothing_and_names_row_column_and_rule(db: None) -> None:
    header = HEADER + ",placing_municipality,location_municipality"
    errors = _import(_csv(header, OWN_CHILD + ",0180,0180", UPPSALA_CHILD + ",9999,0000"))
    assert errors == [(3, "placing_municipality", "R23"), (3, "location_municipality", "R23")]
    assert Child.objects.count() == 0 and Placement.objects.count() == 0


def test_stodboende_is_for_16_to_20_year_olds(db: None) -> None:
    three_year_old = "202209012380,Liten,Import,F,0180,Farsta,stodboende,LVU3,2025-09-01,,nej,,"
    turns_21 = "200306062381,Ivar,Import,M,0180,Järva,stodboende,SoL,2024-03-01,2024-09-30,ja,,"
    seventeen = "200607092384,Hedda,Import,F,0180,Farsta,stodboende,SoL,2023-08-01,2024-05-31,nej,,"
    errors = _import(_csv(HEADER, three_year_old, turns_21, seventeen))
    assert errors == [(2, "placement_form", "R24"), (3, "placement_form", "R25")]
