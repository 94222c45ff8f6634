"""The rows of a task list, rendered in Python: a list is hundreds of rows, and Django's
template engine spends about 0.1 ms a row resolving each variable (measured in
docs/performance.md); ``format_html`` escapes every value the same way."""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from obruten.obligations.selectors import DueItem

register = template.Library()

LATE_ROW = mark_safe(' class="overdue"')


@register.filter
def task_rows(rows: Iterable[tuple[DueItem, str]], with_worker: bool = False) -> SafeString:
    """``<tr>`` for each (item, its child's case worker): date (and "försenad"), child,
    task, responsible, and the case worker where the list shows it."""
    late = format_html(' <strong class="flag">{}</strong>', _("försenad"))
    cells = '<tr{}><td>{}{}</td><td><a href="{}">{}</a></td><td><a href="{}">{}</a></td><td>{}</td>' + (
        "<td>{}</td></tr>" if with_worker else "</tr>"
    )
    return format_html_join(
        "\n",
        cells,
        (
            (
                LATE_ROW if item.late else "",
                item.due.isoformat(),
                late if item.late else "",
                item.child_url,
                item.child_name,
                item.url,
                item.title,
                item.responsible,
                *((worker or "–",) if with_worker else ()),
            )
            for item, worker in rows
        ),
    )
