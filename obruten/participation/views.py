from __future__ import annotations

from typing import Any

import segno
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from obruten.accounts import policy
from obruten.accounts.decorators import records_required
from obruten.proxy import client_address, public_url
from obruten.register.models import Child

from . import services
from .child_texts import help_now
from .faces import FACES
from .forms import AcknowledgeForm, InvitationForm
from .models import Alert, Invitation, Question
from .selectors import answers_with_change

RTL_LANGUAGES = {"ar", "fa", "prs"}


def _may_send(request: HttpRequest) -> None:
    if not policy.may_change_child(request.user):
        raise PermissionDenied


@records_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest, child_id: int) -> HttpResponse:
    """Make a one-time link for the child and show it once, as text and QR code."""
    child = policy.child_for_user(request.user, child_id, via="participation:create")
    _may_send(request)
    form = InvitationForm(request.POST or None, child=child)
    if request.method == "POST" and form.is_valid():
        template, language = form.cleaned_data["questionnaire"]
        try:
            invitation, token = services.create_invitation(
                actor=request.user,
                child=child,
                template=template,
                language=language,
                via="participation:create",
            )
        except ValidationError as exc:
            for errors in exc.message_dict.values():
                form.add_error("questionnaire", errors)
        else:
            link = public_url(reverse("participation:answer", kwargs={"token": token}), request)
            svg = segno.make(link, error="m").svg_inline(scale=4, title=_("QR-kod till länken"))
            qr = mark_safe(svg)  # noqa: S308 - segno's own SVG of our own link
            response = render(
                request,
                "participation/created.html",
                {"child": child, "invitation": invitation, "link": link, "qr": qr},
            )
            response["Cache-Control"] = "no-store"
            return response
    return render(request, "participation/create.html", {"child": child, "form": form})


@records_required
def detail(request: HttpRequest, child_id: int, invitation_id: int) -> HttpResponse:
    child = policy.child_for_user(request.user, child_id, via="participation:detail")
    invitation = get_object_or_404(
        Invitation.objects.select_related("template"), pk=invitation_id, child=child
    )
    return _detail_page(request, child, invitation, AcknowledgeForm())


def _detail_page(
    request: HttpRequest, child: Child, invitation: Invitation, form: AcknowledgeForm
) -> HttpResponse:
    alert = invitation.alerts.filter(acknowledged_at__isnull=True).first()
    acknowledged = invitation.alerts.filter(acknowledged_at__isnull=False).select_related("acknowledged_by")
    return render(
        request,
        "participation/detail.html",
        {
            "child": child,
            "invitation": invitation,
            "rows": answers_with_change(invitation),
            "may_change": policy.may_change_child(request.user),
            "alert": alert if services.may_acknowledge_alert(request.user) else None,
            "acknowledged": acknowledged,
            "form": form,
        },
    )


@records_required
@require_POST
def acknowledge(request: HttpRequest, child_id: int, invitation_id: int) -> HttpResponse:
    """Acknowledge the alert of these answers, with a note of what was done."""
    child = policy.child_for_user(request.user, child_id, via="participation:acknowledge")
    if not services.may_acknowledge_alert(request.user):
        raise PermissionDenied
    invitation = get_object_or_404(
        Invitation.objects.select_related("template"), pk=invitation_id, child=child
    )
    alert = get_object_or_404(Alert, invitation=invitation, acknowledged_at__isnull=True)
    form = AcknowledgeForm(request.POST)
    if form.is_valid():
        try:
            services.acknowledge_alert(
                actor=request.user,
                alert=alert,
                note=form.cleaned_data["note"],
                via="participation:acknowledge",
            )
        except ValidationError as exc:
            form.add_error("note" if hasattr(exc, "error_dict") else None, exc)
        else:
            messages.success(request, _("Larmet är kvitterat."))
            return redirect("participation:detail", child_id=child.pk, invitation_id=invitation.pk)
    return _detail_page(request, child, invitation, form)


@records_required
@require_POST
def action(request: HttpRequest, child_id: int, invitation_id: int) -> HttpResponse:
    child = policy.child_for_user(request.user, child_id, via="participation:action")
    _may_send(request)
    invitation = get_object_or_404(Invitation, pk=invitation_id, child=child)
    try:
        if request.POST.get("action") == "revoke":
            services.revoke_invitation(actor=request.user, invitation=invitation, via="participation:action")
            messages.success(request, _("Länken är stängd."))
        else:
            services.mark_discussed(actor=request.user, invitation=invitation, via="participation:action")
            messages.success(request, _("Svaren är markerade som genomgångna med barnet."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("participation:detail", child_id=child.pk, invitation_id=invitation.pk)


def _child_page(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


@never_cache
@csrf_exempt
@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, token: str) -> HttpResponse:
    """The child's questionnaire: no login, and nothing on it that tells who the child is.

    No CSRF token: the page sends no referrer, so browsers send ``Origin: null`` and
    Django's origin check would refuse every answer. CSRF forges requests that ride on a
    victim's cookies; this page has none, and the secret token in the URL is what a forger
    would lack."""
    invitation = services.open_invitation(token)  # a valid link is never rate limited
    if invitation is None:
        status = 429 if services.guess_refused(client_address(request)) else 404
        return _child_page(render(request, "participation/not_valid.html", {"ui": None}, status=status))
    template, language = invitation.template, invitation.language
    ui = template.ui.get(language) or template.ui["sv"]
    questions = list(template.questions.all())
    if request.method == "POST":
        given = {
            q.pk: services.Given(
                request.POST.get(f"q{q.pk}", "").strip(), request.POST.get(f"urgent{q.pk}") == "on"
            )
            for q in questions
        }
        submit = request.POST.get("action") != "save"
        try:
            alert = services.save_answers(invitation=invitation, answers=given, submit=submit)
        except ValidationError:
            pass  # a tampered value: show the form again with what was stored
        else:
            page = "participation/thanks.html" if submit else "participation/saved.html"
            context = _child_context(invitation, ui, questions)
            context["help_now"] = help_now(invitation.language) if alert else None
            return _child_page(render(request, page, context))
    return _child_page(
        render(request, "participation/answer.html", _child_context(invitation, ui, questions))
    )


def _child_context(invitation: Invitation, ui: dict[str, Any], questions: list[Question]) -> dict[str, Any]:
    stored = {a.question_id: a for a in invitation.answers.all()}
    language = invitation.language
    return {
        "language": language,
        "direction": "rtl" if language in RTL_LANGUAGES else "ltr",
        "ui": ui,
        "intro": invitation.template.intro.get(language, ""),
        "outro": invitation.template.outro.get(language, ""),
        "questions": [
            {
                "question": q,
                "text": q.text(language),
                "number": n,
                "answer": stored.get(q.pk),
                "scale": list(enumerate(ui["scale"], start=1)),
            }
            for n, q in enumerate(questions, start=1)
        ],
        "total": len(questions),
        "faces": FACES,
    }
