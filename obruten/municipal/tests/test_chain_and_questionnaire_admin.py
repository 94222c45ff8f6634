"""The schooling chain's steps and the questionnaires in the admin (issue 12): a step's
days and responsible are changed with an audited old and new value; a published
questionnaire version never changes, a change is a new version."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import reverse

from conftest import World
from obruten.audit.models import AuditEvent
from obruten.followup.models import ChainModel, ChainStep
from obruten.municipal import services
from obruten.participation.models import Question, Template

CHANGELIST = reverse("admin:participation_template_changelist")


def _admin(world: World) -> Client:
    client = Client()
    client.force_login(world.users["administrator"])
    return client


def _inline(prefix: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    data: dict[str, Any] = {
        f"{prefix}-TOTAL_FORMS": len(rows),
        f"{prefix}-INITIAL_FORMS": len(rows),
        f"{prefix}-MIN_NUM_FORMS": 0,
        f"{prefix}-MAX_NUM_FORMS": 1000,
    }
    for i, row in enumerate(rows):
        data.update({f"{prefix}-{i}-{name}": value for name, value in row.items() if value is not None})
    return data


def _chain_form(chain: ChainModel, days: dict[int, int]) -> dict[str, Any]:
    steps = [
        {**model_to_dict(step), "offset_days": days.get(step.pk, step.offset_days)}
        for step in chain.steps.order_by("phase_order", "order")
    ]
    for step in steps:
        step["is_school_start"] = "on" if step["is_school_start"] else None
    return {
        "code": chain.code,
        "name": chain.name,
        "is_active": "on" if chain.is_active else "",
        **_inline("steps", steps),
    }


def test_changing_a_steps_days_in_the_admin_is_audited_with_old_and_new(world: World) -> None:
    chain = ChainModel.objects.get(is_active=True)
    step = chain.steps.order_by("phase_order", "order").first()
    assert step is not None
    old = step.offset_days
    url = reverse("admin:followup_chainmodel_change", args=[chain.pk])
    response = _admin(world).post(url, _chain_form(chain, {step.pk: old + 3}))
    assert response.status_code == 302, response.content.decode()[:2000]
    step.refresh_from_db()
    assert step.offset_days == old + 3
    event = AuditEvent.objects.get(object_type="chainstep", object_id=step.pk)
    assert (event.action, event.actor_id) == ("update", world.users["administrator"].pk)
    assert event.changes == {"offset_days": [old, old + 3]}
    assert not AuditEvent.objects.filter(object_type="chainstep").exclude(pk=event.pk).exists()


def test_a_case_worker_cannot_change_a_step(world: World) -> None:
    step = ChainStep.objects.first()
    assert step is not None
    step.offset_days += 30
    with pytest.raises(PermissionDenied):
        services.save_chain_step(actor=world.users["case_worker"], step=step, via="test")
    assert ChainStep.objects.get(pk=step.pk).offset_days == step.offset_days - 30


def _template_form(template: Template, **changes: Any) -> dict[str, Any]:
    fields = {name: model_to_dict(template)[name] for name in ("code", "version", "name", "age_band")}
    json_fields = {name: _json(getattr(template, name)) for name in ("languages", "intro", "outro", "ui")}
    questions = []
    for question in template.questions.order_by("order"):
        row = model_to_dict(question)
        row["texts"], row["danger_values"] = _json(row["texts"]), _json(row["danger_values"])
        questions.append(row)
    return {**fields, **json_fields, **changes, **_inline("questions", questions)}


def _json(value: Any) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)


def test_a_published_version_cannot_be_edited_in_the_admin(world: World) -> None:
    template = Template.objects.get(code="barnets-rost", version=1)
    assert template.published
    admin = _admin(world)
    url = reverse("admin:participation_template_change", args=[template.pk])
    page = admin.get(url).content.decode()
    assert 'name="name"' not in page  # shown, not a form
    response = admin.post(url, _template_form(template, name="Ändrat namn"))
    assert response.status_code == 403
    assert Template.objects.get(pk=template.pk).name == template.name
    assert not AuditEvent.objects.filter(object_type="template").exists()


def test_the_service_refuses_a_change_to_a_published_version_or_its_questions(world: World) -> None:
    admin = world.users["administrator"]
    template = Template.objects.get(code="barnets-rost", version=1)
    template.name = "Ändrat namn"
    with pytest.raises(ValidationError):
        services.save_template(actor=admin, template=template, via="test")
    question = template.questions.first()
    assert question is not None
    question.texts = {"sv": "En annan fråga"}
    with pytest.raises(ValidationError):
        services.save_question(actor=admin, question=question, via="test")
    template.refresh_from_db()
    assert template.name != "Ändrat namn"
    assert Question.objects.get(pk=question.pk).texts != {"sv": "En annan fråga"}


def test_new_version_copies_the_questions_into_an_editable_draft_then_publishes(world: World) -> None:
    admin = _admin(world)
    template = Template.objects.get(code="barnets-rost", version=1)
    newest = Template.objects.filter(code="barnets-rost").order_by("-version").first()
    assert newest is not None
    response = admin.post(CHANGELIST, {"action": "new_version", "_selected_action": [template.pk]})
    assert response.status_code == 302
    draft = Template.objects.get(code="barnets-rost", version=newest.version + 1)
    assert not draft.published
    assert [q.texts for q in draft.questions.order_by("order")] == [
        q.texts for q in template.questions.order_by("order")
    ]
    created = AuditEvent.objects.get(object_type="template", object_id=draft.pk)
    assert created.action == "create" and created.changes["version"] == [None, draft.version]

    url = reverse("admin:participation_template_change", args=[draft.pk])
    response = admin.post(url, _template_form(draft, name="Frågor till barn 13–20 år, version 2"))
    assert response.status_code == 302, response.content.decode()[:2000]
    renamed = AuditEvent.objects.filter(object_type="template", object_id=draft.pk, action="update").get()
    assert renamed.changes == {"name": [draft.name, "Frågor till barn 13–20 år, version 2"]}

    admin.post(CHANGELIST, {"action": "publish", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.published
    assert admin.post(url, _template_form(draft, name="Igen")).status_code == 403
    assert Template.objects.get(pk=template.pk).published  # the old version is untouched


def test_choosing_another_chain_model_sets_the_one_in_use_aside(world: World) -> None:
    in_use = ChainModel.objects.get(is_active=True)
    other = ChainModel.objects.exclude(pk=in_use.pk).first()
    assert other is not None
    other.is_active = True
    services.save_chain_model(actor=world.users["administrator"], chain_model=other, via="test")
    assert list(ChainModel.objects.filter(is_active=True)) == [other]
    changes = dict(AuditEvent.objects.filter(object_type="chainmodel").values_list("object_id", "changes"))
    assert changes == {other.pk: {"is_active": [False, True]}, in_use.pk: {"is_active": [True, False]}}
