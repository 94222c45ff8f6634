"""The child's register extract (GDPR art. 15, OSL 26 kap.): everything Obruten holds on
one child, and who has read the record, as XLSX and PDF.

Every field of every record is listed by the model's own metadata, so a field added later
appears in the extract without a change here."""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.formats import localize
from django.utils.translation import gettext as _
from fpdf import FPDF

from obruten import spreadsheets
from obruten.accounts import policy
from obruten.audit import labels
from obruten.audit import log as audit
from obruten.audit.models import AuditEvent
from obruten.casework.models import ResponsibilityPeriod, Transfer
from obruten.followup.models import (
    ChainStepRecord,
    FinalGrades,
    FollowUp,
    Intervention,
    SubjectResult,
    UpperSecondaryQualification,
)
from obruten.participation.models import Alert, Answer, Invitation
from obruten.register.models import Child, Placement, SchoolStart
from obruten.teaching.models import TeachingWeek
from obruten.teaching.services import may_see_teaching

# Where a protected child lives or goes to school: shown only to those who may see it.
WHEREABOUTS = {
    (Child, "address"),
    (Placement, "unit_name"),
    (Placement, "address"),
    (Placement, "location_municipality"),
    (Placement, "school_after"),
    (FollowUp, "school"),
    (SchoolStart, "school"),
    (SchoolStart, "taught_by_larteamet"),  # the child's page hides it with the school
}
# Internal values that say nothing about the child: a hash of the questionnaire link.
LEFT_OUT = {(Invitation, "token_hash")}


@dataclass(frozen=True)
class Section:
    title: str
    headers: list[str]
    rows: list[list[str]]


@dataclass(frozen=True)
class Extract:
    child: Child
    made_at: str
    sections: list[Section]


def take_extract(actor: Any, child_id: int, *, via: str) -> Extract:
    """The extract for the responsible case worker or the district's enhetschef, audited
    as an export of the child's record (404 outside the actor's scope, 403 for others)."""
    policy.require(actor, policy.has_records(actor))
    child = policy.children_for(actor).filter(pk=child_id).first()
    if child is None:
        raise Http404
    policy.require(actor, policy.may_take_register_extract(actor, child))
    hide = not policy.may_see_whereabouts(actor, child)
    with transaction.atomic():
        audit.record(actor=actor, action=audit.Action.EXPORT, via=via, child=child)
        sections = [_section(queryset, hide) for queryset in _records(child, may_see_teaching(actor, child))]
        sections.append(_readers(child))
    made_at = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    return Extract(child=child, made_at=made_at, sections=sections)


def _records(child: Child, teaching: bool) -> list[models.QuerySet[Any]]:
    """Every table that holds the child; Lärteamet's weeks only for those who may see them."""
    records = [
        Child.objects.filter(pk=child.pk),
        Placement.objects.filter(child=child).order_by("start_date"),
        # Each row names its placement (form and start): loaded with it, not row by row.
        SchoolStart.objects.filter(placement__child=child)
        .select_related("placement__form")
        .order_by("first_school_day"),
        ChainStepRecord.objects.filter(placement__child=child)
        .select_related("placement__form")
        .order_by("date", "pk"),
        FollowUp.objects.filter(child=child).order_by("date", "pk"),
        SubjectResult.objects.filter(follow_up__child=child).order_by("follow_up__date", "pk"),
        FinalGrades.objects.filter(child=child),
        UpperSecondaryQualification.objects.filter(child=child),
        Intervention.objects.filter(child=child).order_by("start", "pk"),
        Invitation.objects.filter(child=child).order_by("created_at"),
        Answer.objects.filter(invitation__child=child).order_by("invitation__created_at", "pk"),
        Alert.objects.filter(child=child).order_by("created_at"),
        ResponsibilityPeriod.objects.filter(child=child).order_by("start", "pk"),
        Transfer.objects.filter(child=child).order_by("requested_at", "pk"),
    ]
    if teaching:
        records.append(TeachingWeek.objects.filter(child=child).order_by("week"))
    return records


def _fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return [
        field
        for field in model._meta.concrete_fields
        if (model, field.name) not in LEFT_OUT and not (field.is_relation and field.related_model is Child)
    ]


def _section(queryset: models.QuerySet[Any], hide: bool) -> Section:
    model = queryset.model
    fields = _fields(model)
    related = [field.name for field in fields if field.is_relation]
    rows = [
        [
            _("Skyddad uppgift") if hide and (model, field.name) in WHEREABOUTS else _value(record, field)
            for field in fields
        ]
        for record in queryset.select_related(*related)
    ]
    headers = [str(field.verbose_name) for field in fields]
    return Section(str(model._meta.verbose_name_plural).capitalize(), headers, rows)


def _value(record: models.Model, field: models.Field[Any, Any]) -> str:
    value = getattr(record, field.name)
    if value is None or value == "":
        return ""
    if field.choices:
        return str(getattr(record, f"get_{field.name}_display")())
    if isinstance(value, bool):
        return _("Ja") if value else _("Nej")
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    if hasattr(value, "get_full_name"):  # a user: the name, not the username
        return str(value)
    if hasattr(value, "tzinfo"):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return str(localize(value)) if not isinstance(value, str) else value


def _readers(child: Child) -> Section:
    """Every event on the child's record: who (by name), when, what and where."""
    events = AuditEvent.objects.filter(child_id=child.pk).select_related("actor").order_by("sequence")
    rows = [
        [
            timezone.localtime(event.at).strftime("%Y-%m-%d %H:%M:%S"),
            labels.actor_label(event),
            event.get_action_display(),
            labels.via_label(event.via),
        ]
        for event in events
    ]
    return Section(_("Vem har tagit del av uppgifterna"), [_("Tid"), _("Vem"), _("Händelse"), _("Var")], rows)


def _title(extract: Extract) -> str:
    return _("Registerutdrag för %(name)s, %(number)s") % {
        "name": extract.child.full_name,
        "number": extract.child.formatted_personal_number,
    }


def _preamble(extract: Extract) -> list[str]:
    return [
        _("Uppgifter i Obruten enligt artikel 15 i dataskyddsförordningen. Utdrag %(at)s.")
        % {"at": extract.made_at},
        _("Sekretess enligt OSL 26 kap. 1 §."),
    ]


def to_xlsx(extract: Extract) -> bytes:
    output = io.BytesIO()
    # Text typed by people (and the child's answers) stays text, never a formula.
    book = spreadsheets.workbook(output)
    bold = book.add_format({"bold": True})
    summary = book.add_worksheet(_("Utdrag"))
    summary.write(0, 0, _title(extract), bold)
    summary.write_column(1, 0, _preamble(extract))
    for section in extract.sections:
        sheet = book.add_worksheet(spreadsheets.sheet_name(section.title, book.sheetnames))
        sheet.write_row(0, 0, section.headers, bold)
        for number, row in enumerate(section.rows, start=1):
            sheet.write_row(number, 0, row)
        sheet.set_column(0, max(len(section.headers) - 1, 0), 22)
    book.close()
    return output.getvalue()


_LATIN1 = str.maketrans({"–": "-", "—": "-", "\u201d": '"', "\u201c": '"', "’": "'", "…": "..."})


def _pdf_text(text: str) -> str:
    """The PDF's built-in font is Latin-1; other characters become ? (the XLSX keeps them)."""
    return text.translate(_LATIN1).encode("latin-1", "replace").decode("latin-1")


def to_pdf(extract: Extract) -> bytes:
    pdf = FPDF(unit="mm", format="A4")
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    pdf.multi_cell(0, 7, _pdf_text(_title(extract)), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9)
    for line in _preamble(extract):
        pdf.multi_cell(0, 5, _pdf_text(line), new_x="LMARGIN", new_y="NEXT")
    for section in extract.sections:
        _pdf_section(pdf, section)
    return bytes(pdf.output())


def _pdf_section(pdf: FPDF, section: Section) -> None:
    pdf.ln(4)
    pdf.set_font("Helvetica", "B", 11)
    pdf.multi_cell(0, 6, _pdf_text(f"{section.title} ({len(section.rows)})"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 8)
    for row in section.rows:
        pdf.ln(1)
        for line in _pdf_lines(section.headers, row):
            pdf.multi_cell(0, 4, _pdf_text(line), new_x="LMARGIN", new_y="NEXT")


def _pdf_lines(headers: list[str], row: list[str]) -> Iterable[str]:
    """A short row (the readers) on one line; a record field by field."""
    if len(headers) <= 4:
        return ["   ".join(row)]
    return (f"{header}: {value}" for header, value in zip(headers, row, strict=True) if value)
