"""A playbook document as one self-contained HTML page: styles inline, no scripts, no
fonts, images or anything else fetched, so that it opens offline and can be mailed as is.

Printing: the page size is the printer's (A4 or Letter), tables wrap their long cells
rather than run off the page, a row is never split across pages and a table's header repeats
on the next page, headings stay with what follows them, and each segment of a scheme starts
a new page. Every piece of user text is escaped.
"""

from __future__ import annotations

from html import escape

from segdesk.publish.document import (
    Block,
    Bullets,
    Code,
    Document,
    Fields,
    Paragraph,
    Part,
    Table,
    Trend,
)

SPARK_WIDTH, SPARK_HEIGHT, SPARK_POINTS = 160, 28, 40

STYLE = """
@page { size: auto; margin: 16mm 14mm; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0 auto; max-width: 46rem; padding: 1.5rem 1rem;
  font: 11pt/1.45 -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: #1b1f24; background: #fff;
}
h1 { font-size: 1.7rem; margin: 0 0 .2rem; }
h2 { font-size: 1.3rem; margin: 1.6rem 0 .4rem; border-bottom: 1px solid #d0d7de; }
h3 { font-size: 1.05rem; margin: 1.2rem 0 .3rem; }
h1, h2, h3 { line-height: 1.25; break-after: avoid; page-break-after: avoid; }
.subtitle { color: #57606a; margin: 0 0 1rem; }
.part + .part { break-before: page; page-break-before: always; }
@media screen {
  .part + .part { margin-top: 2.5rem; padding-top: .5rem; border-top: 4px solid #d0d7de; }
}
.part + .part > h2:first-child { margin-top: 0; }
p, ul, ol, dl { margin: .4rem 0; }
p, li, td, th, dd { overflow-wrap: anywhere; }
dl.fields { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; }
dl.fields dt { font-weight: 600; }
dl.fields dd { margin: 0; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0; font-size: .95em; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
th, td { border: 1px solid #d0d7de; padding: .25rem .45rem; text-align: left; vertical-align: top; }
th { background: #f6f8fa; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
pre {
  margin: .4rem 0; padding: .5rem .7rem; background: #f6f8fa; border: 1px solid #d0d7de;
  white-space: pre-wrap; overflow-wrap: anywhere; font-size: .9em; break-inside: avoid;
}
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.trend { display: flex; align-items: center; gap: .7rem; flex-wrap: wrap; }
.trend svg { flex: none; }
.trend polyline { fill: none; stroke: #0969da; stroke-width: 1.6; }
.trend circle { fill: #0969da; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  a { color: inherit; text-decoration: none; }
}
""".strip()


def to_html(document: Document) -> str:
    parts = "\n".join(_part(part, first=n == 0) for n, part in enumerate(document.parts))
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="generator" content="Segment Desk">\n'
        f"<title>{escape(document.title)}</title>\n"
        f"<style>\n{STYLE}\n</style>\n</head>\n<body>\n{parts}\n</body>\n</html>\n"
    )


def _part(part: Part, *, first: bool) -> str:
    level = 1 if first else 2
    lines = [
        '<section class="part">'
        if part.segment is None
        else f'<section class="part" data-segment="{escape(part.segment)}">',
        f"<h{level}>{escape(part.title)}</h{level}>",
    ]
    if part.subtitle:
        lines.append(f'<p class="subtitle">{escape(part.subtitle)}</p>')
    for section in part.sections:
        lines.append(f"<h{level + 1}>{escape(section.title)}</h{level + 1}>")
        lines.extend(_block(block) for block in section.blocks)
    lines.append("</section>")
    return "\n".join(lines)


def _block(block: Block) -> str:
    if isinstance(block, Paragraph):
        text = "<br>\n".join(
            escape(line.strip()) for line in block.text.splitlines() if line.strip()
        )
        label = f"<strong>{escape(block.label)}:</strong> " if block.label else ""
        return f"<p>{label}{text}</p>"
    if isinstance(block, Fields):
        pairs = "".join(
            f"<dt>{escape(label)}</dt><dd>{escape(value)}</dd>" for label, value in block.pairs
        )
        return f'<dl class="fields">{pairs}</dl>'
    if isinstance(block, Bullets):
        tag = "ol" if block.numbered else "ul"
        items = "".join(f"<li>{escape(item)}</li>" for item in block.items)
        return f"<{tag}>{items}</{tag}>"
    if isinstance(block, Table):
        return _table(block)
    if isinstance(block, Code):
        return f"<pre><code>{escape(block.text)}</code></pre>"
    if isinstance(block, Trend):
        caption = f"<span>{escape(block.caption)}</span>"
        return f'<div class="trend">{spark_svg(block.values)}{caption}</div>'
    raise TypeError(f"no HTML for {block!r}")


def _table(table: Table) -> str:
    def cells(row: tuple[str, ...], tag: str) -> str:
        return "".join(
            f'<{tag} class="num">{escape(c)}</{tag}>'
            if i in table.right
            else f"<{tag}>{escape(c)}</{tag}>"
            for i, c in enumerate(row)
        )

    body = "".join(f"<tr>{cells(row, 'td')}</tr>" for row in table.rows)
    return (
        f"<table><thead><tr>{cells(table.header, 'th')}</tr></thead><tbody>{body}</tbody></table>"
    )


def spark_svg(values: tuple[int, ...]) -> str:
    """The last sizes as a line from the lowest (bottom) to the highest (top), the latest
    marked with a dot; a level line when they are all the same."""
    shown = values[-SPARK_POINTS:]
    low, high = min(shown), max(shown)
    pad = 3
    step = (SPARK_WIDTH - 2 * pad) / max(len(shown) - 1, 1)
    span = SPARK_HEIGHT - 2 * pad

    def y(v: int) -> float:
        return pad + span / 2 if high == low else pad + span * (high - v) / (high - low)

    points = [(pad + i * step, y(v)) for i, v in enumerate(shown)]
    line = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
    last_x, last_y = points[-1]
    said = f"sizes from {shown[0]:,} to {shown[-1]:,}, lowest {low:,}, highest {high:,}"
    return (
        f'<svg width="{SPARK_WIDTH}" height="{SPARK_HEIGHT}" '
        f'viewBox="0 0 {SPARK_WIDTH} {SPARK_HEIGHT}" role="img" aria-label="{said}">'
        f"<title>{said}</title>"
        f'<polyline points="{line}"/><circle cx="{last_x:.1f}" cy="{last_y:.1f}" r="2.2"/></svg>'
    )
