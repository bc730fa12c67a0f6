# PYTHON_ARGCOMPLETE_OK
"""The command line: parse, call the Workspace, print. Exit 0 done, 2 user error, 1 our fault.

Heavy libraries (SQLAlchemy, pandas, Textual) are imported inside the commands that need
them, so that `--help` is instant and the TUI paints before the database layer has loaded.
"""

from segdesk.cli.main import main

__all__ = ["main"]
