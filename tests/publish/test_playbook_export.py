"""Playbook exports: every documented field in both formats, missing sections left out,
hostile text escaped, no contact's data, the scheme's summary, and the CLI's file, mode and
log. Read-only tests share one rendering of the sample (module scope)."""

from __future__ import annotations

import html
import os
import re
import sqlite3
import stat
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from segdesk.publish import files
from segdesk.publish.markdown import escape as md_escape
from segdesk.publish.playbook import default_file_name, playbook_format
from segdesk.segments.playbook import Playbook, field_text
from segdesk.workspace import Workspace
from tests.cli_runs import run
from tests.conftest import SAMPLE_DB

VIP = "VIP customers"


@pytest.fixture(scope="module")
def ws() -> Iterator[Workspace]:
    with Workspace.open(SAMPLE_DB, mode="read") as workspace:
        yield workspace


@pytest.fixture(scope="module")
def rendered(ws: Workspace) -> dict[tuple[str, str], str]:
    """The sample's playbooks of VIP customers, RFM and lifecycle, in both formats."""
    return {
        (name, fmt): ws.playbook_exports.render(name, fmt)
        for name in (VIP, "rfm", "lifecycle")
        for fmt in ("md", "html")
    }


def markdown_html(text: str) -> str:
    """The Markdown as a CommonMark reader with tables turns it into HTML."""
    return MarkdownIt("commonmark").enable("table").render(text)


def documented_values(playbook: Playbook) -> list[str]:
    values = [
        playbook.goal,
        playbook.target,
        field_text(playbook.deadline),
        playbook.owner,
        *playbook.stakeholders,
        *playbook.data_sources,
        *playbook.use_cases,
        *playbook.channels,
        playbook.message_tone,
        playbook.offer,
        *playbook.next_actions,
        *(k.name for k in playbook.kpis),
        *(k.target for k in playbook.kpis),
        playbook.review_cadence,
        field_text(playbook.next_review),
        playbook.playbook_status,
        *(r.note for r in playbook.reviews if r.note),
    ]
    assert all(values), "the sample's VIP playbook fills in every field"
    return [v for v in values if v]


def test_every_documented_field_and_figure_is_in_both_formats(
    ws: Workspace, rendered: dict[tuple[str, str], str]
) -> None:
    playbook = ws.playbooks.get(VIP)
    detail = ws.segments.detail(VIP)
    versions = ws.segment_views.versions(VIP)
    contacts = ws.contacts.count_contacts()
    assert detail.info.count is not None and detail.info.rule and detail.english
    figures = [
        f"{detail.info.count:,} people",
        f"{detail.info.count / contacts:.1%}",
        detail.info.rule,
        detail.english,
        *(v.reason for v in versions if v.reason),
        *(v.rule for v in versions if v.rule),
    ]
    md, page = rendered[VIP, "md"], rendered[VIP, "html"]
    shown_md = markdown_html(md)
    for value in [*documented_values(playbook), *figures]:
        assert html.escape(value) in page, value
        assert html.escape(value, quote=False) in shown_md, value
    for title in (
        "Purpose and goal",
        "Owner and stakeholders",
        "Size, share and trend",
        "Definition",
        "Use cases",
        "Channels",
        "Message and tone",
        "Offer",
        "Next actions",
        "KPIs",
        "Review",
        "Data sources",
        "Change log",
    ):
        assert f"## {title}\n" in md
        assert f"<h2>{title}</h2>" in page
    assert "**Trend:** `" in md and "<svg " in page  # the size history, drawn


def test_sections_without_data_are_left_out(rendered: dict[tuple[str, str], str]) -> None:
    # RFM's Loyal Customers has no playbook fields and, as a model segment, no versions; the
    # sample has its year of snapshots but no kept backtests or holdout exports. In its
    # scheme's playbook the opening compares the profiles; the part says what sets it apart.
    md = rendered["rfm", "md"]
    loyal = md.split("## Loyal Customers\n", 1)[1].split("\n---\n", 1)[0]
    titles = re.findall(r"^### (.+)$", loyal, flags=re.M)
    assert titles == [
        "Size, share and trend",
        "Definition",
        "What sets it apart",
        "Overlap with other segments",
        "Stability",
    ]
    page = rendered["rfm", "html"]
    part = page.split('data-segment="Loyal Customers">', 1)[1].split("</section>", 1)[0]
    assert re.findall(r"<h3>(.+?)</h3>", part) == titles


def test_a_new_segment_shows_only_what_it_has(tmp_path: Path, sample_copy: Path) -> None:
    with Workspace.open(sample_copy, mode="write") as ws:
        ws.segments.create("Quiet ones", "orders.count = 0")
        ws.playbooks.set("Quiet ones", {"goal": "Wake them up"})
        md = ws.playbook_exports.render("Quiet ones", "md")
    titles = re.findall(r"^## (.+)$", md, flags=re.M)
    assert titles == [
        "Purpose and goal",
        "Size, share and trend",
        "Definition",
        "Profile beside everyone",
        "Overlap with other segments",
        "Change log",
    ]
    assert "Owner" not in md and "KPIs" not in md


HOSTILE_GOAL = "<script>alert('x')</script> & lift <b>orders</b> *now*"
HOSTILE_KPI = "Share | of orders: >= 5% | <i>all</i>"


def test_hostile_text_is_escaped(sample_copy: Path) -> None:
    with Workspace.open(sample_copy, mode="write") as ws:
        ws.playbooks.set(
            VIP,
            {"goal": HOSTILE_GOAL, "owner": "Ann | Bo", "kpis": [HOSTILE_KPI], "offer": "# 1"},
        )
        md = ws.playbook_exports.render(VIP, "md")
        page = ws.playbook_exports.render(VIP, "html")
    # HTML: the text shows as typed, no tag of it is a tag.
    assert "<script" not in page and "<b>" not in page and "<i>" not in page
    assert html.escape(HOSTILE_GOAL) in page
    assert "<dd>Ann | Bo</dd>" in page
    # Markdown: as a Markdown reader shows it, the same text, and the KPI table keeps two
    # columns however many | the KPI holds.
    shown = markdown_html(md)
    assert "<script" not in shown and "<b>" not in shown
    assert html.escape(HOSTILE_GOAL, quote=False) in shown
    kpi_table = shown.split("<th>KPI</th>", 1)[1].split("</table>", 1)[0]
    row = kpi_table.split("<tbody>", 1)[1]
    cells = re.findall(r"<td>(.*?)</td>", row)
    assert cells == [
        html.escape(c, quote=False) for c in ("Share | of orders", ">= 5% | <i>all</i>")
    ]
    assert "<h1>1</h1>" not in shown and "# 1" in shown  # an offer that reads like a heading


def test_markdown_escape_keeps_the_text() -> None:
    for text in (
        "a | b",
        "<x>",
        "*bold* _it_",
        "`code`",
        "[link](u)",
        "1. first",
        "- dash",
        "&amp;",
    ):
        shown = markdown_html(md_escape(text))
        assert shown == f"<p>{html.escape(text, quote=False)}</p>\n", text


def contact_identifiers() -> set[str]:
    with closing(sqlite3.connect(f"file:{SAMPLE_DB}?mode=ro", uri=True)) as conn:
        rows = conn.execute("SELECT email, first_name, last_name FROM contact").fetchall()
    found = set()
    for email, first, last in rows:
        if email:
            found.add(email.casefold())
        if first and last:
            found.add(f"{first} {last}".casefold())
    return found


def test_no_contact_email_or_name_in_any_playbook(
    ws: Workspace, rendered: dict[tuple[str, str], str]
) -> None:
    staff = {
        (p.owner or "").casefold()
        for p in (ws.playbooks.get(s.name) for s in ws.segments.all() if not s.scheme)
    }
    identifiers = contact_identifiers() - staff
    assert len(identifiers) > 3000
    texts = [t.casefold() for t in rendered.values()]
    for text in texts:
        assert not [i for i in identifiers if i in text]
    # The pin on VIP customers names a contact: a playbook leaves pins out.
    assert ws.segments.detail(VIP).pins
    for pin in ws.segments.detail(VIP).pins:
        assert pin.email and pin.email.casefold() not in texts[0] + texts[1]


@pytest.mark.parametrize("scheme", ["rfm", "lifecycle"])
def test_scheme_summary_lists_every_segment_with_its_size(
    ws: Workspace, rendered: dict[tuple[str, str], str], scheme: str
) -> None:
    expected = [(s.name, f"{s.count:,}") for s in ws.segments.all() if s.scheme == scheme]
    md = rendered[scheme, "md"]
    summary = md.split("## Segments\n", 1)[1].split("\n## ", 1)[0]
    rows = [line.split(" | ") for line in summary.strip().splitlines()[2:]]
    assert [(r[0].removeprefix("| ").replace("\\", ""), r[1]) for r in rows] == expected
    page = rendered[scheme, "html"]
    table = page.split("<h2>Segments</h2>", 1)[1].split("</table>", 1)[0]
    cells = re.findall(r"<tr><td>(.*?)</td><td class=\"num\">(.*?)</td>", table)
    assert [(html.unescape(n), c) for n, c in cells] == expected
    # Then each segment on a page of its own.
    assert page.count('<section class="part" data-segment=') == len(expected)
    assert ".part + .part { break-before: page;" in page


def test_html_is_self_contained(rendered: dict[tuple[str, str], str]) -> None:
    for (_name, fmt), text in rendered.items():
        if fmt == "html":
            assert not re.search(r"https?:|src=|href=|@import|url\(|<script|<link", text)
            assert "@page { size: auto;" in text


def test_format_from_the_extension_or_the_option() -> None:
    assert playbook_format("a/b.MD") == "md"
    assert playbook_format("x.html") == "html"
    assert playbook_format("x.txt", "html") == "html"
    with pytest.raises(Exception, match=r"end the name with \.md or \.html"):
        playbook_format("x.txt")
    assert default_file_name("rfm: At Risk", "html") == "rfm-at-risk-playbook.html"


# The command line ----------------------------------------------------------------------


def export_log(db: Path) -> list[tuple]:
    with closing(sqlite3.connect(db)) as conn:
        return conn.execute(
            "SELECT what, format, path, rows, segment_id FROM export_log ORDER BY id"
        ).fetchall()


def test_cli_writes_a_private_file_and_logs_it(
    capsys: pytest.CaptureFixture[str], sample_copy: Path, tmp_path: Path
) -> None:
    out_md = tmp_path / "vip.md"
    out_html = tmp_path / "rfm.page"
    code, said, err = run(capsys, "export", "playbook", VIP, "-o", out_md, "--db", sample_copy)
    assert (code, err) == (0, "")
    assert said.startswith("Wrote VIP customers: playbook as Markdown to ")
    code, said, err = run(
        capsys, "export", "playbook", "RFM", "-o", out_html, "--format", "html", "--db", sample_copy
    )
    assert (code, err) == (0, "")
    for path in (out_md, out_html):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert out_md.read_text(encoding="utf-8").startswith("# VIP customers: playbook\n")
    assert out_html.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    with closing(sqlite3.connect(sample_copy)) as conn:
        vip_id = conn.execute("SELECT id FROM segment WHERE name = ?", (VIP,)).fetchone()[0]
    assert export_log(sample_copy) == [
        ("playbook", "md", str(out_md), 1, vip_id),
        ("playbook", "html", str(out_html), 11, None),
    ]


def test_cli_refuses_an_unknown_name_in_one_line(
    capsys: pytest.CaptureFixture[str], sample_copy: Path, tmp_path: Path
) -> None:
    target = tmp_path / "x.md"
    code, out, err = run(capsys, "export", "playbook", "Nobody", "-o", target, "--db", sample_copy)
    assert (code, out) == (2, "")
    assert err == 'segdesk: error: there is no segment or scheme called "Nobody"\n'
    assert not target.exists() and export_log(sample_copy) == []


def test_a_failed_write_leaves_no_file(
    monkeypatch: pytest.MonkeyPatch, sample_copy: Path, tmp_path: Path
) -> None:
    target = tmp_path / "out" / "rfm.html"
    target.parent.mkdir()
    target.write_text("the previous one")

    def killed(*_args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(files.os, "replace", killed)
    with Workspace.open(sample_copy, mode="write") as ws, pytest.raises(KeyboardInterrupt):
        ws.playbook_exports.write("rfm", target)
    assert os.listdir(target.parent) == ["rfm.html"]
    assert target.read_text() == "the previous one"
    assert export_log(sample_copy) == []
