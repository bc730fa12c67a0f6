"""`segdesk segment versions NAME [--diff A B]`: a segment's versions, or two compared."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING

from segdesk.cli.common import EXIT_OK, positive_int, print_json

if TYPE_CHECKING:
    from segdesk.segments.versions import VersionDiff, VersionEntry
    from segdesk.workspace import Workspace

Action = Callable[..., argparse.ArgumentParser]


def add_command(action: Action, handler: Callable[[argparse.Namespace], int]) -> None:
    """Register the command with ``segment``'s own ``action`` helper."""
    versions = action(
        "versions", handler, "a segment's versions with their member counts, or two compared"
    )
    versions.add_argument("name", metavar="NAME")
    versions.add_argument(
        "--diff",
        nargs=2,
        type=positive_int,
        metavar=("A", "B"),
        help="compare version A with version B: the rule's lines and the member counts",
    )


def run(args: argparse.Namespace, ws: Workspace) -> int:
    if args.diff is not None:
        diff = ws.segment_views.diff(args.name, *args.diff)
        if args.json:
            print_json(diff.to_json())
        else:
            print("\n".join(diff_text(diff)))
        return EXIT_OK
    name = ws.segments.detail(args.name).info.name
    entries = ws.segment_views.versions(args.name)
    if args.json:
        print_json({"segment": name, "versions": [v.to_json() for v in entries]})
        return EXIT_OK
    if not entries:
        print(f'"{name}" has no versions: its scheme decides its members')
        return EXIT_OK
    print_versions(name, entries)
    return EXIT_OK


def print_versions(name: str, entries: list[VersionEntry]) -> None:
    from segdesk.output import print_table

    print_table(
        f"Versions of {name} ({len(entries)})",
        ["version", "saved", "members", "reason", "rule"],
        [
            [
                v.version,
                v.created_at.strftime("%Y-%m-%d %H:%M"),
                "" if v.members is None else f"{v.members:,}",
                v.reason or "",
                v.rule or "",
            ]
            for v in entries
        ],
    )


def diff_text(diff: VersionDiff) -> list[str]:
    """The comparison as lines: a heading per version, the rule's lines marked - and +,
    then the member counts."""
    out = [f"{diff.segment}: version {diff.old.version} → version {diff.new.version}"]
    for mark, v in (("-", diff.old), ("+", diff.new)):
        saved = v.created_at.strftime("%Y-%m-%d %H:%M")
        out.append(f"{mark * 3} version {v.version}, saved {saved} ({v.reason or 'no reason'})")
    out.extend(f"{line.mark} {line.text}" for line in diff.lines)
    out.append(f"members: {diff.members_text()}")
    return out
