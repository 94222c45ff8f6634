"""Demo data: deterministic per seed, the 2020 mix, at least 2,000 children a year."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Q

from obruten.lib import personnummer
from obruten.register import demo
from obruten.register.models import Child, Placement

TODAY = date(2026, 11, 22)


def _placed_during(year: int) -> int:
    start, end = date(year, 1, 1), date(year, 12, 31)
    return (
        Placement.objects.filter(Q(end_date__isnull=True) | Q(end_date__gte=start), start_date__lte=end)
        .values("child")
        .distinct()
        .count()
    )


def test_city_scale_places_at_least_2000_children_in_each_year(db: None) -> None:
    demo.generate(seed=7, scale="city", today=TODAY)
    for year in range(2023, 2027):
        assert _placed_during(year) >= 2000, year


def _generate_and_fingerprint(seed: int) -> list[tuple[str, str, str, date, date | None]]:
    with transaction.atomic():
        demo.generate(seed=seed, scale="city", today=TODAY)
        rows = list(
            Placement.objects.order_by("child__personal_number", "start_date").values_list(
                "child__personal_number", "child__first_name", "form__code", "start_date", "end_date"
            )
        )
        transaction.set_rollback(True)
    return rows


def test_the_same_seed_gives_the_same_data(db: None) -> None:
    first = _generate_and_fingerprint(3)
    assert first == _generate_and_fingerprint(3)
    assert first != _generate_and_fingerprint(4)


def test_demo_numbers_are_valid_but_synthetic(db: None) -> None:
    demo.generate(seed=1, scale="city", today=TODAY)
    for number in Child.objects.values_list("personal_number", flat=True)[:500]:
        assert personnummer.is_valid(number, today=TODAY)


def test_the_command_refuses_outside_demo_mode(db: None, settings: object) -> None:
    with pytest.raises(CommandError, match="DEMO_MODE"):
        call_command("demo")


def test_the_command_fills_every_part_of_the_demo(
    db: None, settings: object, capsys: pytest.CaptureFixture[str]
) -> None:
    settings.DEMO_MODE = True  # type: ignore[attr-defined]
    call_command("demo", "--scale", "small", "--seed", "2")
    out = capsys.readouterr().out
    assert "follow-ups" in out and "answered questionnaires" in out and "Demo logins" in out
    from obruten.followup.models import FinalGrades, FollowUp
    from obruten.participation.models import Invitation

    assert FollowUp.objects.exists() and FinalGrades.objects.exists() and Invitation.objects.exists()
