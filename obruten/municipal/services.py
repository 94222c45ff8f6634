"""The administrator's changes to what the law leaves to the municipality. Each function
checks the actor, validates, writes and audits each changed field's old and new value in
one transaction. A published questionnaire never changes: a change is a new version."""

from __future__ import annotations

from datetime import date
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.forms.models import model_to_dict
from django.utils import timezone
from django.utils.translation import gettext as _

from obruten.accounts import policy
from obruten.audit import log as audit
from obruten.followup.models import ChainModel, ChainStep
from obruten.participation.models import Question, Template

from . import forget
from .models import (
    CoordinatorTargetGroup,
    DatedSetting,
    DisclosureThreshold,
    MunicipalSettings,
    SchoolStartGoal,
)

DatedT = TypeVar("DatedT", bound=DatedSetting)

SETTINGS_FIELDS = ("social_emergency_number",)


def change_settings(*, actor: Any, via: str, **values: Any) -> MunicipalSettings:
    """Set the social emergency number; "" puts back the environment's value."""
    unknown = set(values) - set(SETTINGS_FIELDS)
    if unknown:
        raise TypeError(f"Not a municipal setting: {sorted(unknown)}")
    row = MunicipalSettings.objects.filter(pk=1).first() or MunicipalSettings(pk=1)
    for name, value in values.items():
        setattr(row, name, value)
    saved = _save_audited(actor, row, via)
    transaction.on_commit(forget)
    forget()
    return saved


def set_school_start_goal(*, actor: Any, valid_from: date, days: int, via: str) -> SchoolStartGoal:
    """A new school-start goal for placements that begin from ``valid_from``."""
    saved = _set_dated(actor, SchoolStartGoal, valid_from, via, days=days)
    transaction.on_commit(forget)
    forget()
    return saved


def set_disclosure_threshold(
    *, actor: Any, valid_from: date, threshold: int, via: str
) -> DisclosureThreshold:
    """A new threshold for the statistics of periods that end from ``valid_from``."""
    return _set_dated(actor, DisclosureThreshold, valid_from, via, threshold=threshold)


def set_coordinator_target_group(
    *, actor: Any, valid_from: date, follows_upper_secondary: bool, via: str
) -> CoordinatorTargetGroup:
    """Whether the school coordinators follow young people after year 9 from ``valid_from``:
    their follow-ups due from that day are derived again (``obligations.RULE_OBJECTS``)."""
    saved = _set_dated(
        actor, CoordinatorTargetGroup, valid_from, via, follows_upper_secondary=follows_upper_secondary
    )
    transaction.on_commit(forget)
    forget()
    return saved


def _set_dated(actor: Any, model: type[DatedT], valid_from: date, via: str, **values: Any) -> DatedT:
    """A dated setting from ``valid_from`` (today or later, the model's rule), audited; a
    value already in force is replaced by a later row, never changed, so no reported
    period changes."""
    row = model._default_manager.filter(valid_from=valid_from).first() or model(valid_from=valid_from)
    if row.pk is not None and row.valid_from <= timezone.localdate():
        raise ValidationError({"valid_from": _("Ett värde som gäller ändras inte: ange ett senare datum.")})
    for name, value in values.items():
        setattr(row, name, value)
    return _save_audited(actor, row, via)


def save_chain_model(*, actor: Any, chain_model: ChainModel, via: str) -> ChainModel:
    """One model of the schooling chain is in use: choosing one sets the others aside."""
    with transaction.atomic():
        saved = _save_audited(actor, chain_model, via)
        if saved.is_active:
            for other in ChainModel.objects.filter(is_active=True).exclude(pk=saved.pk):
                other.is_active = False
                _save_audited(actor, other, via)
    return saved


def save_chain_step(*, actor: Any, step: ChainStep, via: str) -> ChainStep:
    """A step of the schooling chain with its days and who is responsible."""
    return _save_audited(actor, step, via)


def save_code_list_entry(*, actor: Any, entry: models.Model, via: str) -> Any:
    """A row of a code list (a district's name, a municipality, a placement form, a school)
    as the administrator edits it: audited like any write, so the reports and start pages
    that show it are computed again."""
    return _save_audited(actor, entry, via)


def save_template(*, actor: Any, template: Template, via: str) -> Template:
    """A questionnaire not yet published."""
    _refuse_published(template.pk)
    return _save_audited(actor, template, via)


def save_question(*, actor: Any, question: Question, via: str) -> Question:
    stored_in = Question.objects.filter(pk=question.pk).values_list("template_id", flat=True).first()
    _refuse_published(stored_in)
    _refuse_published(question.template_id)
    return _save_audited(actor, question, via)


def publish_template(*, actor: Any, template: Template, via: str) -> Template:
    """From now on the version can be sent to children, and never changes."""
    _refuse_published(template.pk)
    if not template.questions.exists():
        raise ValidationError(_("Ett frågeformulär utan frågor kan inte publiceras."))
    template.published = True
    return _save_audited(actor, template, via)


def new_version(*, actor: Any, template: Template, via: str) -> Template:
    """A draft copy of ``template`` with its questions, as the code's next version."""
    policy.require(actor, policy.may_set_municipal_rules(actor))
    with transaction.atomic():
        newest = Template.objects.select_for_update().filter(code=template.code).order_by("-version").first()
        copy = Template.objects.get(pk=template.pk)
        copy.pk, copy.published = None, False
        copy.version = (newest.version if newest else template.version) + 1
        _save_audited(actor, copy, via, reason=f"{template.code} version {template.version}")
        for question in template.questions.order_by("order"):
            question.pk, question.template = None, copy
            question.save()
        return copy


def _refuse_published(template_id: Any) -> None:
    if template_id and Template.objects.filter(pk=template_id, published=True).exists():
        raise ValidationError(_("En publicerad version ändras aldrig. Skapa en ny version."))


def _save_audited(actor: Any, obj: models.Model, via: str, reason: str = "") -> Any:
    """Validate and save ``obj``, and audit each field that differs from the stored row
    (a new row: from the model's defaults)."""
    policy.require(actor, policy.may_set_municipal_rules(actor))
    obj.full_clean()
    with transaction.atomic():
        stored = type(obj)._default_manager.select_for_update().filter(pk=obj.pk).first() if obj.pk else None
        before = _fields(stored if stored is not None else type(obj)())
        obj.save()
        changes = audit.changes_between(before, _fields(obj))
        if stored is None or changes:
            audit.record(
                actor=actor,
                action=audit.Action.UPDATE if stored is not None else audit.Action.CREATE,
                via=via,
                obj=obj,
                changes=changes,
                reason=reason,
            )
    return obj


def _fields(obj: models.Model) -> dict[str, Any]:
    return {name: value for name, value in model_to_dict(obj).items() if name != "id"}
