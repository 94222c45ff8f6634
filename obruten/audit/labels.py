"""Plain Swedish for the audit trail: where an event came from and which fields changed.

Events store ``via`` as the page's URL name or the command line, so the log stays exact;
these labels are only for reading it."""

from __future__ import annotations

from functools import cache

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import AuditEvent

PAGES = {
    "accounts:access_changes": gettext_lazy("Ändrade behörigheter"),
    "admin:accounts_user": gettext_lazy("Administration: användare"),
    "admin:auth_user_password_change": gettext_lazy("Administration: byte av lösenord"),
    "admin:followup_chainmodel": gettext_lazy("Administration: samverkanskedjan"),
    "admin:municipal_coordinatortargetgroup": gettext_lazy("Administration: skolsamordnarnas målgrupp"),
    "admin:municipal_disclosurethreshold": gettext_lazy("Administration: röjandeskydd i statistiken"),
    "admin:municipal_municipalsettings": gettext_lazy("Administration: kommunens inställningar"),
    "admin:municipal_schoolstartgoal": gettext_lazy("Administration: mål för skolstart"),
    "api:chain_step": gettext_lazy("API: steg i samverkanskedjan"),
    "api:chain_step_undo": gettext_lazy("API: ångra steg i samverkanskedjan"),
    "api:child": gettext_lazy("API: barnets uppgifter"),
    "api:child_update": gettext_lazy("API: ändra barnets uppgifter"),
    "api:children": gettext_lazy("API: barnlista"),
    "api:children_create": gettext_lazy("API: nytt barn"),
    "api:follow_up_correct": gettext_lazy("API: rätta uppföljning"),
    "api:follow_up_create": gettext_lazy("API: ny uppföljning"),
    "api:placement_create": gettext_lazy("API: ny placering"),
    "api:placement_update": gettext_lazy("API: ändra placering"),
    "api:school_start": gettext_lazy("API: skolstart"),
    "api:upper_secondary_qualification": gettext_lazy("API: gymnasieexamen"),
    "audit:child_trail": gettext_lazy("Vem har sett detta barn?"),
    "audit:child_trail_xlsx": gettext_lazy("Vem har sett detta barn? (Excel)"),
    "casework:assign": gettext_lazy("Utse ansvarig socialsekreterare"),
    "casework:handover": gettext_lazy("Överlämning av ärenden"),
    "casework:incoming": gettext_lazy("Inkommande flyttar"),
    "casework:transfer_create": gettext_lazy("Flytt till annan stadsdelsnämnd"),
    "casework:transfer_decide": gettext_lazy("Beslut om flytt"),
    "casework:unassigned": gettext_lazy("Barn utan ansvarig socialsekreterare"),
    "followup:chain_step": gettext_lazy("Steg i samverkanskedjan"),
    "followup:chain_step_correct": gettext_lazy("Ändra steg i samverkanskedjan"),
    "followup:correct": gettext_lazy("Rätta uppföljning"),
    "followup:create": gettext_lazy("Ny uppföljning"),
    "followup:detail": gettext_lazy("Uppföljning"),
    "followup:final_grades": gettext_lazy("Slutbetyg"),
    "followup:upper_secondary_qualification": gettext_lazy("Gymnasieexamen"),
    "followup:skolfam_target_group": gettext_lazy("Skolfams målgrupp"),
    "followup:intervention_create": gettext_lazy("Ny insats"),
    "followup:intervention_edit": gettext_lazy("Ändra insats"),
    "obligations:close": gettext_lazy("Stäng uppgift utan åtgärd"),
    "obligations:coordinator": gettext_lazy("Skolsamordnarens lista"),
    "obligations:district": gettext_lazy("Stadsdelens att göra"),
    "obligations:todo": gettext_lazy("Att göra"),
    "operations:extract_pdf": gettext_lazy("Registerutdrag (PDF)"),
    "operations:extract_xlsx": gettext_lazy("Registerutdrag (Excel)"),
    "participation:acknowledge": gettext_lazy("Barnets svar: genomgånget"),
    "participation:action": gettext_lazy("Barnets svar: åtgärd"),
    "participation:create": gettext_lazy("Ny inbjudan till barnets röst"),
    "participation:detail": gettext_lazy("Barnets svar"),
    "register:caseload": gettext_lazy("Barnlista"),
    "register:child_create": gettext_lazy("Nytt barn"),
    "register:child_detail": gettext_lazy("Barnets sida"),
    "register:child_edit": gettext_lazy("Ändra barnets uppgifter"),
    "register:child_summary": gettext_lazy("Sammanfattning av barnet (utskrift)"),
    "register:import": gettext_lazy("Import av placeringar"),
    "register:placement_create": gettext_lazy("Ny placering"),
    "register:placement_edit": gettext_lazy("Ändra placering"),
    "register:protection": gettext_lazy("Ändra skyddsnivå"),
    "register:school_start": gettext_lazy("Registrera skolstart"),
    "register:school_start_breaches": gettext_lazy("Skolstart efter målet"),
    "register:school_start_breaches_export": gettext_lazy("Skolstart efter målet (Excel)"),
    "statistics:monthly": gettext_lazy("Månadsfil"),
    "statistics:monthly_export": gettext_lazy("Månadsfil: export"),
    "teaching:child": gettext_lazy("Lärteamets undervisning"),
    "teaching:report": gettext_lazy("Lärteamets rapport om undervisningstid"),
    "teams:manage": gettext_lazy("Arbetsgrupper"),
}


def via_label(via: str) -> str:
    if via in PAGES:
        return str(PAGES[via])
    if via.startswith("participation:answer"):
        return _("Barnets frågeformulär (barnet själv)")
    if via.startswith("statistics:"):
        report, _sep, fmt = via.removeprefix("statistics:").partition(":")
        return _("Statistik: %(report)s (%(format)s)") % {"report": report, "format": fmt}
    if via.startswith("obruten "):
        return _("Kommando: %(command)s") % {"command": via}
    return via


@cache
def _models_by_name() -> dict[str, type[models.Model]]:
    return {model._meta.model_name or "": model for model in apps.get_models()}


def field_label(object_type: str, name: str) -> str:
    model = _models_by_name().get(object_type)
    if model is None:
        return name
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return name
    return str(getattr(field, "verbose_name", name))


def changed_fields(object_type: str, changes: dict[str, object]) -> str:
    return ", ".join(field_label(object_type, name) for name in changes)


def actor_label(event: AuditEvent) -> str:
    """The user's name and role as they are now; the username stored in the event if the
    user is gone."""
    if event.actor is not None:
        name = event.actor.get_full_name() or event.actor.get_username()
        return f"{name} ({event.actor.get_role_display()})"
    return event.actor_name or _("Systemet")
