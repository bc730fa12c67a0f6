"""What every command shares: the parser class, common options, exit codes, JSON output."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from segdesk.workspace import Workspace
    from segdesk.workspace.opening import OpenMode

EXIT_OK, EXIT_FAULT, EXIT_USER = 0, 1, 2


def iso_date(text: str) -> dt.date:
    """An argparse type: a day written YYYY-MM-DD."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got {text!r}") from None


class Parser(argparse.ArgumentParser):
    """argparse that reports mistakes in one line (exit 2) instead of the whole usage."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_USER, f"segdesk: error: {message} (see `{self.prog} --help`)\n")


def common_options() -> Parser:
    """Options every command accepts, before or after the command name."""
    common = Parser(add_help=False)
    common.add_argument(
        "--db",
        metavar="PATH",
        default=argparse.SUPPRESS,
        help="database file or URL (default: $SEGDESK_DB, else segdesk.db in the data folder)",
    )
    return common


def theme_option() -> Parser:
    theme = Parser(add_help=False)
    theme.add_argument(
        "--theme",
        metavar="NAME",
        default=argparse.SUPPRESS,
        help="colour theme, remembered for next time",
    )
    return theme


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected 0 or more, got {value}")
    return value


def db_target(args: argparse.Namespace) -> str:
    from segdesk.paths import resolve_db

    return resolve_db(getattr(args, "db", None))


DueRefresh = Literal["finish", "warn", "leave"]
"""What a command does about a refresh an import left due: finish it (a writing command),
say so on stderr (a reading one), or leave it to the refresh the command runs anyway."""


def open_workspace(
    args: argparse.Namespace, mode: OpenMode, *, due: DueRefresh | None = None
) -> Workspace:
    """The command's database, opened to read, to write or to create (``--db``, else
    ``SEGDESK_DB``, else the default); a due refresh is finished when writing (``due``
    default) and reported when reading."""
    from segdesk.workspace import Workspace

    ws = Workspace.open(db_target(args), mode=mode)
    try:
        _due_refresh(ws, due or ("warn" if mode == "read" else "finish"))
    except BaseException:
        ws.close()
        raise
    return ws


def _due_refresh(ws: Workspace, due: DueRefresh) -> None:
    if due == "leave":
        return
    since = ws.segments.out_of_date_since()
    if since is None:
        return
    if due == "warn":
        warn(f"segments are out of date since {since}: `segdesk segment refresh` updates them")
        return
    from segdesk.errors import UserError
    from segdesk.wording import count

    try:
        result = ws.segments.refresh()
    except UserError as exc:
        warn(f"segments are still out of date since {since}: {exc}")
    else:
        warn(
            f"segments were out of date since {since}: {count(result.refreshed, 'segment')} "
            "brought up to date"
        )


def warn(message: str) -> None:
    """One line on stderr that does not stop the command."""
    print(f"segdesk: {message}", file=sys.stderr)


def print_json(value: Any) -> None:
    json.dump(value, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")
