"""Waiting for SQLite's write lock while another import or change holds it.

One writer at a time: a second import (or any change) begins with ``BEGIN IMMEDIATE`` and,
while another holds the lock, waits here instead of failing after the busy timeout. The first
second is quiet (short writes come and go); after it, every caller that asked with
:func:`report_waits_to` hears how long it has waited, and may stop the wait by raising (the
CLI's ctrl+c, the app's cancel). After ``SEGDESK_WRITE_WAIT`` seconds (default ten minutes)
the wait gives up with :class:`WriteLockTimeout`. Readers never wait: WAL lets them read
beside a writer.

Standard library only: the CLI and the app set the reporting up before SQLAlchemy loads.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from segdesk.errors import UserError

WAIT_ENV = "SEGDESK_WRITE_WAIT"
DEFAULT_WAIT_SECONDS = 600.0
QUIET_SECONDS = 1.0
"""Waits shorter than this are not reported: another writer's commit takes about as long."""
POLL_MS = 200
"""Each attempt waits this long in SQLite's busy handler, so a ctrl+c is seen at once."""

WAITING_LABEL = "waiting for another import to finish"
"""The label of the progress reports of a job that waits for the write lock."""

WaitReport = Callable[[float, float], None]
"""``report(waited, limit)``: seconds waited so far for the write lock, and the limit. It may
raise (``Cancelled``, ``KeyboardInterrupt``) to stop waiting; nothing has been written."""

_reports: ContextVar[tuple[WaitReport, ...]] = ContextVar("segdesk_write_waits", default=())


class WriteLockTimeout(UserError):
    """Another writer held the database longer than the user is willing to wait."""


@contextmanager
def report_waits_to(report: WaitReport) -> Iterator[None]:
    """Within this block (in this thread), waits for the write lock are reported to
    ``report``, besides the reports set up around it."""
    token = _reports.set((*_reports.get(), report))
    try:
        yield
    finally:
        _reports.reset(token)


def wait_limit() -> float:
    """Seconds to wait for another writer: ``SEGDESK_WRITE_WAIT``, else ten minutes."""
    text = os.environ.get(WAIT_ENV, "").strip()
    if not text:
        return DEFAULT_WAIT_SECONDS
    try:
        seconds = float(text)
    except ValueError:
        raise UserError(f"{WAIT_ENV} must be a number of seconds, not {text!r}") from None
    return max(seconds, 0.0)


def begin_write(conn: sqlite3.Connection, *, busy_timeout_ms: int, database: str) -> None:
    """``BEGIN IMMEDIATE`` on ``conn``, waiting for another writer as long as the limit
    allows; the connection's busy timeout is ``busy_timeout_ms`` again afterwards."""
    limit = wait_limit()
    started = time.monotonic()
    conn.execute(f"PRAGMA busy_timeout={POLL_MS}")
    try:
        while True:
            try:
                conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if not is_busy(exc):
                    raise
            waited = time.monotonic() - started
            if waited >= QUIET_SECONDS:
                for report in _reports.get():
                    report(waited, limit)
            if waited >= limit:
                raise WriteLockTimeout(
                    f"gave up after waiting {_duration(waited)} for another import or change "
                    f"to {database} to finish; try again once it is done"
                )
    finally:
        conn.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")


def is_busy(exc: sqlite3.Error) -> bool:
    """Whether SQLite refused because another connection holds a lock."""
    name = getattr(exc, "sqlite_errorname", "")
    return name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in str(exc)


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    return f"{seconds / 60:.0f} minutes"
