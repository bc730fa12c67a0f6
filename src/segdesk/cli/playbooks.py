"""`segdesk segment document`, `segdesk segment review-done` and `segdesk reviews`: a segment's
playbook read and filled in, the reviews due, a review done (docs/playbooks.md)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from segdesk.cli.common import EXIT_OK, iso_date, open_workspace, positive_int, print_json
from segdesk.errors import UserError

if TYPE_CHECKING:
    from segdesk.segments.playbook import Playbook

DOCUMENT_EPILOG = """\
fields: goal, target, deadline, owner, stakeholders, data_sources, use_cases, channels,
  message_tone, offer, next_actions, kpis, review_cadence, next_review, playbook_status
  (also: status, cadence, tone; "next-review" and "Next review" are next_review)
values:
  dates (deadline, next_review)  YYYY-MM-DD
  lists (stakeholders, data_sources, use_cases, channels, next_actions)  separated by ';'
  kpis  "name: target; name: target", or "Repeat purchase rate >= 25%"
  review_cadence  weekly, fortnightly, monthly, quarterly, yearly, or "every N days/weeks/months"
  playbook_status  draft, active, paused or done
  an empty value clears a field, as --clear does
examples:
  segdesk segment document "VIP customers" --set goal="Lift repeat orders 20% by March" \\
      --set owner=Ana --set "channels=email; SMS" --set kpis="Repeat purchase rate >= 25%" \\
      --set cadence=monthly --set next_review=2026-12-01"""


def add_commands(commands: Any, common: argparse.ArgumentParser) -> None:
    actions = _actions_of(commands.choices["segment"])
    text = "read or fill in a segment's playbook"
    document = actions.add_parser(
        "document",
        parents=[common],
        help=text,
        description=f"{text}; without --set or --clear, print it",
        epilog=DOCUMENT_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    document.add_argument("name", metavar="NAME")
    document.add_argument(
        "--set",
        metavar="FIELD=VALUE",
        action="append",
        default=[],
        type=_assignment,
        help="set a field (repeat for more; see below)",
    )
    document.add_argument(
        "--clear", metavar="FIELD", action="append", default=[], help="empty a field; repeat"
    )
    document.add_argument("--json", action="store_true", help="print the playbook as JSON")
    document.set_defaults(handler=cmd_document)

    text = "record a playbook review and move the next review by the cadence"
    done = actions.add_parser("review-done", parents=[common], help=text, description=text)
    done.add_argument("name", metavar="NAME")
    done.add_argument(
        "--today", type=iso_date, metavar="DATE", help="the day of the review, YYYY-MM-DD"
    )
    done.add_argument(
        "--next",
        type=iso_date,
        metavar="DATE",
        help="the next review, YYYY-MM-DD (default: one cadence after the review)",
    )
    done.add_argument("--by", metavar="NAME", help="who reviewed (default: the owner)")
    done.add_argument("--note", metavar="TEXT", help="what was decided")
    done.add_argument("--json", action="store_true", help="print JSON")
    done.set_defaults(handler=cmd_review_done)

    text = "playbook reviews overdue or due within N days"
    reviews = commands.add_parser("reviews", parents=[common], help=text, description=text)
    reviews.add_argument(
        "--days", metavar="N", type=positive_int, default=7, help="days ahead (default: 7)"
    )
    reviews.add_argument(
        "--today", type=iso_date, metavar="DATE", help="count from this day, YYYY-MM-DD"
    )
    reviews.add_argument("--json", action="store_true", help="print JSON")
    reviews.set_defaults(handler=cmd_reviews)


def _actions_of(parser: argparse.ArgumentParser) -> Any:
    """The sub-commands of ``segment``, which `cli.segments` made."""
    return next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))


def _assignment(text: str) -> tuple[str, str]:
    field, sep, value = text.partition("=")
    if not sep or not field.strip():
        raise argparse.ArgumentTypeError(f"expected FIELD=VALUE, got {text!r}")
    return field, value


def cmd_document(args: argparse.Namespace) -> int:
    changes = _changes(args.set, args.clear)
    with open_workspace(args, "write" if changes else "read") as ws:
        playbook = ws.playbooks.set(args.name, changes) if changes else ws.playbooks.get(args.name)
    if args.json:
        print_json(playbook.to_json())
        return EXIT_OK
    if changes:
        print(f'Saved the playbook of "{playbook.segment}"')
    print("\n".join(playbook_lines(playbook)))
    return EXIT_OK


def _changes(sets: list[tuple[str, str]], clears: list[str]) -> dict[str, str | None]:
    """The fields to set and clear, by field name; a field named twice is a mistake."""
    from segdesk.segments.playbook import field_name

    changes: dict[str, str | None] = {}
    for key, value in [*sets, *((c, None) for c in clears)]:
        field = field_name(key)
        if field in changes:
            raise UserError(f"{field} is given twice: set or clear it once")
        changes[field] = value
    return changes


def playbook_lines(playbook: Playbook) -> list[str]:
    """The playbook as the command line prints it: every field, "-" when empty."""
    from segdesk.segments.playbook import KINDS, field_text

    if playbook.documented:
        state = "documented"
    else:
        state = "not documented yet: needs " + ", ".join(playbook.missing)
    lines = [f"{playbook.segment}: playbook, {state}"]
    width = max(map(len, KINDS))
    for field in KINDS:
        lines.append(
            f"  {field.replace('_', ' '):<{width}}  {field_text(getattr(playbook, field)) or '-'}"
        )
    for r in playbook.reviews:
        by = f" by {r.reviewed_by}" if r.reviewed_by else ""
        note = f": {r.note}" if r.note else ""
        lines.append(f"  reviewed {r.reviewed_on}{by}{note}")
    return lines


def cmd_review_done(args: argparse.Namespace) -> int:
    with open_workspace(args, "write") as ws:
        record = ws.playbooks.review_done(
            args.name, args.today, by=args.by, note=args.note, next_review=args.next
        )
        cadence = ws.playbooks.get(args.name).review_cadence
    if args.json:
        print_json({"segment": args.name, **record.to_json()})
        return EXIT_OK
    by = f", by {record.reviewed_by}" if record.reviewed_by else ""
    every = f" ({cadence})" if cadence and args.next is None else ""
    print(
        f'Recorded the review of "{args.name}" ({record.reviewed_on}{by}); '
        f"next review {record.next_review}{every}"
    )
    return EXIT_OK


def cmd_reviews(args: argparse.Namespace) -> int:
    import datetime as dt

    today = args.today or dt.date.today()
    with open_workspace(args, "read") as ws:
        due = ws.playbooks.reviews(args.days, today)
    if args.json:
        print_json(
            {
                "today": today.isoformat(),
                "days": args.days,
                "overdue": [r.to_json() for r in due if r.overdue],
                "due": [r.to_json() for r in due if not r.overdue],
            }
        )
        return EXIT_OK
    if not due:
        from segdesk.wording import count

        print(f"No reviews overdue or due in the next {count(args.days, 'day')}")
        return EXIT_OK
    from segdesk.output import print_table

    print_table(
        f"Reviews overdue or due by {today + dt.timedelta(days=args.days)} ({len(due)})",
        ["segment", "owner", "review", "when", "cadence"],
        [
            [r.segment, r.owner or "", r.next_review.isoformat(), r.when, r.cadence or ""]
            for r in due
        ],
    )
    return EXIT_OK
