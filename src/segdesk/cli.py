"""The command line: parse, call the Workspace, print. Exit 0 done, 2 user error, 1 our fault.

Heavy libraries (SQLAlchemy, pandas, Textual) are imported inside the commands that need
them, so that `--help` is instant and the TUI paints before the database layer has loaded.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
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

    _add_import_commands(commands, common)
    return parser


def _add_import_commands(commands: Any, common: argparse.ArgumentParser) -> None:
    importing = commands.add_parser(
        "import", parents=[common], help="import contacts or events (orders) from a file"
    )
    kinds = importing.add_subparsers(
        title="what to import", metavar="WHAT", parser_class=_Parser, required=True
    )
    for target in ("contacts", "events"):
        sub = kinds.add_parser(
            target, parents=[common],
            help="contacts from a CSV, TSV, text or Excel file" if target == "contacts"
            else "orders or other events, each naming its contact by email or external id",
        )  # fmt: skip
        sub.add_argument("file", metavar="FILE", help="the file to import")
        sub.add_argument(
            "--map", metavar="SOURCE=FIELD", action="append", default=[],
            help="map a column to a field (see `segdesk fields`), 'skip', or custom:NAME; "
            "options after a colon: dmy, mdy, comma, point, inverted, or a type",
        )  # fmt: skip
        sub.add_argument(
            "--key",
            choices=("email", "external_id"),
            help="what identifies a contact (default: email when mapped)",
        )
        sub.add_argument("--encoding", help="the file's encoding (default: detected)")
        sub.add_argument("--delimiter", help="comma, semicolon, tab, pipe or whitespace")
        sub.add_argument("--sheet", help="the sheet of a workbook (default: the first)")
        sub.add_argument(
            "--dry-run", action="store_true", help="report what the import would do; change nothing"
        )
        sub.add_argument("--rejects", metavar="FILE", help="write rejected rows here")
        sub.add_argument("--json", action="store_true", help="print the report as JSON")
        if target == "contacts":
            sub.add_argument(
                "--on-existing",
                choices=("update", "fill", "skip"),
                default="update",
                help="for contacts already stored: update them, only fill their "
                "empty fields, or skip them (default: update)",
            )
            sub.add_argument(
                "--unsubscribed",
                action="store_true",
                help="the file is an unsubscribe export: mark everyone in it unsubscribed",
            )
        else:
            sub.add_argument("--kind", default="order", help="kind of event (default: order)")
            missing = sub.add_mutually_exclusive_group()
            missing.add_argument(
                "--create-missing",
                dest="create_missing",
                action="store_true",
                default=True,
                help="create unknown contacts from their key (default)",
            )
            missing.add_argument(
                "--reject-missing",
                dest="create_missing",
                action="store_false",
                help="reject events whose contact is unknown",
            )
        sub.set_defaults(handler=cmd_import, target=target)

    imports = commands.add_parser(
        "imports", parents=[common], help="the import history; `imports undo ID` undoes one"
    )
    imports.add_argument("--json", action="store_true", help="print JSON")
    imports.set_defaults(handler=cmd_imports)
    actions = imports.add_subparsers(metavar="ACTION", parser_class=_Parser)
    undo = actions.add_parser("undo", parents=[common], help="undo an import by its id")
    undo.add_argument("id", type=_positive_int, metavar="ID")
    undo.add_argument("--json", action="store_true", help="print JSON")
    undo.set_defaults(handler=cmd_undo_import)


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


def cmd_import(args: argparse.Namespace) -> int:
    from segdesk.ingest.importer import ImportOptions
    from segdesk.ingest.sources import ReadOptions
    from segdesk.workspace import Workspace

    read = ReadOptions(encoding=args.encoding, delimiter=args.delimiter, sheet=args.sheet)
    options = ImportOptions(
        target=args.target,
        key=args.key,
        on_existing=getattr(args, "on_existing", "update"),
        create_missing=getattr(args, "create_missing", True),
        kind=getattr(args, "kind", "order"),
        mark_unsubscribed=getattr(args, "unsubscribed", False),
        dry_run=args.dry_run,
    )
    with Workspace.open(_db(args)) as ws:
        shape = ws.inspect_import(args.file, read)
        mapping = ws.suggest_mapping(shape, args.target)
        if args.map:
            mapping = mapping.with_overrides(
                args.map,
                samples={name: shape.column_values(i) for i, name in enumerate(shape.header)},
                custom_fields=ws.custom_fields(),
            )
        rejects = Path(args.rejects) if args.rejects else None
        if args.json:
            report = ws.run_import(shape, mapping, options, rejects=rejects)
        else:
            from segdesk.output import progress_bar

            with progress_bar(f"Importing {shape.path.name}") as advance:
                report = ws.run_import(shape, mapping, options, rejects=rejects,
                                       progress=advance)  # fmt: skip
    if args.json:
        _print_json(report.to_json())
    else:
        from segdesk.output import print_import_report

        print_import_report(report)
    return EXIT_OK


def cmd_imports(args: argparse.Namespace) -> int:
    from segdesk.workspace import Workspace

    with Workspace.open(_db(args)) as ws:
        runs = ws.imports()
    if args.json:
        _print_json([run.to_json() for run in runs])
        return EXIT_OK
    from segdesk.output import print_table

    print_table(
        "Imports",
        ["id", "when", "file", "what", "status", "read", "new", "updated", "same", "rejected"],
        [
            [r.id, r.started_at.strftime("%Y-%m-%d %H:%M"), r.file_name,
             r.target if r.target == "contacts" else f"events ({r.event_kind})", r.status,
             f"{r.read:,}", f"{r.inserted:,}", f"{r.updated:,}", f"{r.unchanged:,}",
             f"{r.rejected:,}"]
            for r in runs
        ],
    )  # fmt: skip
    return EXIT_OK


def cmd_undo_import(args: argparse.Namespace) -> int:
    from segdesk.workspace import Workspace

    with Workspace.open(_db(args)) as ws:
        result = ws.undo_import(args.id)
    if args.json:
        _print_json(result.to_json())
    else:
        print(
            f"Undid import {result.batch_id}: removed {result.contacts_removed:,} contacts and "
            f"{result.events_removed:,} events, restored {result.contacts_restored:,} contacts."
        )
    return EXIT_OK
