"""Reading workbooks (xlsx, xlsm, xls, ods) with calamine, as rows of text.

Cells arrive typed; they are turned back into text here so that every source looks the same to
the typing layer: whole numbers without ``.0``, dates in ISO form, booleans as true/false.
Calamine keeps one sheet's cells in compact native memory; the Python objects for a row are made
only when the row is read.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import python_calamine as calamine

from segdesk.errors import UserError

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods")


@dataclass(frozen=True)
class SheetChoice:
    name: str
    names: tuple[str, ...]
    reason: str


def open_workbook(path: Path) -> calamine.CalamineWorkbook:
    try:
        return calamine.CalamineWorkbook.from_path(str(path))
    except calamine.PasswordError:
        raise UserError(f"{path.name} is protected by a password; save it without one") from None
    except Exception as exc:  # calamine raises several unrelated types for damaged files
        raise UserError(f"{path.name} cannot be read as a workbook: {exc}") from None


def choose_sheet(path: Path, book: calamine.CalamineWorkbook, wanted: str | None) -> SheetChoice:
    """The sheet the user named (by name, or 1-based number), else the first visible with data."""
    names = tuple(book.sheet_names)
    if wanted:
        if wanted in names:
            return SheetChoice(wanted, names, "chosen by you")
        lowered = {n.casefold(): n for n in names}
        if wanted.casefold() in lowered:
            return SheetChoice(lowered[wanted.casefold()], names, "chosen by you")
        if wanted.isdigit() and 1 <= int(wanted) <= len(names):
            return SheetChoice(names[int(wanted) - 1], names, "chosen by you")
        raise UserError(f"{path.name} has no sheet {wanted!r}; its sheets are: " + ", ".join(names))
    visible = [
        m.name
        for m in book.sheets_metadata
        if m.visible == calamine.SheetVisibleEnum.Visible
        and m.typ == calamine.SheetTypeEnum.WorkSheet
    ] or list(names)
    for name in visible:
        sheet = book.get_sheet_by_name(name)
        if sheet.height and sheet.width:
            reason = "the only sheet" if len(names) == 1 else "the first sheet with data"
            return SheetChoice(name, names, reason)
    raise UserError(f"{path.name} has no sheet with data")


def sheet_rows(book: calamine.CalamineWorkbook, sheet: str) -> Iterator[tuple[int, list[str]]]:
    """``(row number as the spreadsheet shows it, cell texts)`` for every row of the sheet.

    Calamine yields rows from the sheet's first row on (rows above the data come back empty),
    so the position in the iteration is the row number.
    """
    for index, row in enumerate(book.get_sheet_by_name(sheet).iter_rows()):
        yield index + 1, [cell_text(v) for v in row]


def sheet_height(book: calamine.CalamineWorkbook, sheet: str) -> int:
    """Rows up to the last one with data, for progress reports."""
    end = book.get_sheet_by_name(sheet).end
    return int(end[0]) + 1 if end else 0


def cell_text(value: Any) -> str:
    """One cell as text: what a user would type to get the same value back."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _float_text(value)
    if isinstance(value, datetime):
        if value.time() == time(0) and value.tzinfo is None:
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return str(value)


def _float_text(value: float) -> str:
    if math.isnan(value) or math.isinf(value):
        return ""
    if value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    text = repr(value)
    if "e" in text or "E" in text:
        text = format(Decimal(text), "f")
    return text
