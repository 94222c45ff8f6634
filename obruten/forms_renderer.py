"""The renderer of every form's widgets: Django's own Jinja2 templates for its widgets,
where they exist, and the Django templates otherwise (the admin's and the second factor's
own widgets have no Jinja2 version). Django's Jinja2 widget templates render the same HTML
in about half the time: a select of 13 options cost 1.8 ms through the template language
and 0.9 ms through Jinja2 (docs/performance.md), on every list's filter form and on every
form page."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.forms.renderers import BaseRenderer, DjangoTemplates, Jinja2
from django.template import TemplateDoesNotExist


class JinjaFirst(BaseRenderer):
    @cached_property
    def _jinja(self) -> Jinja2:
        return Jinja2()

    @cached_property
    def _django(self) -> DjangoTemplates:
        return DjangoTemplates()

    def get_template(self, template_name: str) -> Any:
        try:
            return self._jinja.get_template(template_name)
        except TemplateDoesNotExist:
            return self._django.get_template(template_name)
