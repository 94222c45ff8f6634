"""Sorting a list by a column chosen in the query string (``?ordning=namn`` ascending,
``?ordning=-namn`` descending), and the column headers that link to it. Server-side, so
it works without JavaScript; the sorted header carries ``aria-sort``."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import QueryDict

PARAM = "ordning"
# The page of a list, and of a page's second list (the case worker's "Att bevaka").
PAGE_PARAMS = ("sida", "bevaka")


@dataclass(frozen=True)
class Order:
    key: str
    descending: bool = False

    @property
    def value(self) -> str:
        return f"-{self.key}" if self.descending else self.key


@dataclass(frozen=True)
class Header:
    label: str
    query: str = ""  # the query string that sorts by this column; empty: not sortable
    aria_sort: str = ""  # "ascending" or "descending" on the sorted column only


def chosen(query: QueryDict, keys: list[str], default: Order) -> Order:
    """The order asked for, or ``default`` for a missing or unknown column."""
    value = query.get(PARAM, "")
    key = value.removeprefix("-")
    return Order(key, value.startswith("-")) if key in keys else default


def headers(query: QueryDict, columns: list[tuple[str, str]], order: Order) -> list[Header]:
    """One header per ``(key, label)``; a column with an empty key is not sortable.
    Following the sorted column's link reverses it; the other filters stay."""
    result = []
    for key, label in columns:
        if not key:
            result.append(Header(label))
            continue
        kept = query.copy()
        for page in PAGE_PARAMS:  # a new order starts on the first page
            kept.pop(page, None)
        sorted_here = key == order.key
        kept[PARAM] = Order(key, sorted_here and not order.descending).value
        aria = ("descending" if order.descending else "ascending") if sorted_here else ""
        result.append(Header(label, kept.urlencode(), aria))
    return result
