from datetime import date

from django import template
from django.utils import timezone

register = template.Library()


@register.simple_tag
def waiting_days(start: date | None) -> int | None:
    """Days a placement has waited for its school start, up to today."""
    if start is None:
        return None
    return max((timezone.localdate() - start).days, 0)
