"""The one way Lookfor writes CSV: every file a coach downloads goes through csv_response(), so
every text cell is made safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from flask import Response, make_response

# A spreadsheet reads a cell that starts with one of these as a formula (a tab or carriage
# return can hide the sign that follows); OWASP's advice is to prefix such a cell with a quote.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """A text cell that a spreadsheet would run as a formula, prefixed with a single quote.

    Only text is touched: numbers the app computed (ints, floats) stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """The CSV text, header first, with CRLF line ends (RFC 4180) and every cell made safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_cell(cell) for cell in header])
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    return buffer.getvalue()


def csv_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[object]]
) -> Response:
    """A CSV download named filename; never cached, since it carries coaching data."""
    response = make_response(write_csv(header, rows))
    response.mimetype = "text/csv"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response
