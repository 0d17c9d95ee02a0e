"""The report as one self-contained HTML page.

Figures are embedded as base64 PNG ``data:`` URIs and the CSS is inline, so the file opens
offline, can be mailed or archived alone, and a Content-Security-Policy forbids any network
access. There is no JavaScript. The page skeleton is ``template.html`` filled with
:class:`string.Template`: the dynamic parts are a few loops, which read more plainly as Python
with :func:`html.escape` than as a template language, and it keeps the package free of a
template-engine dependency.
"""

from __future__ import annotations

import base64
import html
import struct
from importlib import resources
from string import Template

from coldstart.report.model import FigureBlock, Report, Section, Table

TEMPLATE = "template.html"


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk (lets the browser lay out before decoding)."""
    if png[:8] != b"\x89PNG\r\n\x1a\n" or png[12:16] != b"IHDR":
        raise ValueError("not a PNG image")
    width, height = struct.unpack(">II", png[16:24])
    return int(width), int(height)


def _meta(report: Report) -> str:
    regions = ", ".join(report.regions) if report.regions else "all in the warehouse"
    items = [
        ("Warehouse", f"<code>{_e(report.warehouse)}</code>"),
        ("Regions", _e(regions)),
        ("Generated", _e(report.generated_at.strftime("%Y-%m-%d %H:%M:%S UTC"))),
        ("coldstart", _e(report.version)),
        ("Provenance", _e(report.provenance.removeprefix("provenance: "))),
    ]
    dl = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in items)
    notes = "".join(f"<li>{_e(n)}</li>" for n in report.data_notes)
    notes_html = (
        f'<div class="caveats"><h3>About the data</h3><ul>{notes}</ul></div>' if notes else ""
    )
    repro = _table(report.reproducibility) if report.reproducibility is not None else ""
    return f'<dl class="meta">{dl}</dl>\n{repro}\n{_table(report.ingested)}\n{notes_html}'


def _toc(report: Report) -> str:
    items = []
    for s in report.sections:
        status = ' <span class="status">(skipped: no data)</span>' if s.skipped else ""
        items.append(f'<li><a href="#{_e(s.id)}">{_e(s.title)}</a>{status}</li>')
    return f'<nav class="toc"><h2>Contents</h2><ol>{"".join(items)}</ol></nav>'


def _table(table: Table) -> str:
    head = "".join(
        f'<th scope="col" class="{"text" if c.unit == "text" else "num"}"'
        + (f' title="{_e(c.doc)}"' if c.doc else "")
        + f">{_e(c.header)}</th>"
        for c in table.columns
    )
    body = []
    for cells in table.cells():
        tds = "".join(
            f'<td class="{"text" if c.unit == "text" else "num"}">{_e(v)}</td>'
            for c, v in zip(table.columns, cells, strict=True)
        )
        body.append(f"<tr>{tds}</tr>")
    if not body:
        body.append(f'<tr><td colspan="{len(table.columns)}">no rows</td></tr>')
    note = f" {_e(table.note)}" if table.note else ""
    return (
        f'<div class="table-wrap" data-table="{_e(table.key)}"><table>'
        f"<caption>{_e(table.title)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table></div>"
        f'<p class="source">Source: {_e(table.source)}.{note}</p>'
    )


def _figure(block: FigureBlock) -> str:
    if block.png is None:
        return (
            f'<div class="skipped" data-figure="{_e(block.fig_id)}"><b>{_e(block.title)}</b>: '
            f"not drawn — {_e(block.skipped_reason or 'no data')}</div>"
        )
    width, height = png_size(block.png)
    data = base64.b64encode(block.png).decode("ascii")
    return (
        f'<figure data-figure="{_e(block.fig_id)}">'
        f'<img src="data:image/png;base64,{data}" width="{width}" height="{height}" '
        f'alt="{_e(block.title)}">'
        f"<figcaption><b>{_e(block.title)}.</b> {_e(block.caption)}</figcaption></figure>"
    )


def _banner(report: Report) -> str:
    if not report.synthetic_banner:
        return ""
    return f'<p class="synthetic" data-synthetic="1">{_e(report.synthetic_banner)}</p>'


def _section(section: Section, banner: str = "") -> str:
    parts = [
        f'<section class="report-section" id="{_e(section.id)}" data-section="{_e(section.id)}">',
        f"<h2>{_e(section.title)}</h2>",
        banner,
        f'<p class="lede">{_e(section.intro)}</p>',
    ]
    if section.skipped:
        parts.append(f'<p class="skipped">{_e(section.skipped_reason)}</p></section>')
        return "\n".join(parts)
    if section.findings:
        items = "".join(
            f'<li data-finding="{_e(f.key)}"'
            + (f' class="{_e(f.verdict.replace(" ", "-"))}"' if f.verdict else "")
            + f">{_e(f.text)}</li>"
            for f in section.findings
        )
        parts.append(f'<ul class="findings">{items}</ul>')
    parts += [_figure(f) for f in section.figures]
    if section.tables:
        parts.append("<h3>The numbers behind the figures</h3>")
        parts += [_table(t) for t in section.tables]
    if section.caveats:
        items = "".join(f"<li>{_e(c)}</li>" for c in section.caveats)
        parts.append(
            f'<div class="caveats"><h3>Caveats of the data used here</h3><ul>{items}</ul></div>'
        )
    parts.append("</section>")
    return "\n".join(parts)


def render_html(report: Report) -> str:
    """The whole page as a string (UTF-8 when written)."""
    template = Template(
        resources.files("coldstart.report").joinpath(TEMPLATE).read_text(encoding="utf-8")
    )
    return template.substitute(
        title=_e(report.title),
        version=_e(report.version),
        generated=_e(report.generated_at.strftime("%Y-%m-%d %H:%M:%S UTC")),
        banner=_banner(report),
        meta=_meta(report),
        toc=_toc(report),
        sections="\n".join(_section(s, _banner(report)) for s in report.sections),
    )
