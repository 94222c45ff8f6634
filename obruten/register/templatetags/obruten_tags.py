from datetime import date

from django import template
from django.conf import settings
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

from obruten import municipal
from obruten.lib import school_start as school_start_rule
from obruten.register.codelists import county_name
from obruten.register.models import Municipality

register = template.Library()


@register.simple_tag
def waiting_days(start: date | None) -> int | None:
    """Days a placement has waited for its school start, up to today."""
    if start is None:
        return None
    return max((timezone.localdate() - start).days, 0)


@register.simple_tag
def school_start_days(days: int | None, school_change: bool, start: date | None) -> SafeString:
    """The days from placement to school start, flagged over the goal in force when the
    placement began; for a placement that changes school and has none yet, the days it
    has waited. Rendered in Python: the caseload shows it on every row (docs/performance.md)."""
    if start is None:
        return mark_safe("–")
    goal = municipal.school_start_goal_on(start)
    if days is not None:
        text = ngettext("%(days)s dag", "%(days)s dagar", days) % {"days": days}
        if not school_start_rule.is_late(days, goal):
            return format_html('<span class="days">{}</span>', text)
        over = gettext("(över %(goal_days)s)") % {"goal_days": goal}
        return format_html('<span class="days over-goal">{} <span class="flag">{}</span></span>', text, over)
    if not school_change:
        return mark_safe("–")
    waited = waiting_days(start)
    none = gettext("Ingen skolstart")
    if waited is None:
        return format_html('<span class="days">{}</span>', none)
    late = " over-goal" if school_start_rule.goal_passed(start, goal, timezone.localdate()) else ""
    text = ngettext("%(days)s dag", "%(days)s dagar", waited) % {"days": waited}
    return format_html('<span class="days{}">{} ({})</span>', late, none, text)


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
