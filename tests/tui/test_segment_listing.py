"""The segments list's rows and cells, without the app: trend bars, review words, grouping."""

from __future__ import annotations

import datetime as dt

from segdesk.segments.lookup import SegmentInfo
from segdesk.segments.overview import SegmentLine
from segdesk.tui.segment_listing import listed_rows, review_words
from segdesk.wording import sparkline

TODAY = dt.date(2026, 11, 15)


def line(
    n: int, name: str, count: int, *, scheme: str | None = None, status: str = "active", **kw
) -> SegmentLine:  # type: ignore[no-untyped-def]
    info = SegmentInfo(n, name, "model" if scheme else "rule", status, 1, count, None, scheme, None)
    return SegmentLine(info, kw.get("owner"), kw.get("next_review"), ())


def test_sparkline_runs_from_the_lowest_to_the_highest() -> None:
    assert sparkline([1, 2, 3, 4, 5, 6, 7, 8], 8) == "▁▂▃▄▅▆▇█"
    assert sparkline([0, 10, 5, 99, 100], 3) == "▁██"  # the last three, scaled among them
    assert sparkline([7, 7, 7], 8) == "▄▄▄"
    assert sparkline([], 8) == ""


def test_review_words_say_how_urgent() -> None:
    assert review_words(None, TODAY) == ("", "later")
    assert review_words(TODAY - dt.timedelta(days=2), TODAY) == ("2d overdue", "overdue")
    assert review_words(TODAY, TODAY) == ("today", "soon")
    assert review_words(TODAY + dt.timedelta(days=1), TODAY) == ("in 1 day", "soon")
    assert review_words(TODAY + dt.timedelta(days=7), TODAY) == ("in 7 days", "soon")
    assert review_words(TODAY + dt.timedelta(days=8), TODAY) == ("2026-11-23", "later")


def test_rows_group_schemes_filter_sort_and_fold() -> None:
    lines = [
        line(1, "VIP", 60, owner="Ana", next_review=TODAY),
        line(2, "Lapsed", 50, next_review=TODAY - dt.timedelta(days=1)),
        line(3, "Old promo", 5, status="retired"),
        line(4, "Champions", 10, scheme="rfm"),
        line(5, "At Risk", 20, scheme="rfm"),
    ]

    def shown(**kw) -> list[str]:  # type: ignore[no-untyped-def]
        return [r.line.info.name if r.line else f"[{r.scheme}]" for r in listed_rows(lines, **kw)]

    assert shown() == ["Lapsed", "VIP", "[rfm]", "At Risk", "Champions"]
    assert shown(show_retired=True)[:3] == ["Lapsed", "Old promo", "VIP"]
    assert shown(sort="people") == ["VIP", "Lapsed", "[rfm]", "At Risk", "Champions"]
    assert shown(sort="review") == ["Lapsed", "VIP", "[rfm]", "At Risk", "Champions"]
    assert shown(search="ana") == ["VIP"]  # the owner
    assert shown(search="rfm risk") == ["[rfm]", "At Risk"]
    assert shown(folded=frozenset({"rfm"})) == ["Lapsed", "VIP", "[rfm]"]
    assert shown(folded=frozenset({"rfm"}), search="champ") == ["[rfm]", "Champions"]
