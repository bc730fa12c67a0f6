"""`segdesk import contacts|events FILE` and `segdesk imports [undo ID]`."""

from __future__ import annotations

import argparse
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from segdesk.cli.common import (
    EXIT_OK,
    Parser,
    db_target,
    open_workspace,
    positive_int,
    print_json,
)

if TYPE_CHECKING:
    from segdesk.workspace import Workspace


def add_commands(commands: Any, common: argparse.ArgumentParser) -> None:
    importing = commands.add_parser(
        "import", parents=[common], help="import contacts or events (orders) from a file"
    )
    kinds = importing.add_subparsers(
        title="what to import", metavar="WHAT", parser_class=Parser, required=True
    )
    for target in ("contacts", "events"):
        sub = kinds.add_parser(
            target,
            parents=[common],
            help="contacts from a CSV, TSV, text or Excel file"
            if target == "contacts"
            else "orders or other events, each naming its contact by email or external id",
        )
        sub.add_argument("file", metavar="FILE", help="the file to import")
        sub.add_argument(
            "--map",
            metavar="SOURCE=FIELD",
            action="append",
            default=[],
            help="map a column to a field (see `segdesk fields`), 'skip', or custom:NAME; "
            "options after a colon: dmy, mdy, comma, point, inverted, or a type",
        )
        sub.add_argument(
            "--key",
            choices=("email", "external_id"),
            help="what identifies a contact (default: email when mapped)",
        )
        sub.add_argument("--encoding", help="the file's encoding (default: detected)")
        sub.add_argument(
            "--delimiter",
            help="comma, semicolon, tab, pipe, whitespace (runs of spaces or tabs) "
            "or aligned (columns aligned with spaces)",
        )
        sub.add_argument("--sheet", help="the sheet of a workbook (default: the first)")
        sub.add_argument(
            "--no-header",
            action="store_true",
            help="the first row is data: name the columns by position (column 1, column 2, ...)",
        )
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
            consent = sub.add_mutually_exclusive_group()
            consent.add_argument(
                "--consent",
                choices=("subscribed", "unsubscribed"),
                help="give everyone in the file this consent, whatever its rows say: "
                "'subscribed' for a list of subscribers (such as a Mailchimp export of "
                "subscribed members), 'unsubscribed' for an unsubscribe export",
            )
            consent.add_argument(
                "--unsubscribed",
                dest="consent",
                action="store_const",
                const="unsubscribed",
                help="the same as --consent unsubscribed",
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
    actions = imports.add_subparsers(metavar="ACTION", parser_class=Parser)
    undo = actions.add_parser("undo", parents=[common], help="undo an import by its id")
    undo.add_argument("id", type=positive_int, metavar="ID")
    undo.add_argument("--json", action="store_true", help="print JSON")
    undo.set_defaults(handler=cmd_undo_import)


def cmd_import(args: argparse.Namespace) -> int:
    from segdesk.ingest.importer import ImportOptions
    from segdesk.ingest.sources import ReadOptions

    read = ReadOptions(
        encoding=args.encoding,
        delimiter=args.delimiter,
        sheet=args.sheet,
        header=not args.no_header,
    )
    options = ImportOptions(
        target=args.target,
        key=args.key,
        on_existing=getattr(args, "on_existing", "update"),
        create_missing=getattr(args, "create_missing", True),
        kind=getattr(args, "kind", "order"),
        consent=getattr(args, "consent", None),
        dry_run=args.dry_run,
    )
    ws, note = _import_workspace(args)
    with _discarded_unless_imported(ws), ws:
        shape = ws.imports.inspect(args.file, read)
        mapping = ws.imports.suggest_mapping(shape, args.target)
        samples = {name: shape.column_values(i) for i, name in enumerate(shape.header)}
        if args.map:
            mapping = mapping.with_overrides(
                args.map, samples=samples, custom_fields=ws.imports.custom_fields()
            )
        mapping.require_usable(hint=_map_hint(mapping.missing_fields(), shape.header))
        rejects = Path(args.rejects) if args.rejects else None
        if args.json:
            report = ws.imports.run(shape, mapping, options, rejects=rejects)
        else:
            from segdesk.output import progress_bar

            with progress_bar(f"Importing {shape.path.name}", sizes=True) as advance:
                report = ws.imports.run(shape, mapping, options, rejects=rejects, progress=advance)
    if note is not None:
        report.decisions.insert(0, note)
    if args.json:
        print_json(report.to_json())
    else:
        from segdesk.ingest.known_exports import suggested_consent
        from segdesk.output import column_lines, print_import_report

        print_import_report(report, column_lines(mapping, samples) if args.dry_run else ())
        suggested = suggested_consent(shape.header, mapping, options.consent)
        if suggested is not None:
            print(
                f"To mark everyone in this file {suggested}, import it with --consent {suggested}."
            )
    return EXIT_OK


def _import_workspace(args: argparse.Namespace) -> tuple[Workspace, str | None]:
    """The database an import goes to, created when missing, and a note for the report. A
    dry run into a missing database compares the file with an empty one in memory: it
    creates nothing."""
    from segdesk.errors import UserError
    from segdesk.workspace import Workspace
    from segdesk.workspace.opening import creation_problem, database_path

    if args.dry_run:
        path = database_path(db_target(args))
        if path is not None and not path.exists():
            if problem := creation_problem(path):
                raise UserError(problem)
            note = f"no database at {path} yet: compared with an empty one; importing creates it"
            return Workspace.open("sqlite://", mode="create"), note
        return open_workspace(args, "write", due="warn"), None
    # The refresh after the import brings a refresh left due up to date as well.
    return open_workspace(args, "create", due="leave"), None


@contextmanager
def _discarded_unless_imported(ws: Workspace) -> Iterator[None]:
    """A database made for an import that failed, or was stopped, before it landed is
    removed again: a mistyped --db leaves nothing behind."""
    try:
        yield
    except BaseException:
        if ws.created is not None:
            from segdesk.workspace.opening import discard_if_unused

            discard_if_unused(ws.created)
        raise


def _map_hint(missing: Sequence[str], header: Sequence[str]) -> str:
    fields = {"email": "email (or external_id)", "occurred_at": "occurred_at"}
    wanted = " and ".join(fields[f] for f in missing) or "a field from `segdesk fields`"
    columns = ", ".join(repr(name) for name in header[:20]) + (" ..." if len(header) > 20 else "")
    return (
        f'Choose columns with --map "COLUMN=FIELD", FIELD being {wanted}; the columns: {columns}.'
    )


def cmd_imports(args: argparse.Namespace) -> int:
    with open_workspace(args, "read") as ws:
        runs = ws.imports.history()
    if args.json:
        print_json([run.to_json() for run in runs])
        return EXIT_OK
    from segdesk.output import print_table

    print_table(
        "Imports",
        [
            "id",
            "when",
            "file",
            "what",
            "status",
            "read",
            "new",
            "updated",
            "unchanged",
            "merged",
            "rejected",
            "lines",
        ],
        [
            [
                r.id,
                r.started_at.strftime("%Y-%m-%d %H:%M"),
                r.file_name,
                r.target if r.target == "contacts" else f"events ({r.event_kind})",
                r.status,
                f"{r.read:,}",
                f"{r.inserted:,}",
                f"{r.updated:,}",
                f"{r.unchanged:,}",
                f"{r.merged:,}",
                f"{r.rejected:,}",
                f"{r.lines:,}",
            ]
            for r in runs
        ],
    )
    return EXIT_OK


def cmd_undo_import(args: argparse.Namespace) -> int:
    # The refresh after the undo brings a refresh left due up to date as well.
    with open_workspace(args, "write", due="leave") as ws:
        result = ws.imports.undo(args.id)
    if args.json:
        print_json(result.to_json())
    else:
        from segdesk.wording import undo_summary

        print(undo_summary(result))
    return EXIT_OK
