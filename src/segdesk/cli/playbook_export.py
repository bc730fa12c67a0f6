"""`segdesk export playbook NAME|SCHEME -o FILE [--format md|html]`: a segment's or a
scheme's playbook written as Markdown or a self-contained HTML page (docs/playbooks.md)."""

from __future__ import annotations

import argparse
from typing import Any

from segdesk.cli.common import EXIT_OK, open_workspace, print_json

FORMAT_NAMES = {"md": "Markdown", "html": "HTML"}


def add_playbook_command(actions: Any, common: argparse.ArgumentParser) -> None:
    text = "write the playbook of a segment or of a whole scheme (rfm, lifecycle)"
    playbook = actions.add_parser(
        "playbook",
        parents=[common],
        help=text,
        description=f"{text}, as Markdown or as one HTML page that prints on A4 and Letter",
    )
    playbook.add_argument(
        "name", metavar="NAME|SCHEME", help='a segment ("VIP customers") or a scheme'
    )
    playbook.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        required=True,
        help="the file to write (replaced if it exists)",
    )
    playbook.add_argument(
        "--format",
        choices=("md", "html"),
        help="md or html (default: from FILE's extension, .md or .html)",
    )
    playbook.add_argument("--json", action="store_true", help="print what was written as JSON")
    playbook.set_defaults(handler=cmd_export_playbook)


def cmd_export_playbook(args: argparse.Namespace) -> int:
    with open_workspace(args, "write") as ws:
        written = ws.playbook_exports.write(args.name, args.output, args.format)
    if args.json:
        print_json(written.to_json())
        return EXIT_OK
    from segdesk.wording import count

    covers = f" ({count(len(written.segments), 'segment')})" if written.scheme else ""
    print(f"Wrote {written.title}{covers} as {FORMAT_NAMES[written.format]} to {written.path}")
    return EXIT_OK
