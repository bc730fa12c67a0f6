"""`segdesk segment ...`: list, show, create, edit, count, refresh, explain, members, versions,
and the lifecycle commands (rename, retire, reactivate, duplicate, delete, purge, pin, unpin)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from segdesk.cli import segment_versions
from segdesk.cli.common import (
    EXIT_OK,
    EXIT_USER,
    Parser,
    iso_date,
    open_workspace,
    positive_int,
    print_json,
)
from segdesk.paths import rules_reference

if TYPE_CHECKING:
    from segdesk.segments.lookup import SegmentInfo
    from segdesk.workspace import Workspace
    from segdesk.workspace.opening import OpenMode

RULE_EXAMPLES = (
    'country = "US" and orders.count >= 2',
    'orders.total in last 365 days > 500 and not (city = "Boston")',
    'rfm in ("Champions", "Loyal Customers") or in segment "VIP customers"',
)
RULE_EPILOG = "rules, in single quotes after --rule:\n" + "\n".join(
    f"  {example}" for example in RULE_EXAMPLES
)


def add_commands(commands: Any, common: argparse.ArgumentParser) -> None:
    group = commands.add_parser(
        "segment", parents=[common], help="list, create, refresh and explain segments"
    )
    actions = group.add_subparsers(
        title="actions", metavar="ACTION", parser_class=Parser, required=True
    )

    def action(
        name: str, handler: Callable[[argparse.Namespace], int], text: str, *, today: bool = False
    ) -> argparse.ArgumentParser:
        sub = actions.add_parser(name, parents=[common], help=text, description=text)
        sub.add_argument("--json", action="store_true", help="print JSON")
        if today:
            sub.add_argument(
                "--today",
                type=iso_date,
                metavar="DATE",
                help="evaluate as of this day, YYYY-MM-DD (default: today)",
            )
        sub.set_defaults(handler=_guarded(handler), segment_action=name)
        return sub

    action("list", cmd_list, "every segment with its kind, size and status")
    action("show", cmd_show, "a segment's rule, English, versions, pins and playbook").add_argument(
        "name", metavar="NAME"
    )
    create = action("create", cmd_create, "save a rule segment or a static list", today=True)
    create.add_argument("name", metavar="NAME")
    source = create.add_mutually_exclusive_group(required=True)
    source.add_argument("--rule", metavar="TEXT", help="the rule (examples below)")
    source.add_argument(
        "--from-segment", metavar="NAME", help="a static list of that segment's current members"
    )
    source.add_argument(
        "--contact",
        metavar="CONTACT",
        action="append",
        help="a static list of these contacts (email, external id or id); repeat",
    )
    create.add_argument(
        "--static",
        action="store_true",
        help="freeze the rule's members now instead of refreshing them",
    )
    create.add_argument("--draft", action="store_true", help="save as a draft")
    create.add_argument("--reason", metavar="TEXT", help="why the segment exists (version 1)")

    edit = action("edit", cmd_edit, "give a rule segment a new rule (a new version)", today=True)
    edit.add_argument("name", metavar="NAME")
    edit.add_argument("--rule", metavar="TEXT", required=True, help="the new rule (examples below)")
    edit.add_argument("--reason", metavar="TEXT", required=True, help="why it changes")

    count = action("count", cmd_count, "how many contacts a rule finds (nothing saved)", today=True)
    count.add_argument("--rule", metavar="TEXT", required=True, help="the rule (examples below)")
    for takes_a_rule in (create, edit, count):
        takes_a_rule.formatter_class = argparse.RawDescriptionHelpFormatter
        takes_a_rule.epilog = f"{RULE_EPILOG}\n\nThe rule language: {rules_reference()}"

    refresh = action(
        "refresh",
        cmd_refresh,
        "recompute one segment, or the models then every rule segment",
        today=True,
    )
    refresh.add_argument("name", metavar="NAME", nargs="?")

    explain = action("explain", cmd_explain, "why a contact is or is not in a segment", today=True)
    explain.add_argument("name", metavar="NAME")
    explain.add_argument("contact", metavar="CONTACT", help="email, external id or id (id:42)")

    members = action("members", cmd_members, "a segment's members, as `segdesk contacts`")
    members.add_argument("name", metavar="NAME")
    members.add_argument(
        "--limit",
        metavar="N",
        type=positive_int,
        default=None,
        help="at most N members (default: 50 in a table, all with --json)",
    )

    rename = action("rename", cmd_rename, "rename a segment; rules that name it follow")
    rename.add_argument("name", metavar="OLD")
    rename.add_argument("new", metavar="NEW")
    for name, handler, text in (
        ("retire", cmd_retire, "stop refreshing a segment, keeping its members"),
        ("reactivate", cmd_reactivate, "refresh a retired segment again"),
        ("delete", cmd_delete, "delete a segment (its history stays until purged)"),
        ("purge", cmd_purge, "remove a deleted segment and its history for good"),
    ):
        action(name, handler, text, today=name == "reactivate").add_argument("name", metavar="NAME")
    duplicate = action("duplicate", cmd_duplicate, "copy a segment under a new name", today=True)
    duplicate.add_argument("name", metavar="NAME")
    duplicate.add_argument("new", metavar="NEW")

    pin = action("pin", cmd_pin, "always include or always exclude a contact")
    pin.add_argument("name", metavar="NAME")
    pin.add_argument("contact", metavar="CONTACT", help="email, external id or id (id:42)")
    mode = pin.add_mutually_exclusive_group(required=True)
    mode.add_argument("--include", dest="mode", action="store_const", const="include")
    mode.add_argument("--exclude", dest="mode", action="store_const", const="exclude")
    pin.add_argument("--note", metavar="TEXT", help="why")
    unpin = action("unpin", cmd_unpin, "remove a contact's pin")
    unpin.add_argument("name", metavar="NAME")
    unpin.add_argument("contact", metavar="CONTACT")
    segment_versions.add_command(action, cmd_versions)


def _guarded(handler: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Rule mistakes in one line; at a terminal, the rule follows with a caret at the column."""

    def run(args: argparse.Namespace) -> int:
        from segdesk.cli.rule_errors import rule_error_lines
        from segdesk.rules import RuleError

        try:
            return handler(args)
        except RuleError as exc:
            text = getattr(args, "rule", None)
            lines = rule_error_lines(exc, text, terminal=sys.stderr.isatty())
            print("\n".join(lines), file=sys.stderr)
            return EXIT_USER

    return run


READS = frozenset({"list", "show", "count", "explain", "members", "versions"})
"""The actions that only read: they open the database read-only."""


def _workspace(args: argparse.Namespace) -> Workspace:
    # Refreshing every segment brings a refresh left due up to date anyway.
    everything = args.segment_action == "refresh" and args.name is None
    mode: OpenMode = "read" if args.segment_action in READS else "write"
    return open_workspace(args, mode, due="leave" if everything else None)


def _print_info(args: argparse.Namespace, info: SegmentInfo, said: str) -> int:
    if args.json:
        print_json({**info.to_json(), "rule": info.rule})
    else:
        count = "not computed" if info.count is None else f"{info.count:,} contacts"
        print(f'{said} "{info.name}" ({info.kind}, {info.status}, version {info.version}): {count}')
    return EXIT_OK


def cmd_list(args: argparse.Namespace) -> int:
    with _workspace(args) as ws:
        infos = ws.segments.all()
    if args.json:
        print_json([i.to_json() for i in infos])
        return EXIT_OK
    from segdesk.output import print_table

    print_table(
        f"Segments ({len(infos)})",
        ["name", "kind", "status", "count", "version", "refreshed", "scheme"],
        [
            [
                i.name,
                i.kind,
                i.status,
                "" if i.count is None else f"{i.count:,}",
                i.version,
                i.refreshed_at.strftime("%Y-%m-%d %H:%M") if i.refreshed_at else "",
                i.scheme or "",
            ]
            for i in infos
        ],
    )
    return EXIT_OK


def cmd_show(args: argparse.Namespace) -> int:
    with _workspace(args) as ws:
        detail = ws.segments.detail(args.name)
    if args.json:
        print_json(detail.to_json())
        return EXIT_OK
    info = detail.info
    count = "not computed" if info.count is None else f"{info.count:,} contacts"
    print(f"{info.name} — {info.kind}, {info.status}, {count}")
    if info.scheme:
        print(f"scheme: {info.scheme}")
    if info.rule:
        print(f"rule: {info.rule}")
    if detail.english:
        print(f"in words: {detail.english}")
    for v in detail.versions:
        when = v.created_at.strftime("%Y-%m-%d %H:%M")
        print(f"  v{v.version} {when}  {v.rule or ''}  ({v.reason or ''})")
    for p in detail.pins:
        print(
            f"  pin: always {p.mode} {p.email or p.contact_id}" + (f" ({p.note})" if p.note else "")
        )
    from segdesk.segments.playbook import field_text

    for name, value in detail.playbook.items():
        print(f"{name.replace('_', ' ')}: {field_text(value)}")
    return EXIT_OK


def cmd_create(args: argparse.Namespace) -> int:
    with _workspace(args) as ws:
        if args.rule is not None:
            info = ws.segments.create(
                args.name,
                args.rule,
                static=args.static,
                today=args.today,
                reason=args.reason,
                status="draft" if args.draft else "active",
            )
        else:
            info = ws.segments.create_static(
                args.name, from_segment=args.from_segment, contacts=args.contact, reason=args.reason
            )
    return _print_info(args, info, "Created")


def cmd_edit(args: argparse.Namespace) -> int:
    with _workspace(args) as ws:
        info = ws.segments.edit(args.name, args.rule, args.reason, today=args.today)
    return _print_info(args, info, "Saved")


def cmd_count(args: argparse.Namespace) -> int:
    with _workspace(args) as ws:
        count = ws.segments.count_rule(args.rule, today=args.today)
    if args.json:
        print_json({"count": count})
    else:
        print(f"{count:,}")
    return EXIT_OK


def cmd_refresh(args: argparse.Namespace) -> int:
    with _workspace(args) as ws:
        if args.json or args.name is not None:
            result = ws.segments.refresh(args.name, today=args.today)
        else:
            from segdesk.output import progress_bar

            with progress_bar("Refreshing") as advance:
                result = ws.segments.refresh(today=args.today, progress=advance)
    if args.json:
        print_json(result.to_json())
        return EXIT_OK
    from segdesk.output import print_table

    plural = "" if result.refreshed == 1 else "s"
    print(f"Refreshed {result.refreshed} segment{plural}")
    if result.counts:
        print_table(
            "Members",
            ["segment", "members"],
            [[name, f"{count:,}"] for name, count in result.counts.items()],
        )
    return EXIT_OK


def cmd_explain(args: argparse.Namespace) -> int:
    with _workspace(args) as ws:
        explanation = ws.segments.explain(args.name, args.contact, today=args.today)
    if args.json:
        print_json(explanation.to_json())
    else:
        print("\n".join(explanation.lines()))
    return EXIT_OK


def cmd_members(args: argparse.Namespace) -> int:
    limit = args.limit if args.limit is not None or args.json else 50
    with _workspace(args) as ws:
        records = ws.segments.members(args.name, limit)
    if args.json:
        print_json([r.to_json() for r in records])
        return EXIT_OK
    from segdesk.output import print_contacts

    print_contacts(f"{args.name} ({len(records):,} shown)", records)
    return EXIT_OK


def cmd_rename(args: argparse.Namespace) -> int:
    with _workspace(args) as ws:
        info = ws.segments.rename(args.name, args.new)
    return _print_info(args, info, "Renamed to")


def cmd_retire(args: argparse.Namespace) -> int:
    with _workspace(args) as ws:
        info = ws.segments.set_status(args.name, "retired")
    return _print_info(args, info, "Retired")


def cmd_reactivate(args: argparse.Namespace) -> int:
    with _workspace(args) as ws:
        info = ws.segments.set_status(args.name, "active", today=args.today)
    return _print_info(args, info, "Reactivated")


def cmd_duplicate(args: argparse.Namespace) -> int:
    with _workspace(args) as ws:
        info = ws.segments.duplicate(args.name, args.new, today=args.today)
    return _print_info(args, info, "Created")


def cmd_delete(args: argparse.Namespace) -> int:
    with _workspace(args) as ws:
        kept = ws.segments.delete(args.name)
    if args.json:
        print_json({"deleted": args.name, "kept_as": kept})
    else:
        print(f'Deleted "{args.name}"; its history is kept as "{kept}" until purged')
    return EXIT_OK


def cmd_purge(args: argparse.Namespace) -> int:
    with _workspace(args) as ws:
        ws.segments.purge(args.name)
    if args.json:
        print_json({"purged": args.name})
    else:
        print(f'Purged "{args.name}" and its history')
    return EXIT_OK


def cmd_pin(args: argparse.Namespace) -> int:
    with _workspace(args) as ws:
        pin = ws.segments.pin(args.name, args.contact, args.mode, note=args.note)
    if args.json:
        print_json({"segment": args.name, **pin.to_json()})
    else:
        who = pin.email or f"contact {pin.contact_id}"
        print(f'{who} is always {pin.mode}d in "{args.name}" from the next refresh')
    return EXIT_OK


def cmd_unpin(args: argparse.Namespace) -> int:
    with _workspace(args) as ws:
        ws.segments.unpin(args.name, args.contact)
    if args.json:
        print_json({"segment": args.name, "unpinned": args.contact})
    else:
        print(f'Removed the pin of {args.contact} in "{args.name}"')
    return EXIT_OK


def cmd_versions(args: argparse.Namespace) -> int:
    with _workspace(args) as ws:
        return segment_versions.run(args, ws)
