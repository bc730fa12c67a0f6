"""Behaviour counts over millions of orders, beside the floors, on segment_speed's database.

For each rule: ours (``compile_rule`` and one ``SELECT count(*)``, in this process, warm), a
same-schema SQL floor written by hand (the order summary for what it keeps, the orders of the
window for the rest), the plain SQL floor over the orders alone (what today's schema without
the summary would need), and a pandas floor: a groupby over the orders held in memory as
arrays (loading them is not timed).

    python benchmarks/behaviour_counts.py --contacts 200000 --orders 1000000   # reduced
    python benchmarks/behaviour_counts.py                  # 1,000,000 contacts, 5,000,000 orders

The database is segment_speed's (generated once, cached in benchmarks/.data/). Prints a
table, asserts nothing.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

import segment_speed as speed

from segdesk.rules import DatabaseSegments, FieldCatalog, compile_rule, parse
from segdesk.store.database import open_database

END, DAY90 = speed.END, speed.day(-90)
COUNTED = "(status IS NULL OR status NOT IN ('cancelled', 'refunded', 'voided'))"
TARGET_SECONDS = 1.0


@dataclass(frozen=True)
class Case:
    rule: str
    summary_sql: str
    """A hand-written count over the same schema (order_summary and event)."""
    plain_sql: str
    """A hand-written count over the orders alone."""
    frame: Callable[[pd.DataFrame], int]
    """The pandas floor over the orders in memory."""


def _grouped(orders: pd.DataFrame) -> pd.DataFrame:
    return orders.groupby("contact_id").agg(
        n=("amount", "size"), total=("amount", "sum"), recent=("recent", "sum")
    )


CASES = (
    Case(
        "orders.count in last 90 days >= 2 and orders.total > 500",
        "SELECT count(*) FROM (SELECT contact_id FROM event WHERE kind = 'order' "
        f"AND occurred_at >= '{DAY90}' AND occurred_at < '{END}' AND {COUNTED} "
        "GROUP BY contact_id HAVING count(*) >= 2 INTERSECT "
        f"SELECT contact_id FROM order_summary WHERE revenue > 500 AND last_at < '{END}')",
        "SELECT count(*) FROM (SELECT contact_id FROM event WHERE kind = 'order' "
        f"AND occurred_at < '{END}' AND {COUNTED} GROUP BY contact_id "
        f"HAVING sum(occurred_at >= '{DAY90}') >= 2 AND sum(amount) > 500)",
        lambda o: int(((g := _grouped(o)).recent >= 2).mul(g.total > 500).sum()),
    ),
    Case(
        "orders.total > 500",
        f"SELECT count(*) FROM order_summary WHERE revenue > 500 AND last_at < '{END}'",
        "SELECT count(*) FROM (SELECT contact_id FROM event WHERE kind = 'order' "
        f"AND occurred_at < '{END}' AND {COUNTED} GROUP BY contact_id HAVING sum(amount) > 500)",
        lambda o: int((o.groupby("contact_id").amount.sum() > 500).sum()),
    ),
    Case(
        "orders.count >= 3",
        f"SELECT count(*) FROM order_summary WHERE orders >= 3 AND last_at < '{END}'",
        "SELECT count(*) FROM (SELECT contact_id FROM event WHERE kind = 'order' "
        f"AND occurred_at < '{END}' AND {COUNTED} GROUP BY contact_id HAVING count(*) >= 3)",
        lambda o: int((o.groupby("contact_id").size() >= 3).sum()),
    ),
)


def timed(work: Callable[[], int], runs: int) -> tuple[float, int]:
    work()  # warm
    times, count = [], 0
    for _ in range(runs):
        started = time.perf_counter()
        count = work()
        times.append(time.perf_counter() - started)
    return statistics.median(times), count


def orders_frame(db: Path) -> pd.DataFrame:
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            f"SELECT contact_id, amount, occurred_at >= '{DAY90}' FROM event "
            f"WHERE kind = 'order' AND occurred_at < '{END}' AND {COUNTED}"
        ).fetchall()
    ids, amounts, recent = zip(*rows, strict=True) if rows else ((), (), ())
    return pd.DataFrame(
        {
            "contact_id": np.array(ids, dtype=np.int64),
            "amount": np.array(amounts, dtype=np.float64),
            "recent": np.array(recent, dtype=np.int8),
        }
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=speed.DEFAULT_CONTACTS)
    parser.add_argument("--orders", type=int, default=speed.DEFAULT_ORDERS)
    parser.add_argument("--seed", type=int, default=speed.DEFAULT_SEED)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args(argv)
    db = speed.ensure_database(args)
    engine = open_database(db)
    raw = sqlite3.connect(db)
    orders = orders_frame(db)
    print(f"{db.name}: {args.contacts:,} contacts, {args.orders:,} orders, today {speed.TODAY}")
    header = ("rule", "count", "ours s", "same-schema SQL s", "orders-only SQL s", "pandas s")
    rows = [header]
    for case in CASES:

        def ours(rule: str = case.rule) -> int:
            from sqlalchemy import func, select

            with engine.connect() as conn:
                catalog = FieldCatalog.from_connection(conn)
                query = compile_rule(
                    parse(rule, catalog), catalog, speed.TODAY, DatabaseSegments(conn)
                )
                return int(
                    conn.execute(select(func.count()).select_from(query.subquery())).scalar_one()
                )

        mine, count = timed(ours, args.runs)
        same, same_count = timed(lambda c=case: raw.execute(c.summary_sql).fetchone()[0], args.runs)
        plain, plain_count = timed(lambda c=case: raw.execute(c.plain_sql).fetchone()[0], args.runs)
        frame, frame_count = timed(lambda c=case: c.frame(orders), args.runs)
        agree = "" if count == same_count == plain_count == frame_count else "  COUNTS DIFFER"
        verdict = "PASS" if mine < TARGET_SECONDS else "MISS"
        rows.append(
            (
                case.rule + agree,
                f"{count:,}",
                f"{mine:.3f} {verdict}",
                f"{same:.3f}",
                f"{plain:.3f}",
                f"{frame:.3f}",
            )
        )
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(header))]
    for row in rows:
        print("  ".join(str(v).ljust(w) for v, w in zip(row, widths, strict=True)))
    raw.close()
    engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
