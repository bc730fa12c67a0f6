"""Writing an export file whole or not at all, readable by its owner only.

Rows go to ``.NAME.PID.partial`` beside the target (mode 0600) and the file is renamed onto
the target once complete, so a reader, or a kill, never leaves half a list under the
target's name. A partial file left by a killed export is removed by the next export to the
same target once its process is gone.
"""

from __future__ import annotations

import contextlib
import csv
import glob
import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import IO, Any

from segdesk.errors import UserError
from segdesk.ingest.import_report import PARTIAL_SUFFIX, process_running
from segdesk.publish.formats import FIRSTS

BUFFER = 1 << 20
XLSX_MAX_ROWS = 1_048_576
"""Rows an Excel sheet holds, the header included."""


def check_target(target: Path) -> None:
    """Refuse, in one line naming it, a file that cannot be written: a missing or read-only
    folder, a folder given as the file, a read-only file."""
    where = f"cannot write {target}"
    if target.is_dir():
        raise UserError(f"{where}: it is a folder")
    folder = target.parent
    if not folder.is_dir():
        raise UserError(f"{where}: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UserError(f"{where}: the folder {folder} is read-only")
    if target.exists() and not os.access(target, os.W_OK):
        raise UserError(f"{where}: the file is read-only")


def partial_path(target: Path) -> Path:
    return target.with_name(f".{target.name}.{os.getpid()}{PARTIAL_SUFFIX}")


def remove_stale_partials(target: Path) -> list[Path]:
    """Partial files of ``target`` whose writing process is gone (a killed export)."""
    if os.name != "posix":
        return []
    pattern = re.compile(re.escape(f".{target.name}.") + r"([0-9]+)" + re.escape(PARTIAL_SUFFIX))
    removed = []
    for path in target.parent.glob(f".{glob.escape(target.name)}.*{PARTIAL_SUFFIX}"):
        match = pattern.fullmatch(path.name)
        if match is None or process_running(int(match[1])):
            continue
        with contextlib.suppress(OSError):
            path.unlink()
            removed.append(path)
    return removed


class PrivateFile:
    """A file written under a temporary name and renamed onto ``target`` by :meth:`commit`;
    :meth:`discard` (or leaving without committing) removes it."""

    def __init__(self, target: Path) -> None:
        check_target(target)
        remove_stale_partials(target)
        self.target = target
        self.temporary = partial_path(target)
        try:
            fd = os.open(self.temporary, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
        except OSError as exc:
            raise UserError(f"cannot write {target}: {exc.strerror or exc}") from None
        self.handle: IO[bytes] = open(fd, "wb", buffering=BUFFER)  # noqa: SIM115

    def commit(self) -> None:
        try:
            self.handle.flush()
            os.fsync(self.handle.fileno())
            self.handle.close()
            os.chmod(self.temporary, 0o600)
            os.replace(self.temporary, self.target)
        except OSError as exc:
            self.discard()
            raise UserError(f"cannot write {self.target}: {exc.strerror or exc}") from None

    def discard(self) -> None:
        with contextlib.suppress(OSError):
            self.handle.close()
        self.temporary.unlink(missing_ok=True)


def write_private_text(target: Path, text: str) -> int:
    """Write ``text`` (UTF-8) to ``target`` whole or not at all; the bytes written."""
    data = text.encode("utf-8")
    file = PrivateFile(target)
    try:
        try:
            file.handle.write(data)
        except OSError as exc:
            raise UserError(f"cannot write {target}: {exc.strerror or exc}") from None
        file.commit()
    except BaseException:
        file.discard()
        raise
    return len(data)


class CsvSink:
    """Rows as CSV in UTF-8 (RFC 4180 quoting, CRLF line ends), with a BOM if asked."""

    def __init__(self, file: PrivateFile, delimiter: str = ",", bom: bool = False) -> None:
        import io

        self._text = io.TextIOWrapper(file.handle, encoding="utf-8", newline="")
        if bom:
            self._text.write("\ufeff")
        self._writer = csv.writer(self._text, delimiter=delimiter, lineterminator="\r\n")

    def header(self, names: Sequence[str]) -> None:
        self._writer.writerow(names)

    def rows(self, rows: Iterable[Sequence[Any]]) -> None:
        try:
            self._writer.writerows(rows)
        except OSError as exc:
            raise UserError(f"cannot write the list: {exc.strerror or exc}") from None

    def close(self) -> None:
        self._text.flush()
        self._text.detach()


class XlsxSink:
    """Rows as one Excel sheet: a header row, text as text (so ``00123`` and ``+44 …`` stay
    as written), numbers and yes/no as such.

    Text a spreadsheet would run as a formula is written as text with Excel's own leading
    ``'`` (the cell's "quote prefix", which Excel shows in the formula bar and keeps when the
    cell is edited): never run, and read back by our importer as written. A carriage return
    is written as Excel writes it, ``_x000D_`` (XML would read a bare one as a line feed), and
    text that looks like such an escape gets Excel's escape of its ``_``. Other characters a
    workbook cannot hold (control characters other than tab and line ends) are left out."""

    def __init__(self, file: PrivateFile, title: str = "Contacts") -> None:
        from openpyxl import Workbook

        self._file = file
        self._book = Workbook(write_only=True)
        self._sheet = self._book.create_sheet(title=_sheet_title(title))
        self._rows = 0

    def header(self, names: Sequence[str]) -> None:
        self._append(list(names))

    def rows(self, rows: Iterable[Sequence[Any]]) -> None:
        for row in rows:
            self._append([self._cell(v) if v.__class__ is str else v for v in row])

    def _cell(self, value: str) -> Any:
        if _ILLEGAL.search(value):
            value = _ILLEGAL.sub("", value)
        formula_like = value[:1] in FIRSTS
        if "\r" in value or "_x" in value:
            value = _ESCAPE_LIKE.sub(r"_x005F\1", value).replace("\r", "_x000D_")
        if not formula_like:
            return value
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(self._sheet, value)
        cell.data_type = "s"  # "=…" would otherwise be written as a formula
        cell.quotePrefix = True
        return cell

    def _append(self, row: list[Any]) -> None:
        self._rows += 1
        if self._rows > XLSX_MAX_ROWS:
            raise UserError(
                f"an Excel sheet holds at most {XLSX_MAX_ROWS - 1:,} contacts: "
                "export this list as CSV (--format generic)"
            )
        self._sheet.append(row)

    def close(self) -> None:
        try:
            self._book.save(self._file.handle)
        except OSError as exc:
            raise UserError(f"cannot write the list: {exc.strerror or exc}") from None


_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_ESCAPE_LIKE = re.compile(r"(_x[0-9A-Fa-f]{4}_)")


def _sheet_title(name: str) -> str:
    """A sheet name Excel accepts: at most 31 characters, none of ``[]:*?/\\``."""
    title = re.sub(r"[\[\]:*?/\\]", " ", name).strip()[:31]
    return title or "Contacts"
