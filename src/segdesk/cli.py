"""The command line: parse, call the Workspace, print. Exit 0 done, 2 user error, 1 our fault.

Heavy libraries (SQLAlchemy, pandas, Textual) are imported inside the commands that need
them, so that `--help` is instant and the TUI paints before the database layer has loaded.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from typing import Any

from segdesk import __version__
from segdesk.errors import UserError

EXIT_OK, EXIT_FAULT, EXIT_USER = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    """argparse that reports mistakes in one line (exit 2) instead of the whole usage."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_USER, f"segdesk: error: {message} (see `{self.prog} --help`)\n")


def _common() -> argparse.ArgumentParser:
    """Options every command accepts, before or after the command name."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db",
        metavar="PATH",
        default=argparse.SUPPRESS,
        help="database file or URL (default: $SEGDESK_DB, else segdesk.db in the data folder)",
    )
    return common


def _theme_option() -> argparse.ArgumentParser:
    theme = argparse.ArgumentParser(add_help=False)
    theme.add_argument(
        "--theme",
        metavar="NAME",
        default=argparse.SUPPRESS,
        help="colour theme, remembered for next time",
    )
    return theme


def build_parser() -> argparse.ArgumentParser:
    common, theme = _common(), _theme_option()
    parser = _Parser(
        prog="segdesk",
        description="Segment Desk: a keyboard-driven workbench for customer segments. "
        "Without a command, opens the app.",
        parents=[common, theme],
    )
    parser.add_argument("--version", action="version", version=f"segdesk {__version__}")
    parser.set_defaults(handler=cmd_app)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", parser_class=_Parser)

    demo = commands.add_parser(
        "demo", parents=[common, theme], help="open the app on a fresh copy of the sample database"
    )
    demo.set_defaults(handler=cmd_demo)

    fields = commands.add_parser(
        "fields", parents=[common], help="list the fields rules and mappings can name"
    )
    fields.add_argument("--json", action="store_true", help="print JSON")
    fields.set_defaults(handler=cmd_fields)

    contacts = commands.add_parser("contacts", parents=[common], help="list or search contacts")
    contacts.add_argument("--search", metavar="TEXT", help="words in name, email, company or id")
    contacts.add_argument(
        "--limit",
        metavar="N",
        type=_positive_int,
        default=None,
        help="at most N contacts (default: 50 in a table, all with --json)",
    )
    contacts.add_argument("--json", action="store_true", help="print a JSON list of contacts")
    contacts.set_defaults(handler=cmd_contacts)
    return parser


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected 0 or more, got {value}")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        return handler(args)
    except UserError as exc:
        print(f"segdesk: error: {exc}", file=sys.stderr)
        return EXIT_USER
    except KeyboardInterrupt:
        print("segdesk: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK


def _db(args: argparse.Namespace) -> str:
    from segdesk.paths import resolve_db

    return resolve_db(getattr(args, "db", None))


def _print_json(value: Any) -> None:
    json.dump(value, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")


def cmd_app(args: argparse.Namespace) -> int:
    return _run_app(_db(args), getattr(args, "theme", None))


def cmd_demo(args: argparse.Namespace) -> int:
    from segdesk.demo import fresh_demo_copy

    return _run_app(str(fresh_demo_copy()), getattr(args, "theme", None))


def _run_app(db: str, theme: str | None) -> int:
    from segdesk.tui.app import make_app

    app = make_app(db=db, theme=theme)
    app.run()
    return app.return_code or EXIT_OK


def cmd_fields(args: argparse.Namespace) -> int:
    from segdesk.workspace import Workspace

    with Workspace.open(_db(args)) as ws:
        fields = ws.fields()
    if args.json:
        _print_json(fields)
        return EXIT_OK
    from segdesk.output import print_table

    print_table(
        "Fields",
        ["name", "type", "origin", "description"],
        [[f["name"], f["type"], f["origin"], f["description"] or ""] for f in fields],
    )
    return EXIT_OK


def cmd_contacts(args: argparse.Namespace) -> int:
    from segdesk.workspace import Workspace

    limit = args.limit if args.limit is not None or args.json else 50
    with Workspace.open(_db(args)) as ws:
        records = ws.contact_records(search=args.search, limit=limit)
        total = None if args.json else ws.count_contacts(args.search)
    if args.json:
        _print_json(records)
        return EXIT_OK
    from segdesk.output import print_table

    print_table(
        f"Contacts ({len(records):,} of {total:,})",
        ["email", "name", "company", "city", "country", "consent"],
        [
            [
                r["email"] or "",
                " ".join(filter(None, [r["first_name"], r["last_name"]])),
                r["company"] or "",
                r["city"] or "",
                r["country"] or "",
                r["consent"],
            ]
            for r in records
        ],
    )
    return EXIT_OK
