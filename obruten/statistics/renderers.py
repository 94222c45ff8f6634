"""Renderers: pure functions from a ProtectedReport to bytes (or SVG text). They accept
nothing else, so no renderer can be handed a table that has not been protected."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from django.utils import timezone
from fpdf import FPDF

from obruten import spreadsheets
from obruten.spreadsheets import csv_row

from .protection import ProtectedReport


def header(report: ProtectedReport) -> list[str]:
    if not isinstance(report, ProtectedReport):
        raise TypeError("renderers take a ProtectedReport, never an unprotected table")
    return [report.definition.row_heading, *report.table.col_labels, *(s.label for s in report.stats)]


BLANK = "–"  # a cell that cannot hold a count, such as "Sådär" for a yes/no question


def blank_cells(report: ProtectedReport) -> frozenset[tuple[int, int]]:
    definition = report.definition
    return definition.blank_cells(report.params) if definition.blank_cells else frozenset()


def body(report: ProtectedReport) -> list[list[str]]:
    header(report)  # refuses anything but a protected report
    table, blank = report.table, blank_cells(report)
    return [
        [
            label,
            *(BLANK if (r, c) in blank else table.display(r, c) for c in range(len(table.grid[0]))),
            *(report.stat_display(stat.values[r]) for stat in report.stats),
        ]
        for r, label in enumerate(table.row_labels)
    ]


def is_empty(report: ProtectedReport) -> bool:
    """Nothing to count in the period: every published figure is 0."""
    return all(value == 0 for row in report.table.published_rows() for value in row)


EMPTY_MESSAGE = "Det finns inga uppgifter att redovisa för den här perioden och det här urvalet."


NOT_APPLIED = (
    "Urvalet på stadsdelsnämnd eller placeringsform används inte i den här rapporten: en sådan "
    "tabell skulle tillsammans med rapportens andra utdrag kunna röja enskilda barn."
)


def remarks(report: ProtectedReport) -> list[str]:
    """The lines the page shows under the table: how many children come from monthly files
    (protected with the table), and a filter the report does not take."""
    lines = []
    if report.from_monthly_files:
        lines.append(f"Varav barn från stadsdelsnämndernas månadsfiler: {report.from_monthly_files}.")
    if report.not_applied:
        lines.append(NOT_APPLIED)
    return lines


def source_line() -> str:
    return f"Källa: Obruten, utdrag {timezone.localdate():%Y-%m-%d}"


def title(report: ProtectedReport) -> str:
    return f"{report.definition.title}, {report.params.label()}"


def to_csv(report: ProtectedReport) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(csv_row([title(report)]))
    if is_empty(report):
        writer.writerow([EMPTY_MESSAGE])
    else:
        writer.writerow(csv_row(header(report)))
        writer.writerows(csv_row(row) for row in body(report))
    writer.writerow([])
    writer.writerows(csv_row([line]) for line in remarks(report))
    writer.writerow(csv_row([report.note]))
    writer.writerow([source_line()])
    writer.writerow([f"Räkneregel: {report.definition.counting_rule}"])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # the BOM makes Excel read UTF-8


def to_xlsx(report: ProtectedReport) -> bytes:
    buffer = io.BytesIO()
    workbook = spreadsheets.workbook(buffer)
    sheet = workbook.add_worksheet(spreadsheets.sheet_name(report.definition.name))
    bold = workbook.add_format({"bold": True, "font_size": 13})
    head = workbook.add_format(
        {"bold": True, "bg_color": "#DDE3EA", "border": 1, "text_wrap": True, "valign": "top"}
    )
    number = workbook.add_format({"border": 1, "num_format": "0"})
    decimal = workbook.add_format({"border": 1, "num_format": "0.0"})
    text = workbook.add_format({"border": 1, "align": "right"})
    label = workbook.add_format({"border": 1})
    total = workbook.add_format({"border": 1, "bold": True})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    sheet.write(0, 0, title(report), bold)
    columns = header(report)
    if is_empty(report):
        sheet.write(2, 0, EMPTY_MESSAGE)
        last = 4
    else:
        sheet.write_row(2, 0, columns, head)
        _xlsx_rows(
            sheet,
            report,
            {"number": number, "decimal": decimal, "text": text, "label": label, "total": total},
        )
        last = 3 + len(report.table.row_labels) + 1
    end = max(len(columns) - 1, 1)
    for line in remarks(report):
        sheet.write(last, 0, line)
        last += 1
    sheet.merge_range(last, 0, last, end, report.note, wrap)
    sheet.merge_range(last + 1, 0, last + 1, end, f"Räkneregel: {report.definition.counting_rule}", wrap)
    sheet.write(last + 2, 0, source_line())
    sheet.set_row(last, 45)
    sheet.set_row(last + 1, 75)
    sheet.set_column(0, 0, min(max(len(name) for name in report.table.row_labels) + 2, 60))
    sheet.set_column(1, len(columns) - 1, 14)
    sheet.freeze_panes(3, 1)
    workbook.close()
    return buffer.getvalue()


def _xlsx_rows(sheet: Any, report: ProtectedReport, formats: dict[str, Any]) -> None:
    table, blank = report.table, blank_cells(report)
    for r, row_label in enumerate(table.row_labels):
        excel_row = 3 + r
        sheet.write(excel_row, 0, row_label, formats["total" if r == len(table.row_labels) - 1 else "label"])
        for c in range(len(table.grid[0])):
            value = table.value(r, c)
            shown = BLANK if (r, c) in blank else table.rules.symbol if value is None else value
            sheet.write(excel_row, 1 + c, shown, formats["number" if isinstance(shown, int) else "text"])
        for k, stat in enumerate(report.stats):
            share = stat.values[r]
            sheet.write(
                excel_row,
                1 + len(table.grid[0]) + k,
                table.rules.symbol if share is None else share,
                formats["text" if share is None else "decimal"],
            )


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None  # None: hidden


def chart_bars(report: ProtectedReport) -> tuple[list[Bar], str]:
    """The bars the chart shows (rows without the total) and what they measure."""
    definition, table = report.definition, report.table
    rows = range(len(table.row_labels) - 1)
    if definition.chart_stat is not None:
        stat = report.stats[definition.chart_stat]
        return [Bar(table.row_labels[r], stat.values[r]) for r in rows], stat.label
    column = definition.chart_col % len(table.grid[0])
    values = [table.value(r, column) for r in rows]
    return [
        Bar(table.row_labels[r], None if v is None else float(v)) for r, v in zip(rows, values, strict=True)
    ], (table.col_labels[column])


def chart_svg(report: ProtectedReport) -> str:
    """A horizontal bar chart in black and grey, with the value written at each bar, so
    it reads in greyscale and without colour."""
    bars, measure = chart_bars(report)
    goal = report.definition.goal
    top = max([b.value or 0 for b in bars] + [goal or 0, 1])
    # Room for the longest label (about 6.5 px a character at 12 px), so none is clipped.
    label_width = min(max([190, *(int(len(b.label) * 6.5) + 16 for b in bars)]), 520)
    width, bar_height, gap = label_width + 450, 18, 6
    plot = width - label_width - 60
    height = 40 + len(bars) * (bar_height + gap)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="chart-title" class="chart">',
        f'<title id="chart-title">{escape(measure)} per '
        f"{escape(report.definition.row_heading.lower())}</title>",
        f'<text x="{label_width}" y="16" font-size="13" fill="#1b1b1b">{escape(measure)}</text>',
    ]
    for i, bar in enumerate(bars):
        y = 28 + i * (bar_height + gap)
        parts.append(
            f'<text x="{label_width - 8}" y="{y + 13}" font-size="12" text-anchor="end" '
            f'fill="#1b1b1b">{escape(bar.label)}</text>'
        )
        if bar.value is None:
            parts.append(
                f'<text x="{label_width + 4}" y="{y + 13}" font-size="12" fill="#1b1b1b">'
                f"{escape(report.table.rules.symbol)}</text>"
            )
            continue
        length = plot * bar.value / top
        parts.append(
            f'<rect x="{label_width}" y="{y}" width="{length:.1f}" height="{bar_height}" fill="#3a3a3a"/>'
        )
        shown = _bar_value(report, bar.value)
        parts.append(
            f'<text x="{label_width + length + 4:.1f}" y="{y + 13}" font-size="12" fill="#1b1b1b">'
            f"{shown}</text>"
        )
    if goal is not None:
        x = label_width + plot * goal / top
        parts.append(
            f'<line x1="{x:.1f}" y1="22" x2="{x:.1f}" y2="{height - 4}" stroke="#000" '
            f'stroke-width="2" stroke-dasharray="6 4"/>'
        )
        parts.append(
            f'<text x="{x + 4:.1f}" y="{height - 6}" font-size="12" fill="#000">Mål {goal:.0f} %</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


_PDF_TEXT = str.maketrans({"–": "-", "—": "-", "\u201d": '"', "\u201c": '"', "’": "'", "…": "..."})


def _pdf_text(text: str) -> str:
    return text.translate(_PDF_TEXT).encode("latin-1", "replace").decode("latin-1")


PAGE_BOTTOM = 210 - 12  # A4 landscape, less the bottom margin (mm)


def _label_width(pdf: FPDF, labels: list[str], narrowest: float, widest: float) -> float:
    """Room for the longest label, within bounds; longer labels wrap."""
    return min(max([narrowest, *(pdf.get_string_width(_pdf_text(t)) + 4 for t in labels)]), widest)


def to_pdf(report: ProtectedReport) -> bytes:
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    pdf.multi_cell(0, 7, _pdf_text(title(report)), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font("Helvetica", "", 9)
    if is_empty(report):
        pdf.multi_cell(0, 5, _pdf_text(EMPTY_MESSAGE), new_x="LMARGIN", new_y="NEXT")
    else:
        _pdf_table(pdf, report)
        _pdf_chart(pdf, report)
    pdf.ln(3)
    pdf.set_font("Helvetica", "", 8)
    for line in (
        *remarks(report),
        report.note,
        f"Räkneregel: {report.definition.counting_rule}",
        source_line(),
    ):
        pdf.multi_cell(0, 4, _pdf_text(line), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _pdf_table(pdf: FPDF, report: ProtectedReport) -> None:
    columns = header(report)
    pdf.set_font("Helvetica", "", 8)
    first = _label_width(pdf, list(report.table.row_labels), 40, 110)
    widths = [first] + [(277 - first) / (len(columns) - 1)] * (len(columns) - 1)
    pdf.set_font("Helvetica", "B", 7)
    pdf.set_fill_color(221, 227, 234)
    with pdf.table(
        col_widths=widths,
        text_align=["LEFT"] + ["RIGHT"] * (len(columns) - 1),
        line_height=4,
        first_row_as_headings=True,
    ) as grid:
        header_row = grid.row()
        for cell in columns:
            header_row.cell(_pdf_text(cell))
        pdf.set_font("Helvetica", "", 8)
        for values in body(report):
            row = grid.row()
            for cell in values:
                row.cell(_pdf_text(cell))


def _pdf_chart(pdf: FPDF, report: ProtectedReport) -> None:
    """Bars with their labels wrapped beside them; a bar starts a new page only when it
    does not fit on this one."""
    bars, measure = chart_bars(report)
    goal = report.definition.goal
    pdf.set_font("Helvetica", "", 8)
    x0 = 10 + _label_width(pdf, [b.label for b in bars], 45, 120) + 2
    plot = 277 + 10 - x0 - 25
    if pdf.get_y() + 11 + 5 * min(len(bars), 4) > PAGE_BOTTOM:
        pdf.add_page()
    pdf.ln(4)
    pdf.set_font("Helvetica", "B", 10)
    pdf.cell(0, 6, _pdf_text(measure), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 8)
    top = max([b.value or 0 for b in bars] + [goal or 0, 1])
    chart_top = pdf.get_y()
    for bar in bars:
        lines: list[str] = pdf.multi_cell(x0 - 12, 4, _pdf_text(bar.label), dry_run=True, output="LINES")  # type: ignore[assignment]
        height = max(5.0, 4.0 * len(lines))
        if pdf.get_y() + height > PAGE_BOTTOM:
            _goal_line(pdf, report, x0, plot, top, chart_top)
            pdf.add_page()
            chart_top = pdf.get_y()
        y = pdf.get_y()
        pdf.set_xy(10, y)
        pdf.multi_cell(x0 - 12, 4, _pdf_text(bar.label), align="R")
        if bar.value is None:
            pdf.set_xy(x0, y)
            pdf.cell(10, 5, report.table.rules.symbol)
        else:
            length = plot * bar.value / top
            pdf.set_fill_color(58, 58, 58)
            pdf.rect(x0, y + 0.7, max(length, 0.3), 3.6, style="F")
            pdf.set_xy(x0 + length + 1, y)
            pdf.cell(20, 5, _bar_value(report, bar.value))
        pdf.set_y(y + height)
    _goal_line(pdf, report, x0, plot, top, chart_top)


def _bar_value(report: ProtectedReport, value: float) -> str:
    return f"{value:.1f}".replace(".", ",") if report.definition.chart_stat is not None else f"{value:.0f}"


def _goal_line(
    pdf: FPDF, report: ProtectedReport, x0: float, plot: float, top: float, chart_top: float
) -> None:
    goal = report.definition.goal
    if goal is None:
        return
    x = x0 + plot * goal / top
    pdf.set_dash_pattern(dash=1.5, gap=1)
    pdf.line(x, chart_top, x, pdf.get_y())
    pdf.set_dash_pattern()
    if pdf.get_y() + 5 <= PAGE_BOTTOM:
        pdf.set_xy(x + 1, pdf.get_y())
        pdf.cell(30, 5, f"Mål {goal:.0f} %")
        pdf.ln(5)


# Download formats: renderer and content type, for the page and the command alike.
FORMATS: dict[str, tuple[Callable[[ProtectedReport], bytes], str]] = {
    "csv": (to_csv, "text/csv; charset=utf-8"),
    "xlsx": (to_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "pdf": (to_pdf, "application/pdf"),
}
