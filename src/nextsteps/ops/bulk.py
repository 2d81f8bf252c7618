"""Fast inserts for large imports: one prepared statement for many rows, no model objects.

`bulk_create` builds a model instance per row; for the half a million enrolments and
identifier rows of a large OneRoster set that is most of the import's time. These rows need
no `save()` logic (the models have none), so they go straight in.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, models

BATCH = 5000


def insert_rows(
    model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """INSERT the rows (values in the order of `columns`, given as field attnames)."""
    meta = model._meta
    fields: list[Any] = [meta.get_field(name) for name in columns]
    quote = connection.ops.quote_name
    # Table and column names come from the model and are quoted; values are parameters.
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
        quote(meta.db_table),
        ", ".join(quote(field.column) for field in fields),
        ", ".join(["%s"] * len(fields)),
    )
    dates = [i for i, field in enumerate(fields) if isinstance(field, models.DateField)]
    adapt = connection.ops.adapt_datefield_value
    count = 0
    batch: list[list[Any]] = []
    with connection.cursor() as cursor:
        for row in rows:
            values = list(row)
            for index in dates:  # ids and text go as they are; dates as the backend wants
                values[index] = adapt(values[index])
            batch.append(values)
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count
