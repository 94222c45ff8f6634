from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from obruten.accounts import policy
from obruten.accounts.decorators import records_required
from obruten.accounts.models import Team
from obruten.accounts.staff import teams_for
from obruten.register.forms import run_service

from . import services
from .forms import TeamForm

VIA = "teams:manage"


@records_required
@require_http_methods(["GET", "POST"])
def manage(request: HttpRequest) -> HttpResponse:
    """The enhetschef's teams: a list, and a form that creates one or changes the one
    chosen with ``?grupp=`` (a team of another district answers 404)."""
    if not policy.may_manage_teams(request.user):
        raise PermissionDenied
    teams = teams_for(request.user).prefetch_related("members")
    team_id = request.POST.get("team") if request.method == "POST" else request.GET.get("grupp")
    team = get_object_or_404(teams, pk=team_id) if team_id and team_id.isdecimal() else None
    initial = {}
    if team is not None:
        initial = {
            "name": team.name,
            "district": team.district,
            "manager": team.manager,
            "members": list(team.members.all()),
        }
    elif request.user.districts.count() == 1:  # type: ignore[union-attr]
        initial = {"district": request.user.districts.first(), "manager": request.user}  # type: ignore[union-attr]
    form = TeamForm(request.POST or None, initial=initial, user=request.user)  # type: ignore[arg-type]
    if request.method == "POST" and form.is_valid():
        saved = run_service(form, lambda: _save(request, team, form))
        if saved is not None:
            messages.success(request, _("Arbetsgruppen %(name)s är sparad.") % {"name": saved.name})
            return redirect(VIA)
    return render(request, "teams/manage.html", {"teams": teams, "team": team, "form": form})


def _save(request: HttpRequest, team: Team | None, form: TeamForm) -> Team:
    if team is None:
        return services.create_team(actor=request.user, data=form.to_data(), via=VIA)
    return services.update_team(actor=request.user, team=team, data=form.to_data(), via=VIA)
