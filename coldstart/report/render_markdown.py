"""The report as Markdown, with its figures as PNG files in a folder next to it.

For reading in a code host, pasting into notes or diffing two runs: the same sections,
findings, tables and caveats as the HTML page, with pipe tables and relative image links.
"""

from __future__ import annotations

from coldstart.report.model import FigureBlock, Report, Section, Table


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _table(table: Table) -> list[str]:
    head = "| " + " | ".join(_cell(c.header) for c in table.columns) + " |"
    align = "|" + "|".join(":---" if c.unit == "text" else "---:" for c in table.columns) + "|"
    rows = ["| " + " | ".join(_cell(v) for v in cells) + " |" for cells in table.cells()]
    note = f" {table.note}" if table.note else ""
    return [
        f"**{table.title}**",
        "",
        head,
        align,
        *(rows or ["| " + " | ".join("" for _ in table.columns) + " |"]),
        "",
        f"*Source: {table.source}.{note}*",
        "",
    ]


def _figure(block: FigureBlock, files_dir: str) -> list[str]:
    if block.png is None:
        return [f"> **{block.title}**: not drawn — {block.skipped_reason or 'no data'}", ""]
    return [
        f"![{block.title}]({files_dir}/{block.filename})",
        "",
        f"*{block.title}.* {block.caption}",
        "",
    ]


def _section(section: Section, files_dir: str, banner: str | None = None) -> list[str]:
    lines = [f'<a id="{section.id}"></a>', "", f"## {section.title}", ""]
    if banner:
        lines += [f"> **{banner}**", ""]
    lines += [section.intro, ""]
    if section.skipped:
        return [*lines, f"> {section.skipped_reason}", ""]
    lines += [f"- {f.text}" for f in section.findings]
    lines.append("")
    for block in section.figures:
        lines += _figure(block, files_dir)
    if section.tables:
        lines += ["### The numbers behind the figures", ""]
        for table in section.tables:
            lines += _table(table)
    if section.caveats:
        lines += ["### Caveats of the data used here", ""]
        lines += [f"- {c}" for c in section.caveats]
        lines.append("")
    return lines


def render_markdown(report: Report, files_dir: str) -> str:
    """The report as Markdown; images are linked as ``files_dir/figNN.png``."""
    regions = ", ".join(report.regions) if report.regions else "all in the warehouse"
    banner = report.synthetic_banner
    lines = [f"# {report.title}", ""]
    if banner:
        lines += [f"> **{banner}**", ""]
    lines += [
        "Cold-start analysis following the paper “Serverless Cold Starts and Where to Find "
        "Them” (EuroSys 2025), on the warehouse below.",
        "",
        f"- Warehouse: `{report.warehouse}`",
        f"- Regions: {regions}",
        f"- Generated: {report.generated_at.strftime('%Y-%m-%d %H:%M:%S UTC')}",
        f"- coldstart: {report.version}",
        f"- {report.provenance[0].upper()}{report.provenance[1:]}",
        "",
    ]
    if report.reproducibility is not None:
        lines += _table(report.reproducibility)
    lines += _table(report.ingested)
    if report.data_notes:
        lines += ["**About the data**", "", *[f"- {n}" for n in report.data_notes], ""]
    lines += ["## Contents", ""]
    for i, s in enumerate(report.sections, 1):
        status = " (skipped: no data)" if s.skipped else ""
        lines.append(f"{i}. [{s.title}](#{s.id}){status}")
    lines.append("")
    for s in report.sections:
        lines += _section(s, files_dir, banner)
    return "\n".join(lines).rstrip() + "\n"
