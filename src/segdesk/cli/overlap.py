"""`segdesk overlap`: how segments overlap, with flags and coverage; with `--people`, the people
of a pair (in both, or in one only), saved as a static segment with `--save`."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from segdesk.cli.common import EXIT_OK, open_workspace, positive_int, print_json
from segdesk.errors import UserError

if TYPE_CHECKING:
    from segdesk.analysis.overlap import OverlapReport
    from segdesk.analysis.overlap_people import PairNames, Part
    from segdesk.contact_values import ContactRow

PEOPLE = {"both": "both", "only-a": "only_a", "only-b": "only_b"}
"""--people's choices and the parts they name."""
TABLE_LIMIT = 50


def add_commands(commands: Any, common: argparse.ArgumentParser) -> None:
    overlap = commands.add_parser(
        "overlap",
        parents=[common],
        help="how segments overlap: people in both, similarity, flags and coverage",
        description="Every pair of the segments named (default: every active segment outside "
        "a scheme; a scheme's name, such as rfm, stands for its segments): the people in "
        "both, the share of each in the other and their similarity; near-duplicates, "
        "near-subsets, segments too small to act on and too many segments are flagged. "
        "With --people and two segments: who is in both, or in one only.",
    )
    overlap.add_argument("names", nargs="*", metavar="NAME", help="segments or schemes")
    overlap.add_argument(
        "--min-size",
        metavar="N",
        type=positive_int,
        help="flag segments with fewer people (default: as set in the app, else the larger "
        "of 50 and 1%% of contacts)",
    )
    overlap.add_argument(
        "--max-segments",
        metavar="N",
        type=positive_int,
        help="flag more active segments than this, a scheme counting once (default: as set "
        "in the app, else 8)",
    )
    overlap.add_argument(
        "--people",
        choices=tuple(PEOPLE),
        help="the people of two segments A B: in both, in A only, or in B only",
    )
    overlap.add_argument(
        "--save", metavar="NAME", help="with --people: save them as a static segment NAME"
    )
    overlap.add_argument(
        "--limit",
        metavar="N",
        type=positive_int,
        help=f"with --people: at most N people (default: {TABLE_LIMIT} in a table, all with "
        "--json)",
    )
    overlap.add_argument("--json", action="store_true", help="print JSON")
    overlap.set_defaults(handler=cmd_overlap)


def cmd_overlap(args: argparse.Namespace) -> int:
    if args.people is not None:
        return _people(args)
    if args.save is not None or args.limit is not None:
        raise UserError("--save and --limit go with --people (the people of two segments)")
    from segdesk.settings import overlap_guardrails

    saved_min, saved_max = overlap_guardrails()
    min_size = args.min_size if args.min_size is not None else saved_min
    max_segments = args.max_segments if args.max_segments is not None else saved_max
    with open_workspace(args, "read") as ws:
        report = ws.overlap.report(args.names, min_size=min_size, max_segments=max_segments)
    if args.json:
        print_json(report.to_json())
    else:
        _print_report(report)
    return EXIT_OK


def _people(args: argparse.Namespace) -> int:
    if len(args.names) != 2:
        raise UserError("--people needs two segments: segdesk overlap A B --people both")
    part: Part = PEOPLE[args.people]  # type: ignore[assignment]
    limit = args.limit if args.limit is not None or args.json else TABLE_LIMIT
    with open_workspace(args, "read" if args.save is None else "write") as ws:
        pair = ws.overlap.pair(*args.names)
        total = ws.overlap.count_people(pair, part)
        rows = ws.overlap.people_page(pair, part, 0, total if limit is None else limit, total)
        saved = ws.overlap.save_people(pair, part, args.save) if args.save else None
    if args.json:
        print_json(
            {
                "a": pair.a,
                "b": pair.b,
                "people": part,
                "count": total,
                "contacts": [_row_json(r) for r in rows],
                **({"saved": saved.to_json()} if saved else {}),
            }
        )
        return EXIT_OK
    _print_people(pair, part, rows, total)
    if saved is not None:
        print(f'Saved as the static segment "{saved.name}" ({saved.count or 0:,} people).')
    return EXIT_OK


def _row_json(row: ContactRow) -> dict[str, Any]:
    from dataclasses import asdict

    return asdict(row)


def _print_people(pair: PairNames, part: Part, rows: list[ContactRow], total: int) -> None:
    from segdesk.cli.products import note
    from segdesk.output import print_table

    print_table(
        f"People {pair.words(part)}: {total:,}",
        ["id", "name", "email", "company", "city", "country"],
        [
            [r.id, r.name, r.email or "", r.company or "", r.city or "", r.country or ""]
            for r in rows
        ],
    )
    if len(rows) < total:
        note(f"and {total - len(rows):,} more (--limit N shows more, --json all)")


def _share(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def _print_report(report: OverlapReport) -> None:
    from segdesk.cli.products import note
    from segdesk.output import bullet_list, print_table

    print_table(
        "Segments",
        ["segment", "people"],
        [[s.name, f"{s.count:,}"] for s in report.segments],
    )
    shared = [p for p in report.pairs if p.measures.both]
    shared.sort(key=lambda p: (-(p.measures.jaccard or 0), -p.measures.both))
    print()
    print_table(
        "Pairs (most similar first)",
        ["segment A", "segment B", "people in both", "of A in B", "of B in A", "similarity"],
        [
            [
                p.a,
                p.b,
                f"{p.measures.both:,}",
                _share(p.measures.share_a_in_b),
                _share(p.measures.share_b_in_a),
                _share(p.measures.jaccard),
            ]
            for p in shared
        ],
    )
    apart = len(report.pairs) - len(shared)
    if apart:
        note(f"and {apart:,} pairs with no one in both")
    coverage = report.coverage
    note(f"{coverage.in_none:,} of {coverage.contacts:,} contacts are in none of these segments.")
    guardrails = report.guardrails
    default = " (the larger of 50 and 1% of contacts)" if guardrails.min_size_is_default else ""
    note(
        f"Too small: fewer than {guardrails.min_size:,} people{default}; too many: more than "
        f"{guardrails.max_segments:,} active segments, a scheme counting once."
    )
    print()
    if report.flags:
        from rich.console import Console

        print("Flags")
        Console().print(bullet_list([f.message for f in report.flags]))
    else:
        print("No flags: no near-duplicates, no near-subsets, sizes within the guardrails.")
