"""`segdesk model rfm|lifecycle`: run a model, show its segments or its contacts."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from segdesk.cli.common import EXIT_OK, Parser, iso_date, open_workspace, positive_int, print_json

if TYPE_CHECKING:
    from segdesk.models.run_data import ModelSummary
    from segdesk.models.runner import LifecycleResult, RfmResult
    from segdesk.workspace import Workspace

LABELS = {
    "external_id": "id",
    "email": "email",
    "first_order": "first order",
    "last_order": "last order",
    "days_since_first": "days since first",
    "days_since_last": "days since last",
    "recency_days": "days since last",
    "frequency": "orders",
    "monetary": "total",
    "r": "R",
    "f": "F",
    "m": "M",
    "segment": "segment",
}
"""Column headings of the contacts table, in the order shown."""


def add_commands(commands: Any, common: argparse.ArgumentParser) -> None:
    model = commands.add_parser(
        "model", parents=[common], help="put every contact in an RFM or lifecycle segment"
    )
    kinds = model.add_subparsers(
        title="models", metavar="MODEL", parser_class=Parser, required=True
    )
    rfm = kinds.add_parser(
        "rfm",
        parents=[common],
        help="recency, frequency and monetary scores 1-5 and the segments they name",
    )
    lifecycle = kinds.add_parser(
        "lifecycle",
        parents=[common],
        help="new, active, at risk, lapsed or never purchased, from order dates",
    )
    for sub in (rfm, lifecycle):
        sub.add_argument(
            "--as-of",
            metavar="DATE",
            type=iso_date,
            help="look back: as of this day (YYYY-MM-DD), ignoring later orders; "
            "saves nothing unless --save (default: today, saved)",
        )
        sub.add_argument(
            "--save",
            action=argparse.BooleanOptionalAction,
            default=None,
            help="store the result as the model's segments (default: only without --as-of)",
        )
        sub.add_argument(
            "--contacts", action="store_true", help="list every contact with orders instead"
        )
        sub.add_argument("--json", action="store_true", help="print JSON")
    for option, default, meaning in (
        ("--new-days", 30, "New while their first order is at most N days old"),
        ("--active-days", 90, "Active while their last order is at most N days old"),
        ("--lapsed-days", 365, "At risk up to N days since their last order, then Lapsed"),
    ):
        lifecycle.add_argument(
            option,
            metavar="N",
            type=positive_int,
            help=f"{meaning} (default: as last saved, else {default})",
        )
    rfm.set_defaults(handler=cmd_rfm)
    lifecycle.set_defaults(handler=cmd_lifecycle)


def _workspace(args: argparse.Namespace) -> Workspace:
    """Read-only for a look back that saves nothing; a run that saves changes the database."""
    from segdesk.models.runner import run_day

    _day, saves = run_day(args.as_of, args.save)
    return open_workspace(args, "write" if saves else "read")


def cmd_rfm(args: argparse.Namespace) -> int:
    with _workspace(args) as ws:
        result = ws.models.run_rfm(args.as_of, save=args.save)
        return _show(ws, result, args)


def cmd_lifecycle(args: argparse.Namespace) -> int:
    from segdesk.models.lifecycle import Thresholds

    with _workspace(args) as ws:
        saved = ws.models.lifecycle_thresholds()
        thresholds = Thresholds(
            new_days=saved.new_days if args.new_days is None else args.new_days,
            active_days=saved.active_days if args.active_days is None else args.active_days,
            lapsed_days=saved.lapsed_days if args.lapsed_days is None else args.lapsed_days,
        )
        result = ws.models.run_lifecycle(args.as_of, thresholds, save=args.save)
        return _show(ws, result, args)


def _show(ws: Workspace, result: RfmResult | LifecycleResult, args: argparse.Namespace) -> int:
    if args.contacts:
        records = [r.to_json() for r in ws.models.contacts(result)]
        if args.json:
            print_json(records)
        else:
            from segdesk.output import print_table

            columns = [c for c in LABELS if records and c in records[0]]
            print_table(
                f"Contacts with orders as of {result.as_of} ({len(records):,})",
                [LABELS[c] for c in columns],
                [[_cell(r[c]) for c in columns] for r in records],
            )
        return EXIT_OK
    summary = ws.models.summary(result)
    if args.json:
        print_json(summary.to_json())
    else:
        _print_summary(summary)
    return EXIT_OK


def _print_summary(summary: ModelSummary) -> None:
    from segdesk.output import print_table

    saved = "saved" if summary.saved else "not saved"
    rfm = summary.model == "rfm"
    title = f"{'RFM' if rfm else 'Lifecycle'} as of {summary.as_of} ({saved})"
    columns = ["segment", "people", "share", *(["R", "F"] if rfm else [])]
    rows = []
    for entry in summary.segments:
        row = [entry.name, f"{entry.size:,}", f"{entry.share:.1%}"]
        if entry.r is not None and entry.f is not None:
            row += [_scores(entry.r), _scores(entry.f)]
        rows.append(row)
    print_table(title, columns, rows)
    if summary.breakpoints is not None:
        points = summary.breakpoints
        print("Breakpoints (20/40/60/80th percentiles; a value on a breakpoint scores below it):")
        for measure, values in (
            ("recency", points.recency),
            ("frequency", points.frequency),
            ("monetary", points.monetary),
        ):
            print(f"  {measure}: " + ", ".join(f"{p:,.2f}" for p in values))
    if summary.thresholds is not None:
        limits = summary.thresholds
        print(
            f"Thresholds: new {limits.new_days} days, active {limits.active_days} days, "
            f"lapsed after {limits.lapsed_days} days"
        )


def _scores(scores: Sequence[int]) -> str:
    if not scores:
        return ""
    return str(scores[0]) if len(scores) == 1 else f"{scores[0]}-{scores[-1]}"


def _cell(value: object) -> str:
    if value is None:
        return ""
    return f"{value:,.2f}" if isinstance(value, float) else str(value)
