"""The child's questionnaire as a child and a case worker meet it: faces that differ,
scales that fit their questions, a form offered only in the languages it has, the form
for the child's age chosen, and names staff can read. Published versions never change."""

from __future__ import annotations

import re
from datetime import date

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import World
from obruten.participation import services
from obruten.participation.forms import InvitationForm, newest_templates
from obruten.participation.models import Invitation, Question, Template
from obruten.participation.templates_loader import load_templates


def _create_page(world: World) -> Client:
    client = Client()
    client.force_login(world.users["case_worker"])
    return client


def _create_url(world: World) -> str:
    return reverse("participation:create", kwargs={"child_id": world.own.pk})


def _template(age_band: str, version: int = 2) -> Template:
    return Template.objects.get(age_band=age_band, version=version)


def _open(world: World, template: Template, language: str) -> str:
    _invitation, token = services.create_invitation(
        actor=world.users["case_worker"], child=world.own, template=template, language=language, via="test"
    )
    return Client().get(reverse("participation:answer", kwargs={"token": token})).content.decode()


def test_the_five_faces_are_clearly_different_and_each_stands_beside_its_word(world: World) -> None:
    page = _open(world, _template("7-12"), "sv")
    symbols = dict(re.findall(r'<symbol id="face-(\d)"[^>]*>(.*?)</symbol>', page))
    assert sorted(symbols) == ["1", "2", "3", "4", "5"]
    assert len(set(symbols.values())) == 5  # no two faces drawn alike
    mouths = {n: re.findall(r'd="([^"]+)"', body) for n, body in symbols.items()}
    assert len({str(m) for m in mouths.values()}) == 5
    first_scale = page.split("<fieldset", 2)[1]
    options = re.findall(r'<use href="#face-(\d)"/></svg><span>([^<]+)</span>', first_scale)
    assert options == [
        ("1", "Mycket dåligt"),
        ("2", "Dåligt"),
        ("3", "Sådär"),
        ("4", "Bra"),
        ("5", "Mycket bra"),
    ]
    assert "<img" not in page and "url(" not in page  # no image files to fetch


def test_every_scale_question_asks_how_so_that_bad_to_good_answers_it(db: None) -> None:
    for template in newest_templates():
        for question in template.questions.all():
            swedish, english = question.text("sv"), question.text("en")
            asks_how = swedish.startswith("Hur ") and english.startswith("How ")
            assert asks_how == (question.kind == Question.Kind.SCALE), (template.age_band, swedish)
    # The reproduction: a yes-or-no question was answered "Mycket dåligt … Mycket bra".
    assert not Question.objects.filter(
        template=_template("7-12"), kind=Question.Kind.SCALE, texts__sv="Tycker du om att bo där du bor?"
    ).exists()


def test_published_versions_never_change_and_new_links_use_the_newest(world: World) -> None:
    old = _template("7-12", version=1)
    assert old.languages == ["sv", "en"]
    assert old.questions.get(order=3).texts["sv"] == "Tycker du om att bo där du bor?"
    assert load_templates(Template, Question) == 0  # loading again changes nothing
    form = InvitationForm(child=world.own)
    offered = {key.split(":")[0] for key, _label in form.fields["questionnaire"].choices}  # type: ignore[attr-defined]
    assert offered == {str(_template("7-12").pk), str(_template("13-20").pk)}


def test_a_questionnaire_is_offered_only_in_the_languages_it_has(world: World) -> None:
    page = _create_page(world).get(_create_url(world)).content.decode()
    select = page.split('name="questionnaire"', 1)[1].split("</select>", 1)[0]
    labels = re.findall(r"<option[^>]*>([^<]+)</option>", select)
    assert labels == [
        "Frågor till barn 7–12 år – svenska",
        "Frågor till barn 7–12 år – engelska",
        "Frågor till barn 7–12 år – arabiska",
        "Frågor till barn 7–12 år – somaliska",
        "Frågor till barn 13–20 år – svenska",
        "Frågor till barn 13–20 år – engelska",
        "Frågor till barn 13–20 år – arabiska",
        "Frågor till barn 13–20 år – somaliska",
    ]
    old = _template("7-12", version=1)
    before = Invitation.objects.count()
    for forged in [f"{old.pk}:sv", f"{_template('7-12').pk}:fa", "x:sv"]:
        response = _create_page(world).post(_create_url(world), {"questionnaire": forged})
        assert response.status_code == 200 and "questionnaire" in response.context["form"].errors, forged
    assert Invitation.objects.count() == before


def test_the_form_for_the_childs_age_is_preselected(world: World) -> None:
    today = timezone.localdate()
    for age, band in [(11, "7-12"), (12, "7-12"), (13, "13-20"), (5, "7-12"), (19, "13-20")]:
        world.own.birth_date = date(today.year - age, 1, 1)  # the birthday has passed this year
        world.own.save(update_fields=["birth_date"])
        page = _create_page(world).get(_create_url(world)).content.decode()
        selected = re.search(r'<option value="(\d+):(\w+)"[^>]*selected>', page)
        assert selected is not None and selected.groups() == (str(_template(band).pk), "sv"), age


def test_the_seven_to_twelve_form_opens_in_arabic_right_to_left_and_in_somali(world: World) -> None:
    arabic = _open(world, _template("7-12"), "ar")
    assert '<html lang="ar" dir="rtl">' in arabic and "كيف حالك؟" in arabic
    somali = _open(world, _template("7-12"), "so")
    assert '<html lang="so" dir="ltr">' in somali and "Sidee tahay?" in somali


def test_staff_see_plain_names(world: World) -> None:
    _open(world, _template("13-20"), "sv")
    page = _create_page(world).get(reverse("register:child_detail", kwargs={"child_id": world.own.pk}))
    body = page.content.decode()
    assert "Frågor till barn 13–20 år, version 2" in body
    assert "v1 (13-20)" not in body and "v2 (13-20)" not in body
