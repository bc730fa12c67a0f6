"""`segdesk export list` and `segdesk exports`: contact lists written for a spreadsheet, an
email platform or a CRM, and the log of every export with its holdout results
(docs/exports.md)."""

from __future__ import annotations

import argparse
import secrets
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from segdesk.cli import playbook_export
from segdesk.cli.common import EXIT_OK, Parser, open_workspace, positive_int, print_json, warn
from segdesk.errors import UserError

if TYPE_CHECKING:
    from segdesk.publish.export_log import ExportEntry
    from segdesk.publish.holdout import GroupResponse, HoldoutResponse
    from segdesk.publish.lists import ExportReport, ListOptions

LIST_EPILOG = """\
formats: generic (CSV of chosen fields, the default), mailchimp, hubspot, xlsx (Excel)
  Excel in most of Europe: --delimiter ';' --bom
  -o naming a folder: one file per segment in it, named after the segment
left out: unsubscribed contacts (unless --include-unsubscribed); for mailchimp and hubspot,
  contacts without an email address; both counted in the report
examples:
  segdesk export list "VIP customers" -o vip.csv
  segdesk export list "rfm: At Risk" -o at-risk.csv --format mailchimp --joined-since 2026-11-01
  segdesk export list "Coffee Club members" -o club.xlsx --format xlsx --holdout 10% --seed 7"""


def add_commands(commands: Any, common: argparse.ArgumentParser) -> None:
    group = commands.add_parser(
        "export", parents=[common], help="write contact lists (and playbooks) to files"
    )
    actions = group.add_subparsers(title="what", metavar="WHAT", parser_class=Parser, required=True)
    add_list_command(actions, common)
    playbook_export.add_playbook_command(actions, common)
    add_log_command(commands, common)


def add_list_command(actions: Any, common: argparse.ArgumentParser) -> None:
    text = "write the contacts of one or more segments to a file"
    sub = actions.add_parser(
        "list",
        parents=[common],
        help=text,
        description=text,
        epilog=LIST_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub.add_argument("names", metavar="NAME", nargs="+", help="segments to export")
    sub.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        required=True,
        help="the file to write, or a folder for one file per segment",
    )
    sub.add_argument(
        "--format",
        choices=("generic", "mailchimp", "hubspot", "xlsx"),
        default=None,
        help="the file's layout (default: xlsx for a .xlsx file, else generic)",
    )
    sub.add_argument(
        "--fields",
        metavar="a,b,c",
        help="generic and xlsx: the fields, in order (default: the core fields, then custom)",
    )
    sub.add_argument("--delimiter", metavar="CHAR", default=",", help="between values (CSV)")
    sub.add_argument("--bom", action="store_true", help="start with a byte order mark (CSV)")
    sub.add_argument(
        "--include-unsubscribed",
        action="store_true",
        help="keep unsubscribed contacts (left out by default)",
    )
    sub.add_argument(
        "--anonymise",
        "--anonymize",
        action="store_true",
        help="no emails, names or phones; the external id hashed",
    )
    sub.add_argument(
        "--joined-since",
        metavar="SNAP|DATE",
        help="only people who joined since a day (YYYY-MM-DD) or a snapshot (id or label)",
    )
    sub.add_argument(
        "--left-since",
        metavar="SNAP|DATE",
        help="only people who left since a snapshot, or the last snapshot of a day",
    )
    sub.add_argument(
        "--holdout",
        metavar="SHARE",
        help="hold back this share as a control group, e.g. 10%% (not written to the file)",
    )
    sub.add_argument(
        "--seed", metavar="N", type=positive_int, help="the holdout's seed (default: a new one)"
    )
    sub.add_argument("--json", action="store_true", help="print the export report as JSON")
    sub.set_defaults(handler=cmd_export_list)


def add_log_command(commands: Any, common: argparse.ArgumentParser) -> None:
    text = "list the exports done, newest first, with holdout results"
    sub = commands.add_parser("exports", parents=[common], help=text, description=text)
    sub.add_argument("--limit", metavar="N", type=positive_int, help="the N newest only")
    sub.add_argument("--json", action="store_true", help="print JSON")
    sub.set_defaults(handler=cmd_exports)


def list_options(args: argparse.Namespace) -> ListOptions:
    """The options of `export list` as the engine takes them; mistakes in one line."""
    from segdesk.publish.formats import check_delimiter
    from segdesk.publish.holdout import parse_share
    from segdesk.publish.lists import ListOptions
    from segdesk.publish.movers import Since

    target = Path(args.output)
    chosen = args.format or ("xlsx" if target.suffix.lower() == ".xlsx" else "generic")
    if args.seed is not None and args.holdout is None:
        raise UserError("--seed goes with --holdout")
    share = parse_share(args.holdout) if args.holdout is not None else None
    fields = None
    if args.fields is not None:
        fields = tuple(f.strip() for f in args.fields.split(",") if f.strip())
        if not fields:
            raise UserError("--fields names no field")
    return ListOptions(
        format=chosen,
        fields=fields,
        delimiter=check_delimiter(args.delimiter),
        bom=args.bom,
        include_unsubscribed=args.include_unsubscribed,
        anonymise=args.anonymise,
        joined_since=Since.parse(args.joined_since) if args.joined_since else None,
        left_since=Since.parse(args.left_since) if args.left_since else None,
        holdout_share=share,
        seed=args.seed if args.seed is not None else secrets.randbelow(1_000_000),
    )


def cmd_export_list(args: argparse.Namespace) -> int:
    options = list_options(args)
    target = Path(args.output).expanduser()
    each = target.is_dir()
    with open_workspace(args, "write") as ws:
        if args.json or not sys.stderr.isatty():
            report = ws.exports.write_list(args.names, target, options, each=each)
        else:
            from segdesk.output import progress_bar

            with progress_bar("Exporting") as advance:
                report = ws.exports.write_list(
                    args.names, target, options, each=each, progress=advance
                )
    if args.json:
        print_json(report.to_json())
    else:
        print("\n".join(report_lines(report)))
    return EXIT_OK


def report_lines(report: ExportReport) -> list[str]:
    from segdesk.publish.formats import FORMAT_NAMES
    from segdesk.publish.selection import REASONS
    from segdesk.publish.selection import UNSUBSCRIBED as UNSUB
    from segdesk.wording import count

    lines = []
    for f in report.files:
        named = ", ".join(f'"{n}"' for n in f.segments)
        lines.append(
            f"Wrote {count(f.rows, 'contact')} of {named} to {f.path} ({FORMAT_NAMES[f.format]})"
        )
        left = [
            f"{n:,} {REASONS[r]}" + (" (--include-unsubscribed keeps them)" if r == UNSUB else "")
            for r, n in f.left_out.items()
            if n
        ]
        if left:
            lines.append(f"  left out: {', '.join(left)}")
        if f.holdout is not None:
            h = f.holdout
            lines.append(
                f"  holdout: {h['test']:,} in the test group (in the file), "
                f"{h['control']:,} in the control group (held back), seed {h['seed']}"
            )
    return lines


def cmd_exports(args: argparse.Namespace) -> int:
    with open_workspace(args, "read") as ws:
        entries = ws.exports.log(args.limit)
        results = {r.export_id: r for r in ws.exports.holdout_results()}
    if args.json:
        print_json([_entry_json(e, results.get(e.id)) for e in entries])
        return EXIT_OK
    if not entries:
        warn("no exports yet: `segdesk export list NAME -o FILE` writes one")
        return EXIT_OK
    from segdesk.output import print_table

    print_table(
        "Exports",
        ["id", "when", "what", "format", "segments", "rows", "left out", "file"],
        [
            [
                e.id,
                e.created_at.strftime("%Y-%m-%d %H:%M"),
                e.what,
                e.format,
                "; ".join(e.segments),
                f"{e.rows:,}",
                left_out_text(e.left_out),
                e.path,
            ]
            for e in entries
        ],
    )
    shown = [results[e.id] for e in entries if e.id in results]
    if shown:
        print()
        print_table(
            "Holdout results since each export (orders that count)",
            ["export", "group", "people", "buyers", "orders/person", "revenue/person"],
            [row for r in shown for row in _result_rows(r)],
        )
    return EXIT_OK


def left_out_text(left_out: dict[str, int]) -> str:
    from segdesk.publish.selection import left_out_words

    return left_out_words(left_out) or "-"


def _entry_json(entry: ExportEntry, result: HoldoutResponse | None) -> dict[str, Any]:
    data = entry.to_json()
    if result is not None:
        data["holdout_response"] = result.to_json()
    return data


def _result_rows(result: HoldoutResponse) -> list[list[object]]:
    return [
        [result.export_id, name, *_figures(group)]
        for name, group in (("test", result.test), ("control", result.control))
    ]


def _figures(group: GroupResponse) -> list[str]:
    per_order = group.orders_per_person
    per_revenue = group.revenue_per_person
    return [
        f"{group.people:,}",
        f"{group.buyers:,}",
        "-" if per_order is None else f"{per_order:.3f}",
        "-" if per_revenue is None else f"{per_revenue:,.2f}",
    ]
