"""Every table in the product downloads as CSV or XLSX through this one helper."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse
from django.utils.text import slugify
from openpyxl import Workbook
from openpyxl.styles import Font

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Cells starting with these are formulas to a spreadsheet; prefixing stops CSV injection.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_text(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
    return buffer.getvalue()


def xlsx_bytes(
    headers: Sequence[str], rows: Iterable[Sequence[Any]], *, title: str = "Sheet1"
) -> bytes:
    workbook = Workbook(write_only=False)
    sheet = workbook.active
    if sheet is None:  # a new workbook always has one sheet
        sheet = workbook.create_sheet()
    sheet.title = title[:31] or "Sheet1"
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([safe_cell(value) for value in row])
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def table_response(
    *, filename: str, fmt: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]
) -> HttpResponse:
    """A download of the table as CSV (UTF-8 with BOM, so spreadsheets read it) or XLSX."""
    name = slugify(filename) or "table"
    if fmt == "xlsx":
        response = HttpResponse(xlsx_bytes(headers, rows, title=filename), content_type=XLSX_TYPE)
    else:
        response = HttpResponse(
            "\ufeff" + csv_text(headers, rows), content_type="text/csv; charset=utf-8"
        )
        fmt = "csv"
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
