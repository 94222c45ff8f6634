"""The rows of a task list, rendered in Python: a list is hundreds of rows, and Django's
template engine spends about 0.1 ms a row resolving each variable (measured in
docs/performance.md). Every value is escaped by the standard library's ``html.escape``,
which Django's own ``escape`` calls after checking each argument for a lazy string (a
third of the rows' time; every value here is a plain ``str``)."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from obruten.obligations.selectors import DueItem

register = template.Library()

LATE_ROW = ' class="overdue"'


@register.filter
def task_rows(rows: Iterable[tuple[DueItem, str]], with_worker: bool = False) -> SafeString:
    """``<tr>`` for each (item, its child's case worker): date (and "försenad"), child,
    task, responsible, and the case worker where the list shows it."""
    late = f' <strong class="flag">{escape(_("försenad"))}</strong>'
    html = []
    for item, worker in rows:
        row, flag = (LATE_ROW, late) if item.late else ("", "")
        html.append(
            f"<tr{row}><td>{item.due.isoformat()}{flag}</td>"
            f'<td><a href="{escape(item.child_url)}">{escape(item.child_name)}</a></td>'
            f'<td><a href="{escape(item.url)}">{escape(item.title)}</a></td>'
            f"<td>{escape(item.responsible)}</td>"
            + (f"<td>{escape(worker or '–')}</td></tr>" if with_worker else "</tr>")
        )
    return mark_safe("\n".join(html))  # noqa: S308 - every value escaped above
