"""The one path from a failure to the user.

A user's mistake (`segdesk.errors.UserError`: a bad file, a refused undo) is shown as an
error notice in its own words; anything else is a fault of ours, shown in a modal with the
exception and its traceback, ready to copy into a bug report. Workers raise, and
`ReportsFailures` turns the worker's ERROR state into one of the two; a screen that must react
to its own failure (show the message beside a field, enable a key again) overrides
`work_failed` instead of catching the error itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from textual.worker import Worker, WorkerState

from segdesk.errors import UserError

if TYPE_CHECKING:
    from textual.app import App

USER_ERROR_TIMEOUT = 8
"""Seconds an error notice stays: long enough to read a sentence that names a file."""


def show_failure(app: App, error: BaseException) -> None:
    """Tell the user about ``error``: a notice for their mistake, the details for our fault."""
    from segdesk.tui.screens.fault import FaultScreen

    if isinstance(error, UserError):
        app.notify(str(error), severity="error", timeout=USER_ERROR_TIMEOUT, markup=False)
    elif isinstance(app.screen, FaultScreen):  # one fault on screen at a time
        app.notify(f"Another fault: {error!r}", severity="error", timeout=10, markup=False)
    else:
        app.push_screen(FaultScreen(error))


@contextmanager
def user_errors_shown(app: App) -> Iterator[None]:
    """Run a step the user asked for on the spot; if it is refused, say why and skip the rest
    of the block. Faults still propagate."""
    try:
        yield
    except UserError as error:
        show_failure(app, error)


class ReportsFailures:
    """Mixin for the app, screens and widgets that run workers.

    Textual posts a worker's state changes to the node that started it, and they do not
    bubble: each node that runs workers needs this handler, which is why it is a mixin. A
    node's own `on_worker_state_changed` (for success) runs as well, before this one.
    """

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if event.state != WorkerState.ERROR or worker.error is None:
            return
        if not self.work_failed(worker, worker.error):
            show_failure(worker.node.app, worker.error)

    def work_failed(self, worker: Worker, error: BaseException) -> bool:
        """React to a failed worker of this node; True when the user has been told here."""
        return False
