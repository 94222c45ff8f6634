"""Writing many rows at once, faster than ``bulk_create``: one multi-row statement per
``ROWS`` rows, or PostgreSQL's COPY. Django's model instances and its per-value work in
``bulk_create`` cost more than the pages and imports around them (docs/performance.md)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connections, models, router

ROWS = 500  # rows per statement: 500 × 15 parameters stays far below SQLite's limit


def insert(model: type[models.Model], rows: Sequence[dict[str, Any]], *, skip_existing: bool = False) -> None:
    """Insert ``rows`` (each a dict by attribute name, e.g. ``child_id``; every concrete
    field but the primary key) into ``model``'s table. ``skip_existing``: a row that breaks
    a unique constraint is left out (``ON CONFLICT DO NOTHING``), as ``bulk_create``'s
    ``ignore_conflicts``."""
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    quote = connection.ops.quote_name
    # Many rows share a value (the time, the actor): prepare those once.
    first = rows[0]
    shared = {
        field.attname: field.get_db_prep_save(first[field.attname], connection)
        for field in fields
        if all(row[field.attname] is first[field.attname] for row in rows)
    }
    params = [
        shared[field.attname]
        if field.attname in shared
        else field.get_db_prep_save(row[field.attname], connection)
        for row in rows
        for field in fields
    ]
    width, table = len(fields), quote(model._meta.db_table)
    columns = ", ".join(quote(field.column) for field in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY: psycopg parses a long statement's placeholders in Python, slower than
            # the insert itself. Rows that may exist go through a scratch table.
            target = quote(f"{model._meta.db_table}_incoming") if skip_existing else table
            if skip_existing:
                empty = f"SELECT {columns} FROM {table} WITH NO DATA"  # noqa: S608
                cursor.execute(f"CREATE TEMPORARY TABLE {target} AS {empty}")
            with cursor.cursor.copy(f"COPY {target} ({columns}) FROM STDIN") as copy:
                for start in range(0, len(params), width):
                    copy.write_row(params[start : start + width])
            if skip_existing:
                cursor.execute(
                    f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {target} ON CONFLICT DO NOTHING"  # noqa: S608
                )
                cursor.execute(f"DROP TABLE {target}")
            return
        one_row = "({})".format(", ".join(["%s"] * width))
        for start in range(0, len(rows), ROWS):
            count = min(ROWS, len(rows) - start)
            # Only identifiers from the model's own metadata; the values go as parameters.
            conflict = " ON CONFLICT DO NOTHING" if skip_existing else ""
            sql = "INSERT INTO {} ({}) VALUES {}{}".format(  # noqa: S608
                table, columns, ", ".join([one_row] * count), conflict
            )
            cursor.execute(sql, params[start * width : (start + count) * width])
