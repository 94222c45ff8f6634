from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from obruten.municipal import services

from .models import Question, Template

VIA = "admin:participation_template"


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0
    can_delete = False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not (obj is not None and obj.published) and super().has_change_permission(request, obj)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not (obj is not None and obj.published) and super().has_add_permission(request, obj)


@admin.register(Template)
class TemplateAdmin(admin.ModelAdmin):
    """Questionnaires: a draft is edited, then published; a published version is only
    shown, and a change to it is a new version (docs/questionnaires.md)."""

    list_display = ("name", "code", "version", "age_band", "published")
    list_filter = ("code", "published")
    readonly_fields = ("published",)
    inlines = [QuestionInline]
    actions = ["new_version", "publish"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not (obj is not None and obj.published) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        services.save_template(actor=request.user, template=obj, via=VIA)

    def save_formset(self, request: HttpRequest, form: ModelForm, formset: Any, change: bool) -> None:
        for question in formset.save(commit=False):
            services.save_question(actor=request.user, question=question, via=VIA)

    @admin.action(description=_("Skapa ny version"))
    def new_version(self, request: HttpRequest, queryset: QuerySet[Template]) -> None:
        for template in queryset:
            copy = services.new_version(actor=request.user, template=template, via=VIA)
            self.message_user(request, _("Skapade %(name)s.") % {"name": copy})

    @admin.action(description=_("Publicera"))
    def publish(self, request: HttpRequest, queryset: QuerySet[Template]) -> None:
        for template in queryset.filter(published=False):
            try:
                services.publish_template(actor=request.user, template=template, via=VIA)
            except ValidationError as error:
                self.message_user(request, f"{template}: {' '.join(error.messages)}", messages.ERROR)
