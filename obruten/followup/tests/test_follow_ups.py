"""Recording follow-ups: results that carry over, and bad input that changes nothing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import World
from obruten.followup.models import FollowUp, SubjectResult


def _client(world: World, role: str = "case_worker") -> Client:
    client = Client()
    client.force_login(world.users[role])
    return client


def _post(world: World, role: str = "case_worker", **fields: Any) -> Any:
    data = {"kind": "overvagande", "date": timezone.localdate().isoformat(), "swedish_subject": "SV"}
    data.update(fields)
    url = reverse("followup:create", kwargs={"child_id": world.own.pk})
    return _client(world, role).post(url, data)


def test_a_follow_up_records_results_attendance_and_health(world: World) -> None:
    today = timezone.localdate()
    response = _post(
        world,
        grade_SWEDISH="C",
        grade_EN="-",
        assessment_MA="does_not_reach",
        attendance_percent="87.5",
        unexcused_absence_percent="4",
        health_exam_requested=(today - timedelta(days=5)).isoformat(),
        grade_BI="B",
    )
    assert response.status_code == 302
    follow_up = FollowUp.objects.filter(child=world.own).latest("pk")
    results = {r.subject: (r.grade, r.assessment, r.carried_over) for r in follow_up.results.all()}
    assert results == {
        "SV": ("C", "", False),
        "EN": ("-", "", False),
        "MA": ("", "does_not_reach", False),
        "BI": ("B", "", False),
    }
    assert str(follow_up.attendance_percent) == "87.5"


def test_a_subject_left_empty_carries_the_previous_result_over_visibly(world: World) -> None:
    # The world's follow-up today set MA to C; this one sets only Swedish.
    _post(world, grade_SWEDISH="B")
    follow_up = FollowUp.objects.filter(child=world.own).latest("pk")
    maths = follow_up.results.get(subject="MA")
    assert (maths.grade, maths.carried_over) == ("C", True)
    assert not follow_up.results.filter(subject="EN").exists()  # nothing to carry
    page = _client(world).get(reverse("register:child_detail", kwargs={"child_id": world.own.pk}))
    assert "förd vidare" in page.content.decode()


# (field, value, the message on that field)
BAD_INPUT = [
    ("grade_SWEDISH", "G", "Välj ett giltigt alternativ"),
    ("attendance_percent", "101", "mellan 0 och 100"),
    ("date", "2000-01-01", "kan inte vara före placeringen"),
    ("health_exam_done", "2999-01-01", "kan inte ligga i framtiden"),
]


def test_bad_input_is_named_on_its_field_and_nothing_is_saved(world: World) -> None:
    before = FollowUp.objects.count()
    for field, value, message in BAD_INPUT:
        response = _post(world, plan="Läxhjälp två gånger i veckan", **{field: value})
        form = response.context["form"]
        assert message in " ".join(form.errors[field]), field
        assert "Läxhjälp två gånger i veckan" in response.content.decode()  # what was typed stays
    assert FollowUp.objects.count() == before


def test_a_grade_and_an_assessment_in_one_subject_are_refused(world: World) -> None:
    response = _post(world, grade_EN="C", assessment_EN="reaches")
    assert "antingen ett betyg eller en bedömning" in response.content.decode()


def test_a_school_coordinator_records_only_coordinator_follow_ups(world: World) -> None:
    url = reverse("followup:create", kwargs={"child_id": world.protected.pk})
    client = _client(world, "school_coordinator")
    assert [k for k, _ in client.get(url).context["form"].fields["kind"].choices] == ["skolsamordnare"]
    response = client.post(
        url, {"kind": "overvagande", "date": timezone.localdate().isoformat(), "swedish_subject": "SV"}
    )
    assert "kind" in response.context["form"].errors
    client.post(
        url, {"kind": "skolsamordnare", "date": timezone.localdate().isoformat(), "swedish_subject": "SV"}
    )
    assert FollowUp.objects.filter(child=world.protected, kind="skolsamordnare").count() == 1


def test_final_grades_show_eligibility_with_the_reason(world: World) -> None:
    client = _client(world)
    grades = {
        f"grade_{s}": "E"
        for s in ["SV", "MA", "BI", "FY", "KE", "GE", "HI", "RE", "SH", "TK", "BL", "HKK", "IDH", "MU", "SL"]
    }
    response = client.post(
        reverse("followup:final_grades", kwargs={"child_id": world.own.pk}),
        {"year": timezone.localdate().year, **grades, "grade_EN": "F"},
    )
    assert response.status_code == 302
    body = client.get(reverse("register:child_detail", kwargs={"child_id": world.own.pk})).content.decode()
    assert "saknar godkänt i engelska" in body
    assert "150,0" in body or "150.0" in body  # 15 E = 150 points


def test_skolfam_records_the_retest(world: World) -> None:
    client = _client(world, "skolfam")
    intervention = world.own.interventions.get(kind__code="skolfam")
    url = reverse(
        "followup:intervention_edit", kwargs={"child_id": world.own.pk, "intervention_id": intervention.pk}
    )
    today = timezone.localdate()
    response = client.post(
        url,
        {
            "kind": intervention.kind_id,
            "start": intervention.start.isoformat(),
            "baseline_swedish": "3",
            "baseline_maths": "4",
            "retest_date": today.isoformat(),
            "retest_swedish": "10",
        },
    )
    assert "mellan 1 och 9" in response.content.decode()
    client.post(
        url,
        {
            "kind": intervention.kind_id,
            "start": intervention.start.isoformat(),
            "baseline_swedish": "3",
            "baseline_maths": "4",
            "retest_date": today.isoformat(),
            "retest_swedish": "5",
            "retest_maths": "6",
        },
    )
    intervention.refresh_from_db()
    assert (intervention.retest_swedish, intervention.retest_maths) == (5, 6)


def test_results_are_kept_per_subject(world: World) -> None:
    assert SubjectResult.objects.filter(follow_up__child=world.own, subject="MA").count() == 1
