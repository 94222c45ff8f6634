from datetime import date

from django import template
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext

from obruten.register.codelists import county_name
from obruten.register.models import Municipality

register = template.Library()


@register.simple_tag
def waiting_days(start: date | None) -> int | None:
    """Days a placement has waited for its school start, up to today."""
    if start is None:
        return None
    return max((timezone.localdate() - start).days, 0)


@register.filter
def placement_location(municipality: Municipality | None) -> str:
    """Where a placement is: municipality, county, and whether inside the own municipality.
    Shown only where the child's whereabouts may be seen."""
    if municipality is None:
        return gettext("Inte angiven")
    where = (
        gettext("i den egna kommunen")
        if municipality.code == settings.OWN_MUNICIPALITY_CODE
        else gettext("utanför den egna kommunen")
    )
    return f"{municipality.name}, {county_name(municipality.county_code)} ({where})"
