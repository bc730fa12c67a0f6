"""What an import did: counts that add up, rejected rows with their lines, data quality.

Every row read is counted exactly once: read = inserted + updated + unchanged + merged +
rejected, ``merged`` being the rows that repeat a contact of the same file, or an order of it
(a further line item of the order). Order lines are counted apart (``lines``): a row can be an
order and its first line at once. Rejected rows go
to a file (line, reason, then the row as it was read) written with the source's delimiter and
encoding, so nothing a user imports disappears without a trace and fixing the rows and
importing them again is one step.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import os
import re
import shutil
import stat
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from operator import itemgetter
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from segdesk.errors import UserError

if TYPE_CHECKING:
    from segdesk.ingest.sources import FileShape

from segdesk.paths import data_dir
from segdesk.wording import count

REJECTS_PREVIEW = 200
"""Rejected rows kept in memory for the app to show; all of them go to the rejects file."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MISSING_SHOWN = 5

PARTIAL_SUFFIX = ".partial"
_PARTIAL_NAME = re.compile(r"\..+\.([0-9]+)\.partial")
_HEAD_BYTES = 64
_HEAD_ENCODINGS = ("utf-32", "utf-16", "utf-8-sig", "utf-16-le", "utf-16-be")


def neutralise(text: str) -> str:
    """A cell a spreadsheet would run as a formula gets a leading ``'`` (the importer drops it)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def add_counts(counter: Counter[str], found: Sequence[tuple[int, str, int]]) -> None:
    """Add a chunk's findings, ``(first row, name, count)``, to ``counter``.

    Counted row by row, a name enters the counter at its first row, and within a row in the
    order of the checks, which is the order of ``found``. Adding them sorted by first row
    keeps that order, and with it the order of equal counts in the report.
    """
    for _first, name, n in sorted(found, key=itemgetter(0)):
        counter[name] += n


@dataclass(frozen=True)
class Reject:
    line: int
    reason: str
    values: tuple[str, ...]


@dataclass
class Quality:
    """Data-quality findings of one import, in figures a shop owner can act on."""

    missing: Counter[str] = field(default_factory=Counter)
    invalid_emails: int = 0
    duplicates_merged: int = 0
    repeated_refs: int = 0
    """Rows that repeated an order id of this file and were put into its order."""
    warnings: Counter[str] = field(default_factory=Counter)
    changes: Counter[str] = field(default_factory=Counter)
    """Values typing changed beyond trimming spaces (and lower-casing an email), by column
    and kind of change: ``"'Email': mailto: or <…> taken off"``."""

    def to_json(self) -> dict[str, Any]:
        return {
            "missing": dict(sorted(self.missing.items())),
            "invalid_emails": self.invalid_emails,
            "duplicates_merged": self.duplicates_merged,
            "repeated_refs": self.repeated_refs,
            "warnings": dict(sorted(self.warnings.items())),
            "changes": dict(self.changes),
        }

    def lines(self) -> list[str]:
        """The findings as short sentences, most important first."""
        out: list[str] = []
        if self.invalid_emails:
            invalid = count(self.invalid_emails, "invalid email address", "invalid email addresses")
            out.append(f"{invalid} (rejected)")
        if self.duplicates_merged:
            were = "was" if self.duplicates_merged == 1 else "were"
            out.append(
                f"{count(self.duplicates_merged, 'row')} repeated a contact of this file and "
                f"{were} merged into it (later non-empty values win)"
            )
        if self.repeated_refs:
            were = "was" if self.repeated_refs == 1 else "were"
            out.append(
                f"{count(self.repeated_refs, 'row')} repeated an order id of this file and "
                f"{were} put into that order (its total, status and date come from its first "
                "row; quantities add up)"
            )
        out.extend(f"{n:,} {text}" for text, n in self.warnings.most_common())
        out.extend(f"{what} ({count(n, 'value')})" for what, n in self.changes.items())
        missing = self.missing.most_common()
        if missing:
            shown = ", ".join(f"{name} {n:,}" for name, n in missing[:MISSING_SHOWN])
            more = (
                f" and {len(missing) - MISSING_SHOWN} more fields"
                if len(missing) > MISSING_SHOWN
                else ""
            )
            out.append(f"rows without a value: {shown}{more}")
        return out


@dataclass
class ImportReport:
    target: str
    file_name: str
    dry_run: bool
    batch_id: int | None = None
    read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    merged: int = 0
    """Rows merged into an earlier row of the same file: a contact's repeat, or a further row
    of an order (see ``order_rows``)."""
    rejected: int = 0
    contacts_created: int = 0
    lines: int = 0
    """Order lines stored (events whose mapping has line fields): one per row put into an
    order, so not a count of rows beside the others."""
    rejects_file: Path | None = None
    rejects_preview: list[Reject] = field(default_factory=list)
    quality: Quality = field(default_factory=Quality)
    decisions: list[str] = field(default_factory=list)

    @property
    def balanced(self) -> bool:
        return self.read == (
            self.inserted + self.updated + self.unchanged + self.merged + self.rejected
        )

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "target": self.target,
            "file": self.file_name,
            "dry_run": self.dry_run,
            "batch_id": self.batch_id,
            "read": self.read,
            "inserted": self.inserted,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }
        data["merged"] = self.merged
        data["rejected"] = self.rejected
        if self.target == "events":
            data["contacts_created"] = self.contacts_created
            data["lines"] = self.lines
        data["rejects_file"] = str(self.rejects_file) if self.rejects_file else None
        data["quality"] = self.quality.to_json()
        data["decisions"] = list(self.decisions)
        return data


@dataclass(frozen=True)
class RejectsFormat:
    """How a rejects file is written: as its source was (delimiter, encoding, byte order mark),
    so that the program that opened the source opens it alike and it imports as it is."""

    delimiter: str = ","
    encoding: str = "utf-8"
    bom: bool = False

    @classmethod
    def like(cls, shape: FileShape) -> RejectsFormat:
        """The source's delimiter and encoding. A workbook's rows go to CSV in UTF-8 with a
        byte order mark, which Excel opens; a text table without a delimiter (aligned, or
        separated by spaces) to tab-separated text, which keeps values with spaces whole."""
        if shape.encoding is None:
            return cls(",", "utf-8", bom=True)
        delimiter = shape.delimiter or "\t"
        name = shape.encoding.name
        if name == "utf-8-sig":
            return cls(delimiter, "utf-8", bom=True)
        return cls(delimiter, name, bom=shape.encoding.bom_length > 0)


class RejectsWriter:
    """Writes rejected rows to a private file as they come; nothing is kept but a preview.

    The file is written beside its final name (``.NAME.PID.partial``, PID being the writing
    process) and renamed when the import ends, so a reader never sees half a file. With no
    rejected rows, no file is left behind; with no ``target``, none is written (a dry run keeps
    only the preview). A run that was killed cannot rename or remove its partial file; the next
    import writing to the same folder removes it (see ``remove_stale_partials``).

    A place that cannot be written is refused when the writer is made, before the import reads
    its file. A value the source's encoding cannot hold turns the whole file into UTF-8 with a
    byte order mark; ``fallback`` then says why.
    """

    def __init__(
        self, target: Path | None, header: Sequence[str], form: RejectsFormat | None = None
    ) -> None:
        self.target = target
        self.header = tuple(header)
        self.form = form or RejectsFormat()
        self.count = 0
        self.preview: list[Reject] = []
        self.fallback: str | None = None
        self._handle: IO[str] | None = None
        self._writer: Any = None
        if target is not None:
            check_writable(target)
            self._tmp = target.with_name(f".{target.name}.{os.getpid()}{PARTIAL_SUFFIX}")
            remove_stale_partials(target.parent, time.time())

    def add(self, line: int, reason: str, values: Sequence[str]) -> None:
        self.count += 1
        if len(self.preview) < REJECTS_PREVIEW:
            self.preview.append(Reject(line, reason, tuple(values)))
        if self.target is None:
            return
        if self._writer is None:
            self._open()
        self._write([str(line), reason, *(neutralise(v) for v in values)])

    def _open(self) -> None:
        assert self.target is not None
        try:
            self.target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(self._tmp, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
        except OSError as exc:
            raise self._error(exc) from None
        self._start(open(fd, "w", encoding=self.form.encoding, newline=""))  # noqa: SIM115
        if self.form.bom:  # only Unicode encodings have one, and they hold every character
            assert self._handle is not None
            self._handle.write("\ufeff")
        self._write(["line", "reason", *self.header])

    def _start(self, handle: IO[str]) -> None:
        self._handle = handle
        self._writer = csv.writer(handle, delimiter=self.form.delimiter)

    def _write(self, row: list[str]) -> None:
        try:
            try:
                self._writer.writerow(row)
            except UnicodeEncodeError:
                self._fall_back()
                self._writer.writerow(row)
        except OSError as exc:
            raise self._error(exc) from None

    def _fall_back(self) -> None:
        """Write what is written so far, and all that follows, as UTF-8 with a byte order mark."""
        assert self._handle is not None
        self._handle.close()
        self.fallback = f"{self.form.encoding} cannot hold every character of them"
        assert self.target is not None
        # Named as a partial file, so that a run killed meanwhile leaves nothing for good.
        again = self.target.with_name(f".{self.target.name}.utf-8.{os.getpid()}{PARTIAL_SUFFIX}")
        fd = os.open(again, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
        with (
            self._tmp.open(encoding=self.form.encoding, newline="") as old,
            open(fd, "w", encoding="utf-8", newline="") as new,
        ):
            text = old.read(1 << 16)
            new.write("\ufeff" + text.removeprefix("\ufeff"))
            shutil.copyfileobj(old, new, 1 << 16)
        os.replace(again, self._tmp)
        self.form = RejectsFormat(self.form.delimiter, "utf-8", bom=True)
        self._start(self._tmp.open("a", encoding="utf-8", newline=""))

    def close(self) -> None:
        """Write out what is buffered: a failure here can still undo the import."""
        if self._handle is not None and not self._handle.closed:
            try:
                self._handle.close()
            except OSError as exc:
                raise self._error(exc) from None

    def finish(self) -> Path | None:
        """Put the file in place; the path, or None when no row was rejected.

        A file it replaces keeps its permissions: ours are private, theirs are the user's.
        """
        if self._handle is None or self.target is None:
            return None
        self.close()
        with contextlib.suppress(FileNotFoundError):  # a new file stays private
            os.chmod(self._tmp, stat.S_IMODE(self.target.stat().st_mode))
        os.replace(self._tmp, self.target)
        return self.target

    def discard(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._tmp.unlink(missing_ok=True)

    def _error(self, exc: OSError) -> UserError:
        return UserError(f"cannot write rejected rows to {self.target}: {exc.strerror or exc}")


def check_writable(target: Path) -> None:
    """Refuse a rejects file that could not be written, in one line naming it.

    The nearest folder that exists must be writable (missing ones are made), and a file of
    that name must be writable too: a read-only file is kept, never replaced.
    """
    where = f"cannot write rejected rows to {target}"
    if target.is_dir():
        raise UserError(f"{where}: it is a folder")
    if target.exists() and not os.access(target, os.W_OK):
        raise UserError(f"{where}: the file is read-only")
    folder = target.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir():
        raise UserError(f"{where}: {folder} is not a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UserError(f"{where}: the folder {folder} is read-only")


def remove_stale_partials(folder: Path, started: float) -> list[Path]:
    """Remove the partial rejects files that killed imports left in ``folder``; the removed.

    A file is removed only when all of these hold, so that nothing else is ever touched:
    its name is ``.NAME.PID.partial``; it is empty or starts with a rejects file's header;
    it was last written before ``started`` (when the calling import began); and no process
    with that PID is running, so no import is still writing it. Without a way to ask whether
    a process runs (on systems other than POSIX ones), nothing is removed.
    """
    if os.name != "posix" or not folder.is_dir():
        return []
    removed: list[Path] = []
    for path in folder.glob(f".*{PARTIAL_SUFFIX}"):
        match = _PARTIAL_NAME.fullmatch(path.name)
        if match is None or process_running(int(match[1])):
            continue
        try:
            if path.stat().st_mtime >= started or not _rejects_content(path):
                continue
            path.unlink()
        except OSError:  # gone already, or not ours to read or remove
            continue
        removed.append(path)
    return removed


def default_rejects_path(source: Path) -> Path:
    """Where rejected rows go unless the user names a file: the data folder's rejects/.

    The name carries the time to the microsecond, and a number if that name is taken, so that
    two imports of one file never write over each other's rejected rows.
    """
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")
    folder = data_dir() / "rejects"
    path = folder / f"{source.stem}-{stamp}-rejects.csv"
    n = 1
    while path.exists():
        n += 1
        path = folder / f"{source.stem}-{stamp}-{n}-rejects.csv"
    return path


def process_running(pid: int) -> bool:
    """Whether a process with this id exists (one of another user counts as running)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True


def _rejects_content(path: Path) -> bool:
    """Whether the file is empty or begins as ``RejectsWriter`` begins its files: ``line``,
    one delimiter, ``reason``, in one of the encodings it writes (any byte order mark)."""
    with path.open("rb") as handle:
        head = handle.read(_HEAD_BYTES)
    if not head:
        return True
    for encoding in _HEAD_ENCODINGS:
        try:
            text = codecs.getincrementaldecoder(encoding)().decode(head)
        except UnicodeError:  # also "does not start with BOM"
            continue
        if text[:4] == "line" and text[5:11] == "reason":
            return True
    return False
