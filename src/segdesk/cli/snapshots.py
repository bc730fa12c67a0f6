"""`segdesk snapshot`, `segdesk snapshot delete`, `segdesk snapshots` and `segdesk stability`:
snapshots of every segment's members, and stability between two of them (docs/stability.md).
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from segdesk.cli.common import EXIT_OK, iso_date, open_workspace, print_json

if TYPE_CHECKING:
    from segdesk.analysis.snapshots import SnapshotInfo
    from segdesk.analysis.stability import HistoryEntry, Stability

SNAP_HELP = "a snapshot's id, label or day (YYYY-MM-DD)"
SNAPSHOT_USAGE = """segdesk snapshot [--label TEXT] [--as-of DATE] [--json]
       segdesk snapshot delete ID [--json]"""


def add_commands(commands: Any, common: argparse.ArgumentParser) -> None:
    snapshot_parser(commands, common)

    text = "list the snapshots, or a contact's segments in each"
    listed = commands.add_parser("snapshots", parents=[common], help=text, description=text)
    listed.add_argument(
        "--contact",
        metavar="EMAIL|ID",
        help="the segments this contact (email, external id or id) was in at each snapshot",
    )
    listed.add_argument("--json", action="store_true", help="print JSON")
    listed.set_defaults(handler=cmd_snapshots)

    stability_parser(commands, common)


def snapshot_parser(commands: Any, common: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """``snapshot [--label TEXT]`` and its ``delete ID``."""
    text = "take a snapshot of every active and draft segment's members"
    take = commands.add_parser(
        "snapshot",
        parents=[common],
        help=text,
        description=text,
        usage=SNAPSHOT_USAGE,
    )
    take.add_argument("--label", metavar="TEXT", help="a name to find it by later")
    take.add_argument(
        "--as-of",
        metavar="DATE",
        type=iso_date,
        help="the members as they would have been at the end of DATE (YYYY-MM-DD), from the "
        "orders up to it; contact fields are read as they are today",
    )
    take.add_argument("--json", action="store_true", help="print JSON")
    take.set_defaults(handler=cmd_snapshot)
    actions = take.add_subparsers(title="actions", metavar="ACTION", parser_class=type(take))
    text = "delete a snapshot and the members it holds"
    delete = actions.add_parser("delete", parents=[common], help=text, description=text)
    delete.add_argument("snapshot", metavar="ID", help=SNAP_HELP)
    delete.add_argument("--json", action="store_true", help="print JSON")
    delete.set_defaults(handler=cmd_snapshot_delete)
    return take


def stability_parser(commands: Any, common: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """``stability NAME|SCHEME [--from SNAP --to SNAP] [--json]``, and the backtest's
    ``--backtest monthly|weekly --from DATE --to DATE``."""
    from segdesk.cli.backtest import CADENCES

    text = (
        "how a segment or scheme changed: between two snapshots (default: the last two), "
        "or as of each month end or Sunday over past dates with --backtest"
    )
    stability = commands.add_parser("stability", parents=[common], help=text, description=text)
    stability.add_argument("name", metavar="NAME|SCHEME", help="a segment, or rfm or lifecycle")
    stability.add_argument(
        "--from", dest="start", metavar="SNAP|DATE", help=f"{SNAP_HELP}; a day with --backtest"
    )
    stability.add_argument(
        "--to", dest="end", metavar="SNAP|DATE", help=f"{SNAP_HELP}; a day with --backtest"
    )
    stability.add_argument(
        "--backtest",
        choices=CADENCES,
        help="evaluate as of each month end (monthly) or Sunday (weekly) between --from and "
        "--to, from the orders up to each; contact fields are read as they are today",
    )
    stability.add_argument("--json", action="store_true", help="print JSON")
    stability.set_defaults(handler=cmd_stability)
    return stability


def cmd_stability(args: argparse.Namespace) -> int:
    if args.backtest is not None:
        from segdesk.cli.backtest import cmd_backtest

        return cmd_backtest(args)
    return cmd_stability_between(args)


def cmd_snapshot(args: argparse.Namespace) -> int:
    as_of = args.as_of
    with open_workspace(args, "write") as ws:
        if as_of is None or args.json:
            taken = ws.snapshots.take(args.label, as_of=as_of)
        else:
            from segdesk.output import progress_bar

            with progress_bar(f"Working out the segments as of {as_of}") as progress:
                taken = ws.snapshots.take(args.label, as_of=as_of, progress=progress)
    if args.json:
        print_json(taken.to_json())
    else:
        print(f"Took snapshot {_name(taken)}: {_held(taken)}")
    return EXIT_OK


def cmd_snapshot_delete(args: argparse.Namespace) -> int:
    with open_workspace(args, "write", due="leave") as ws:
        deleted = ws.snapshots.delete(args.snapshot)
    if args.json:
        print_json(deleted.to_json())
    else:
        print(f"Deleted snapshot {_name(deleted)} ({_held(deleted)})")
    return EXIT_OK


def cmd_snapshots(args: argparse.Namespace) -> int:
    with open_workspace(args, "read") as ws:
        if args.contact is not None:
            return _print_history(ws.snapshots.contact_history(args.contact), args.json)
        snapshots = ws.snapshots.all()
    if args.json:
        print_json([s.to_json() for s in snapshots])
        return EXIT_OK
    from segdesk.output import print_table

    print_table(
        f"Snapshots ({len(snapshots):,})",
        ["id", "label", "kind", "taken (UTC)", "as of", "segments", "people"],
        [
            [
                s.id,
                s.label or "",
                s.kind,
                f"{s.taken_at:%Y-%m-%d %H:%M}",
                f"{s.as_of or ''}",
                s.segments,
                f"{s.people:,}",
            ]
            for s in snapshots
        ],
    )
    return EXIT_OK


def _print_history(history: list[HistoryEntry], as_json: bool) -> int:
    if as_json:
        print_json([entry.to_json() for entry in history])
        return EXIT_OK
    from segdesk.output import print_table

    print_table(
        "The contact's segments at each snapshot",
        ["id", "snapshot", "of", "segments"],
        [
            [
                e.snapshot.id,
                e.snapshot.label or e.snapshot.kind,
                _when(e.snapshot),
                ", ".join(e.segments) or "none",
            ]
            for e in history
        ],
    )
    return EXIT_OK


def cmd_stability_between(args: argparse.Namespace) -> int:
    """Between two snapshots: ``--from`` and ``--to`` are read as snapshots (id, label, day)."""
    with open_workspace(args, "read") as ws:
        found = ws.snapshots.stability(args.name, args.start, args.end)
    if args.json:
        print_json(found.to_json())
        return EXIT_OK
    print_stability(found)
    return EXIT_OK


def print_stability(found: Stability) -> None:
    """Kept, joined and left per segment; a scheme's moves between its segments."""
    from segdesk.output import print_table

    first, last = found.snapshots[0], found.snapshots[-1]
    rows = []
    for s in found.segments:
        step = s.changes[-1]
        rows.append(
            [
                s.name,
                f"{step.before:,}",
                f"{step.after:,}",
                f"{step.retained:,}",
                f"{step.entered:,}",
                f"{step.exited:,}",
                _share(step.jaccard),
                _share(step.retention),
            ]
        )
    print_table(
        f"{found.subject}: from snapshot {_name(first)} to {_name(last)}",
        ["segment", "before", "after", "kept", "joined", "left", "similarity", "retention"],
        rows,
    )
    moves = sorted(
        (t for t in found.transitions if t.source != t.target and t.count),
        key=lambda t: (-t.count, t.source, t.target),
    )
    if found.scheme is not None:
        print()
        print_table(
            "People who moved (none: in no segment of the scheme)",
            ["from", "to", "people"],
            [[t.source, t.target, f"{t.count:,}"] for t in moves],
        )


def _name(snapshot: SnapshotInfo) -> str:
    label = f' "{snapshot.label}"' if snapshot.label else ""
    return f"#{snapshot.id}{label} ({snapshot.day})"


def _when(snapshot: SnapshotInfo) -> str:
    """The as-of day, else when it was taken."""
    return f"{snapshot.as_of}" if snapshot.as_of else f"{snapshot.taken_at:%Y-%m-%d %H:%M}"


def _held(snapshot: SnapshotInfo) -> str:
    return f"{snapshot.segments:,} segments, {snapshot.people:,} people"


def _share(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"
