"""What the front ends need to know before and around opening a database: where a target's
file is, whether a new one could be made there, removing one an import made in vain, and how
a writer that waits for another is reported.

The work is the store's; the command line and the app reach it here, as they reach
everything else through the workspace.
"""

from __future__ import annotations

from segdesk.store.database import OpenMode, database_path, discard_if_unused
from segdesk.store.files import creation_problem
from segdesk.store.write_lock import WAITING_LABEL, WaitReport, report_waits_to

__all__ = [
    "WAITING_LABEL",
    "OpenMode",
    "WaitReport",
    "creation_problem",
    "database_path",
    "discard_if_unused",
    "report_waits_to",
]
