"""The code lists are in place after migrate; another municipality loads its own."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from django.core.management import call_command

from obruten.register.models import District, Municipality, PlacementForm


def test_all_290_municipalities_with_scb_codes(db: None) -> None:
    assert Municipality.objects.count() == 290
    assert Municipality.objects.get(code="0180").name == "Stockholm"
    assert Municipality.objects.get(code="2584").name == "Kiruna"


def test_stockholms_districts_before_and_after_the_2023_merger(db: None) -> None:
    def valid_on(day: date) -> set[str]:
        return {d.name for d in District.objects.all() if d.is_valid_on(day)}

    assert len(valid_on(date(2020, 6, 1))) == 13
    assert len(valid_on(date(2023, 7, 1))) == 11
    assert {"Rinkeby-Kista", "Spånga-Tensta"} <= valid_on(date(2023, 6, 30))
    assert District.objects.get(code="rinkeby-kista").successor.code == "jarva"  # type: ignore[union-attr]
    assert District.objects.get(code="ostermalm").successor.name == "Norra innerstaden"  # type: ignore[union-attr]


def test_the_placement_forms_of_the_code_list(db: None) -> None:
    assert set(PlacementForm.objects.values_list("code", flat=True)) == {
        "jourhem",
        "familjehem",
        "narstaendehem",
        "hvb",
        "sis",
        "stodboende",
        "skyddat_boende",
        "behandlingsfamilj",
    }
    assert list(PlacementForm.objects.filter(is_protected_housing=True).values_list("code", flat=True)) == [
        "skyddat_boende"
    ]


def test_another_municipality_loads_its_own_districts(db: None, tmp_path: Path) -> None:
    path = tmp_path / "goteborg.csv"
    path.write_text(
        "code,name,valid_from,valid_to,successor\n"
        "angered,Angered,,2020-12-31,nordost\nnordost,Nordost,2021-01-01,,\n",
        encoding="utf-8",
    )
    call_command("load_districts", str(path))
    assert District.objects.get(code="angered").successor == District.objects.get(code="nordost")
