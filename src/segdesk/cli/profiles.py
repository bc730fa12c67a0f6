"""`segdesk profile NAME`: a segment beside everyone; `segdesk scheme check NAME`: whether a
scheme's segments leave people out or claim them twice."""

from __future__ import annotations

import argparse
import sys
from contextlib import ExitStack
from typing import TYPE_CHECKING, Any

from segdesk.cli.common import EXIT_OK, Parser, iso_date, open_workspace, print_json
from segdesk.cli.products import note

if TYPE_CHECKING:
    from segdesk.analysis.profiles import SegmentProfile
    from segdesk.analysis.scheme_check import Person, SchemeCheck


def add_commands(commands: Any, common: argparse.ArgumentParser) -> None:
    profile = commands.add_parser(
        "profile",
        parents=[common],
        help="a segment beside everyone: size, revenue, orders, consent, what sets it apart",
        description="A segment beside all contacts: people, share, revenue and its share, "
        "average order value, orders per person, median days since the last order, the "
        "consent mix, and the values that set it apart. Refunded, voided and cancelled "
        "orders are left out.",
    )
    profile.add_argument(
        "name", metavar="NAME", help='the segment ("rfm: At Risk" where two schemes share a name)'
    )
    profile.add_argument(
        "--today", type=iso_date, metavar="DATE", help="count days and orders up to this day"
    )
    profile.add_argument("--json", action="store_true", help="print JSON")
    profile.set_defaults(handler=cmd_profile)

    scheme = commands.add_parser(
        "scheme", parents=[common], help="check a scheme: gaps and people claimed twice"
    )
    actions = scheme.add_subparsers(
        title="actions", metavar="ACTION", parser_class=Parser, required=True
    )
    check = actions.add_parser(
        "check",
        parents=[common],
        help="people in none of a scheme's segments, in several, and empty segments",
        description="Checks that every contact is in exactly one segment of a scheme (rfm, "
        "lifecycle, or segments you name with --segments): people in none, people claimed by "
        "several and which segment wins by priority, segments with no members, and which of "
        "those never had any on a month end of the order history (worked out as a backtest "
        "does, only when some segment is empty now).",
    )
    which = check.add_mutually_exclusive_group(required=True)
    which.add_argument("name", metavar="NAME", nargs="?", help="the scheme: rfm, lifecycle...")
    which.add_argument(
        "--segments",
        metavar="A,B,C",
        type=_names,
        help="segments to check as one scheme, by name, the winner of a tie first",
    )
    check.add_argument(
        "--now-only",
        action="store_true",
        help="skip working out the empty segments at each month end (never_reached: null)",
    )
    check.add_argument("--json", action="store_true", help="print JSON")
    check.set_defaults(handler=cmd_scheme_check)


def _names(text: str) -> list[str]:
    names = [n.strip() for n in text.split(",") if n.strip()]
    if not names:
        raise argparse.ArgumentTypeError("name at least one segment")
    return names


def cmd_profile(args: argparse.Namespace) -> int:
    with open_workspace(args, "read") as ws:
        profile = ws.profiles.profile(args.name, args.today)
    if args.json:
        print_json(profile.to_json())
        return EXIT_OK
    print_profile(profile)
    return EXIT_OK


def print_profile(profile: SegmentProfile) -> None:
    from segdesk.analysis.profiles import APART_RULE, comparison_rows, percent
    from segdesk.output import print_table

    print_table(
        f"{profile.name} beside everyone (orders up to {profile.today})",
        ["", "this segment", "everyone"],
        [list(row) for row in comparison_rows(profile)],
    )
    note("Median days: over the people with orders. Refunded, voided, cancelled orders left out.")
    print()
    if not profile.apart:
        note("Nothing sets it apart: no value is much more common in it than among everyone.")
        return
    print_table(
        "What sets it apart",
        ["", "this segment", "everyone", "times"],
        [
            [
                s.what,
                f"{percent(s.share)} ({s.count:,})",
                f"{percent(s.everyone_share)} ({s.everyone_count:,})",
                f"{s.lift:.1f}x",
            ]
            for s in profile.apart
        ],
    )
    note(APART_RULE)


def cmd_scheme_check(args: argparse.Namespace) -> int:
    with open_workspace(args, "read") as ws, ExitStack() as stack:
        progress = None
        if not args.json and not args.now_only and sys.stderr.isatty():
            from segdesk.output import progress_bar

            progress = stack.enter_context(progress_bar("Month ends of the order history"))
        if args.segments:
            found = ws.profiles.check_group(
                args.segments, past=not args.now_only, progress=progress
            )
        else:
            found = ws.profiles.check_scheme(args.name, past=not args.now_only, progress=progress)
    if args.json:
        print_json(found.to_json())
        return EXIT_OK
    print_check(found)
    return EXIT_OK


def print_check(found: SchemeCheck) -> None:
    from segdesk.output import print_table
    from segdesk.wording import count

    what = f"The {found.scheme} scheme" if found.scheme else "These segments"
    print_table(
        f"{what}, by priority (the first wins a person claimed twice)",
        ["segment", "people", "priority", "won from others"],
        [
            [s.name, f"{s.count:,}", "" if s.priority is None else str(s.priority), f"{s.won:,}"]
            for s in found.segments
        ],
    )
    print()
    if found.exclusive:
        print(f"Every one of the {count(found.contacts, 'contact')} is in exactly one segment.")
    if found.gaps:
        print(
            f"In none: {count(found.gaps, 'person', 'people')} of {found.contacts:,}, "
            f"such as {_examples(found.gap_examples)}."
        )
    if found.several:
        print(
            f"Claimed by several: {count(found.several, 'person', 'people')}, "
            f"such as {_examples(found.several_examples)}."
        )
        print_table(
            "People in both, and who keeps them",
            ["segment", "and segment", "people in both", "kept by"],
            [[c.a, c.b, f"{c.both:,}", c.winner] for c in found.conflicts],
        )
    if found.empty:
        print(f"No members now: {', '.join(found.empty)}.")
    if found.never_reached:
        never = ", ".join(found.never_reached)
        print(f"Never reached on any month end of the order history: {never}.")
    elif found.empty and found.never_reached == []:
        print("Each of them had people on some month end of the order history.")


def _examples(people: list[Person]) -> str:
    return ", ".join(p.label for p in people)
