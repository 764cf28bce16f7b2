"""Spreadsheet files as plain tables of text: CSV (comma, semicolon or tab) and XLSX, read and written.

Why a module of its own: what a file looks like (Excel's semicolons in many locales, its
UTF-8 byte-order mark, cells that are numbers or booleans in a workbook) has nothing to do with
what the columns mean (``bot.knowledge.spreadsheet``). Rows are numbered as spreadsheets
number them: the header is row 1, every record is one row, even when a cell spans lines.
XLSX goes through openpyxl, the maintained library for it, rather than hand-written XML. It is
imported where a workbook is read or written, not with this module: it costs about 25 MB resident,
and every command that loads the CLI (the bot itself, ``ask``) would carry it.
"""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from pathlib import Path

MAX_BYTES = 20 * 1024 * 1024
DELIMITERS = (",", ";", "\t")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
Table = list[list[str]]


class SheetError(Exception):
    """The file cannot be read as a table; the message says why and what to do."""


def column_letter(index: int) -> str:
    """The spreadsheet letter of a 0-based column index (0 -> A), for problem messages."""
    from openpyxl.utils import get_column_letter  # here, not at the top: see the module docstring

    return get_column_letter(index + 1)


def read_table(path: Path, known_columns: tuple[str, ...]) -> Table:
    """The rows of a CSV or XLSX file as text, the header first; :class:`SheetError` if unreadable."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise SheetError(f"the file is {size:,} bytes; the limit is {MAX_BYTES:,}")
        raw = path.read_bytes()
    except OSError as exc:
        raise SheetError(f"cannot read the file: {exc.strerror or exc}") from None
    if path.suffix.lower() in XLSX_SUFFIXES:
        return _read_xlsx(raw)
    if path.suffix.lower() == ".json":  # export's JSON is for reading; read as CSV it gave "unknown column '['"
        raise SheetError("a JSON export cannot be imported; export as csv or xlsx, edit that, and import it")
    return _read_csv(raw, known_columns)


def _read_csv(raw: bytes, known_columns: tuple[str, ...]) -> Table:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SheetError(f"{_cell_at(raw[: exc.start], known_columns)} is not UTF-8 text; save the sheet as "
                         "'CSV UTF-8' (or as .xlsx)") from None
    delimiter = _delimiter(text.split("\n", 1)[0], known_columns)
    rows: Table = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        rows.extend(reader)
    except csv.Error as exc:
        raise SheetError(f"row {len(rows) + 1}: {exc}; check the quotes in that row") from None
    return rows


def _cell_at(before: bytes, known_columns: tuple[str, ...]) -> str:
    """The sheet's row and column where the bytes ``before`` end (the text before them is good UTF-8): a row is not
    a line of the file when a cell holds line breaks, and an operator looks for a row and a column."""
    text = before.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text.split("\n", 1)[0],
                                                                                  known_columns)))
    if not rows or text.endswith(("\n", "\r")):  # the bad byte begins a row
        return f"row {len(rows) + 1}, column A"
    return f"row {len(rows)}, column {column_letter(max(len(rows[-1]) - 1, 0))}"


def _delimiter(header: str, known_columns: tuple[str, ...]) -> str:
    """The separator that splits the header into the most known column names (Excel writes ';' in many locales)."""
    def known(delimiter: str) -> int:
        cells = next(csv.reader([header], delimiter=delimiter), [])
        return sum(cell.strip().lower() in known_columns for cell in cells)

    return max(DELIMITERS, key=known)  # ties keep the first: the comma


def _read_xlsx(raw: bytes) -> Table:
    from openpyxl import load_workbook  # here, not at the top: see the module docstring
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError) as exc:
        raise SheetError(f"not a readable .xlsx workbook ({type(exc).__name__}); save it again as .xlsx") from None
    try:
        sheet = workbook.worksheets[0]
        return [[_cell_text(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def _cell_text(value: object) -> str:
    """A cell as the text an operator sees (a workbook may hold numbers, booleans or dates)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return str(value)


def write_csv(table: Table) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(table)
    return buffer.getvalue()


def write_xlsx(table: Table, *, wrap: tuple[str, ...] = (), title: str = "faq") -> bytes:
    """One sheet with a bold, frozen header; columns named in ``wrap`` wrap their text."""
    from openpyxl import Workbook  # here, not at the top: see the module docstring
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in table:
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for column in sheet.iter_cols(min_row=2):
        for cell in column:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text, never a formula
    for index, name in enumerate(table[0] if table else ()):
        letter = column_letter(index)
        sheet.column_dimensions[letter].width = 80 if name in wrap else 30
        if name in wrap:
            for cell in sheet[letter][1:]:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
