"""The parser and the commands that open the app or read contacts and fields."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from segdesk import __version__
from segdesk.cli import (
    exports,
    importing,
    models,
    overlap,
    playbooks,
    products,
    profiles,
    segments,
    serve,
)
from segdesk.cli import snapshots as snapshot_commands
from segdesk.cli.common import (
    EXIT_OK,
    EXIT_USER,
    Parser,
    common_options,
    db_target,
    open_workspace,
    positive_int,
    print_json,
    theme_option,
    warn,
)
from segdesk.cli.terminal import TerminalSettings, terminal_options, terminal_settings
from segdesk.errors import UserError

if TYPE_CHECKING:
    from segdesk.rules.vocabulary import RuleTerm
    from segdesk.workspace.opening import WaitReport


def build_parser() -> argparse.ArgumentParser:
    common, theme, terminal = common_options(), theme_option(), terminal_options()
    parser = Parser(
        prog="segdesk",
        description="Segment Desk: a keyboard-driven workbench for customer segments. "
        "Without a command, opens the app.",
        parents=[common, theme, terminal],
    )
    parser.add_argument("--version", action="version", version=f"segdesk {__version__}")
    parser.set_defaults(handler=cmd_app)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", parser_class=Parser)

    demo = commands.add_parser(
        "demo",
        parents=[common, theme, terminal],
        help="open the app on a fresh copy of the sample database",
    )
    demo.set_defaults(handler=cmd_demo)

    fields = commands.add_parser(
        "fields", parents=[common], help="list the fields rules and mappings can name"
    )
    fields.add_argument("--json", action="store_true", help="print JSON")
    fields.add_argument(
        "--all",
        action="store_true",
        help="list every product, SKU and category (default: the most bought of each)",
    )
    fields.set_defaults(handler=cmd_fields)

    contacts = commands.add_parser("contacts", parents=[common], help="list or search contacts")
    contacts.add_argument(
        "--search",
        metavar="TEXT",
        help="words in name, email, company, id or city (case and accents ignored)",
    )
    contacts.add_argument(
        "--limit",
        metavar="N",
        type=positive_int,
        default=None,
        help="at most N contacts (default: 50 in a table, all with --json)",
    )
    contacts.add_argument("--json", action="store_true", help="print a JSON list of contacts")
    contacts.set_defaults(handler=cmd_contacts)

    importing.add_commands(commands, common)
    models.add_commands(commands, common)
    segments.add_commands(commands, common)
    products.add_commands(commands, common)
    playbooks.add_commands(commands, common)
    exports.add_commands(commands, common)
    profiles.add_commands(commands, common)
    overlap.add_commands(commands, common)
    snapshot_commands.add_commands(commands, common)
    serve.add_commands(commands, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    if "_ARGCOMPLETE" in os.environ:
        # The shell asks for completions (see README, "Shell completion"): answer and exit.
        # sys.exit rather than argcomplete's os._exit, so that tests can ask in-process.
        import argcomplete

        argcomplete.autocomplete(parser, exit_method=sys.exit)
    args = parser.parse_args(argv)
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        if handler in (cmd_app, cmd_demo):
            # The app shows waits itself, and its first paint must not wait for the
            # database layer to load.
            return handler(args)
        from segdesk.workspace.opening import report_waits_to

        with report_waits_to(_said_once()):
            return handler(args)
    except UserError as exc:
        print(f"segdesk: error: {exc}", file=sys.stderr)
        return EXIT_USER
    except KeyboardInterrupt:
        print("segdesk: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK


def _said_once() -> WaitReport:
    """A command waiting for another writer says so once, on stderr."""
    said = False

    def report(_waited: float, _limit: float) -> None:
        nonlocal said
        if not said:
            warn("waiting for another import or change to finish (ctrl+c to stop)…")
            said = True

    return report


def cmd_app(args: argparse.Namespace) -> int:
    return _run_app(db_target(args), getattr(args, "theme", None), terminal_settings(args))


def cmd_demo(args: argparse.Namespace) -> int:
    from segdesk.demo import fresh_demo_copy

    terminal = terminal_settings(args)
    return _run_app(str(fresh_demo_copy()), getattr(args, "theme", None), terminal)


def _run_app(db: str, theme: str | None, terminal: TerminalSettings | None = None) -> int:
    in_a_terminal = sys.stdin.isatty() and sys.stdout.isatty()
    if not (in_a_terminal or serve.served_in_a_browser()):
        raise UserError(
            "the app needs a terminal: run segdesk in one, or use a command (see `segdesk --help`)"
        )
    terminal = terminal or TerminalSettings()
    # Before Textual loads: it reads its settings from the environment once.
    os.environ.update(terminal.environment())
    from segdesk.tui.app import make_app

    app = make_app(db=db, theme=theme)
    app.run(mouse=terminal.mouse)
    return app.return_code or EXIT_OK


def cmd_fields(args: argparse.Namespace) -> int:
    with open_workspace(args, "read") as ws:
        fields, terms, names = ws.fields(), ws.rule_terms(), ws.products.names()
    if args.json:
        print_json(
            [f.to_json() for f in fields]
            + [_term_json(t) for t in terms]
            + products.names_json(names)
        )
        return EXIT_OK
    from segdesk.output import print_table

    print_table(
        "Fields",
        ["name", "type", "origin", "description"],
        [[f.name, f.type, f.origin, f.description or ""] for f in fields],
    )
    print()
    print_table(
        "Beyond the fields: metrics, windows, filters, segments and models",
        ["name", "type", "kind", "description"],
        [[t.name, t.type, t.kind, _term_description(t)] for t in terms],
    )
    products.print_names(names, every=args.all)
    return EXIT_OK


def _term_json(term: RuleTerm) -> dict[str, Any]:
    """A rule term beside the fields in ``fields --json``: its kind is its origin."""
    return {
        "name": term.name,
        "type": term.type,
        "origin": term.kind,
        "description": term.description,
        "values": list(term.values),
        **({"counts": list(term.counts)} if term.counts else {}),
    }


LISTED_BELOW = ("product", "sku", "category")
"""Filter names whose values the products table under the terms lists, with buyers."""


def _term_description(term: RuleTerm) -> str:
    if not term.values:
        return term.description
    if term.counts and term.name in LISTED_BELOW:
        return f"{term.description}; the most bought are listed below"
    if term.counts:
        held = ", ".join(f"{v} ({n:,})" for v, n in zip(term.values, term.counts, strict=True))
        return f"{term.description}; held: {held}"
    return f"{term.description}; segments: {', '.join(term.values)}"


def cmd_contacts(args: argparse.Namespace) -> int:
    limit = args.limit if args.limit is not None or args.json else 50
    with open_workspace(args, "read") as ws:
        records = ws.contacts.records(search=args.search, limit=limit)
        total = None if args.json else ws.contacts.count_contacts(args.search)
    if args.json:
        print_json([r.to_json() for r in records])
        return EXIT_OK
    from segdesk.output import print_contacts

    print_contacts(f"Contacts ({len(records):,} of {total:,})", records)
    return EXIT_OK
