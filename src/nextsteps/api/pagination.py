"""Paging for the API's lists: `limit` and `offset`, bounded so that a page out of range is a
422 naming the parameter rather than a database overflow."""

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

MAX_PAGE = 1000
MAX_OFFSET = 2_147_483_647  # a database integer


class Pages(LimitOffsetPagination):
    """Up to 1,000 rows a page (100 unless asked), from any offset a database can hold."""

    class Input(Schema):
        limit: int = Field(100, ge=1, le=MAX_PAGE, description="Rows on the page")
        offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Rows to skip")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_limit=MAX_PAGE, **kwargs)


class Window:
    """Rows that pagination slices, each shaped by `out` only when its page is read (so a
    route shapes its rows for who is asking without loading every row)."""

    def __init__(self, rows: Any, out: Callable[[Any], Any]) -> None:
        self.rows, self.out = rows, out

    def __len__(self) -> int:
        return self.rows.count() if isinstance(self.rows, QuerySet) else len(self.rows)

    def __getitem__(self, window: slice) -> list[Any]:
        return [self.out(row) for row in self.rows[window]]
