"""`segdesk stability NAME|SCHEME --backtest monthly|weekly --from DATE --to DATE [--json]`:
a segment or a scheme (``rfm``, ``lifecycle``) as of each month end or Sunday, with kept /
joined / left between consecutive dates (docs/backtest.md). The run is kept, replacing the
one before of the same subject and cadence, for the playbook.

The same `stability` command compares two snapshots without ``--backtest`` (cli/snapshots.py
sets it up and hands over here); ``--from`` and ``--to`` are taken as text and read as dates
here.
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections import Counter
from typing import TYPE_CHECKING

from segdesk.analysis.backtest_text import date_rows, step_averages, time_in_segment
from segdesk.cli.common import EXIT_OK, open_workspace, print_json
from segdesk.cli.products import note
from segdesk.errors import UserError

if TYPE_CHECKING:
    from segdesk.analysis.backtest import Backtest, SegmentSeries

CADENCES = ("monthly", "weekly")
MOVES_SHOWN = 10
DATE_WORDS = {"monthly": "month ends", "weekly": "Sundays"}


def cmd_backtest(args: argparse.Namespace) -> int:
    start, end = _date("--from", args.start), _date("--to", args.end)
    # Written to keep the run for the playbook; a due refresh is only reported, as in a read.
    with open_workspace(args, "write", due="warn") as ws:
        ws.backtests.dates(start, end, args.backtest)  # mistakes said before any bar shows
        ws.backtests.subject(args.name)
        if args.json:
            result = ws.backtests.run(args.name, start, end, args.backtest)
        else:
            from segdesk.output import progress_bar

            with progress_bar(f"Backtesting {args.name}") as progress:
                result = ws.backtests.run(args.name, start, end, args.backtest, progress=progress)
    if args.json:
        print_json(result.to_json())
    else:
        print_backtest(result)
    return EXIT_OK


def _date(option: str, text: str | None) -> dt.date:
    if text is None:
        raise UserError(f"a backtest needs {option} DATE (YYYY-MM-DD)")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UserError(f"{option}: expected a date as YYYY-MM-DD, got {text!r}") from None


def print_backtest(result: Backtest) -> None:
    from segdesk.output import print_table

    first, last = result.dates[0], result.dates[-1]
    which = f'"{result.subject}"' if result.scheme is None else result.subject
    title = f"Backtest of {which}: {DATE_WORDS[result.cadence]} from {first} to {last}"
    if result.scheme is None:
        series = result.segments[0]
        print_table(
            title, ["date", "people", "kept", "joined", "left", "similarity"], date_rows(result)
        )
        note(f"Average time in the segment: {time_in_segment(series.average_days)}.")
    else:
        print_table(
            title,
            [
                "segment",
                f"people {first}",
                f"people {last}",
                "kept",
                "joined",
                "left",
                "similarity",
                "days in it",
            ],
            [_summary(s) for s in result.segments],
        )
        note("kept, joined, left and similarity: averages between consecutive dates.")
        _print_moves(result)
    note("Days in it: the average time people stay in a segment, as far as the dates show.")
    for line in result.notes:
        note(line)
    note("--json gives every figure for every date.")


def _summary(series: SegmentSeries) -> list[str]:
    return [series.name, f"{series.sizes[0]:,}", f"{series.sizes[-1]:,}", *step_averages(series)]


def _print_moves(result: Backtest) -> None:
    from segdesk.output import print_table

    moved = Counter[tuple[str, str]]()
    for move in result.transitions:
        if move.source != move.target:
            moved[move.source, move.target] += move.count
    if not moved:
        note("Nobody moved between segments.")
        return
    print()
    print_table(
        "Biggest moves between segments (all dates together)",
        ["from", "to", "people"],
        [[a, b, f"{n:,}"] for (a, b), n in moved.most_common(MOVES_SHOWN)],
    )
