"""The pack as a workbook (XlsxWriter, a native chart per sheet) or a PDF (fpdf2, a drawn
chart per section). Every sheet and page has the title, the period, the comparison with its
chart beside it, the whole protected table, the disclosure note, the counting rule and the
source line, so it can be pasted into the report as it is."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from fpdf import FPDF

from obruten import spreadsheets

from . import renderers
from .pack import Pack, PackSheet, Value

LIGHT, DARK = "#A6A6A6", "#3A3A3A"  # the two series in greyscale: last year light, this year dark


def shown(value: Value, symbol: str) -> str:
    if value is None:
        return symbol
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")
    return str(value)


def _pack_title(pack: Pack) -> str:
    return f"Tertial- och årsrapport {pack.year}, till och med {pack.through}"


# --- XLSX ----------------------------------------------------------------------------------


def to_xlsx(pack: Pack) -> bytes:
    buffer = io.BytesIO()
    workbook = spreadsheets.workbook(buffer)
    workbook.set_properties({"title": _pack_title(pack), "comments": renderers.source_line()})
    formats = {
        "title": workbook.add_format({"bold": True, "font_size": 13}),
        "head": workbook.add_format(
            {"bold": True, "bg_color": "#DDE3EA", "border": 1, "text_wrap": True, "valign": "top"}
        ),
        "count": workbook.add_format({"border": 1, "num_format": "0"}),
        "decimal": workbook.add_format({"border": 1, "num_format": "0.0"}),
        "text": workbook.add_format({"border": 1, "align": "right"}),
        "label": workbook.add_format({"border": 1, "text_wrap": True}),
        "wrap": workbook.add_format({"text_wrap": True, "valign": "top"}),
        "bold": workbook.add_format({"bold": True}),
    }
    for sheet in pack.sheets:
        _xlsx_sheet(workbook, sheet, formats)
    workbook.close()
    return buffer.getvalue()


def _write(
    ws: Any, row: int, col: int, value: Value, decimal: bool, formats: dict[str, Any], symbol: str
) -> None:
    if isinstance(value, int | float):
        ws.write_number(row, col, value, formats["decimal" if decimal else "count"])
    else:
        ws.write_string(row, col, shown(value, symbol), formats["text"])


def _xlsx_sheet(workbook: Any, sheet: PackSheet, formats: dict[str, Any]) -> None:
    ws = workbook.add_worksheet(spreadsheets.sheet_name(sheet.section.sheet, workbook.sheetnames))
    symbol = sheet.report.table.rules.symbol
    ws.write(0, 0, sheet.title, formats["title"])
    ws.write(1, 0, f"Period: {sheet.period}")
    ws.write_row(3, 0, sheet.header, formats["head"])
    for r, values in enumerate(sheet.rows):
        ws.write(4 + r, 0, values[0], formats["label"])
        for c, value in enumerate(values[1:]):
            _write(ws, 4 + r, 1 + c, value, sheet.decimals[c], formats, symbol)
    width = len(sheet.header)
    _xlsx_chart(workbook, ws, sheet, width + 1)
    row = 4 + len(sheet.rows) + 2
    ws.write(row, 0, f"Hela tabellen, {sheet.report.params.label()}", formats["bold"])
    row = _xlsx_table(ws, sheet, row + 1, formats)
    wide = max(width, len(renderers.header(sheet.report))) - 1
    for text, height in ((sheet.note, 45), (f"Räkneregel: {sheet.counting_rule}", 90)):
        ws.merge_range(row, 0, row, wide, text, formats["wrap"])
        ws.set_row(row, height)
        row += 1
    ws.write(row, 0, renderers.source_line())
    ws.set_row(3, 60)
    ws.set_column(0, 0, min(max(len(label) for label in sheet.report.table.row_labels) + 2, 60))
    ws.set_column(1, wide, 13)
    ws.fit_to_pages(1, 0)
    ws.set_landscape()


def _xlsx_table(ws: Any, sheet: PackSheet, top: int, formats: dict[str, Any]) -> int:
    """The whole protected table of this period; returns the row after it and a gap."""
    report = sheet.report
    table, blank = report.table, renderers.blank_cells(report)
    ws.write_row(top, 0, renderers.header(report), formats["head"])
    for r, label in enumerate(table.row_labels):
        ws.write(top + 1 + r, 0, label, formats["label"])
        for c in range(len(table.grid[0])):
            value: Value = renderers.BLANK if (r, c) in blank else table.value(r, c)
            _write(ws, top + 1 + r, 1 + c, value, False, formats, table.rules.symbol)
        for k, column in enumerate(report.stats):
            _write(
                ws,
                top + 1 + r,
                1 + len(table.grid[0]) + k,
                column.values[r],
                True,
                formats,
                table.rules.symbol,
            )
    return top + 1 + len(table.row_labels) + 1


def _xlsx_chart(workbook: Any, ws: Any, sheet: PackSheet, first_col: int) -> None:
    """A native column chart of the comparison, beside it. Its data sit in hidden columns
    far right, hidden figures as empty cells (a gap, never a bar of 0)."""
    chart, data_col = sheet.chart, 40
    name = ws.get_name().replace("'", "''")
    n = len(chart.categories)
    ws.write_column(4, data_col, chart.categories)
    column = workbook.add_chart({"type": "column"})
    for k, (series_name, values) in enumerate(chart.series):
        col = data_col + 1 + k
        ws.write(3, col, series_name)
        for r, value in enumerate(values):
            if value is not None:
                ws.write_number(4 + r, col, value)
        column.add_series(
            {
                "name": [name, 3, col],
                "categories": [name, 4, data_col, 3 + n, data_col],
                "values": [name, 4, col, 3 + n, col],
                "fill": {"color": LIGHT if k else DARK},
                "border": {"color": "#000000"},
            }
        )
    if chart.goal is not None:
        col = data_col + 1 + len(chart.series)
        ws.write(3, col, f"Mål {chart.goal:.0f} %")
        ws.write_column(4, col, [chart.goal] * n)
        line = workbook.add_chart({"type": "line"})
        line.add_series(
            {
                "name": [name, 3, col],
                "categories": [name, 4, data_col, 3 + n, data_col],
                "values": [name, 4, col, 3 + n, col],
                "line": {"color": "#000000", "dash_type": "dash", "width": 2},
            }
        )
        column.combine(line)
    ws.set_column(data_col, data_col + 1 + len(chart.series) + 1, None, None, {"hidden": True})
    column.show_hidden_data()
    column.show_blanks_as("gap")
    column.set_title({"name": chart.title, "name_font": {"size": 11}})
    column.set_legend({"position": "bottom"})
    column.set_x_axis({"num_font": {"rotation": -45}})
    column.set_y_axis({"min": 0, "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
    column.set_size({"width": 620, "height": 360})
    ws.insert_chart(3, first_col, column)


# --- PDF ------------------------------------------------------------------------------------

PAGE_WIDTH, MARGIN = 297, 10
CHART_WIDTH = 110  # mm, to the right of the comparison table


class _PackPDF(FPDF):
    """Every page, also where a long table runs on, ends with the pack's title and the
    source line, so a page pasted alone into a report still says where it comes from."""

    pack_title = ""

    def footer(self) -> None:
        self.set_y(-10)
        self.set_font("Helvetica", "", 7)
        self.cell(0, 4, _pdf(f"{self.pack_title} · {renderers.source_line()} · sida {self.page_no()}"))


def to_pdf(pack: Pack) -> bytes:
    pdf = _PackPDF(orientation="L", unit="mm", format="A4")
    pdf.pack_title = _pack_title(pack)
    pdf.set_auto_page_break(auto=True, margin=14)
    pdf.set_title(_pdf(_pack_title(pack)))
    for sheet in pack.sheets:
        _pdf_section(pdf, sheet)
    return bytes(pdf.output())


def _pdf(text: str) -> str:
    return renderers._pdf_text(text)  # the one Latin-1 mapping for every PDF


def _pdf_section(pdf: FPDF, sheet: PackSheet) -> None:
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    pdf.multi_cell(0, 7, _pdf(sheet.title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9)
    pdf.multi_cell(0, 5, _pdf(f"Period: {sheet.period}"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    top = pdf.get_y()
    table_width = PAGE_WIDTH - 2 * MARGIN - CHART_WIDTH - 6
    symbol = sheet.report.table.rules.symbol
    rows = [[str(values[0]), *(shown(v, symbol) for v in values[1:])] for values in sheet.rows]
    _pdf_grid(pdf, sheet.header, rows, table_width)
    below_table = pdf.get_y()
    chart_bottom = _pdf_chart(pdf, sheet, PAGE_WIDTH - MARGIN - CHART_WIDTH, top)
    pdf.set_y(max(below_table, chart_bottom) + 4)
    pdf.set_font("Helvetica", "B", 10)
    pdf.cell(0, 6, _pdf(f"Hela tabellen, {sheet.report.params.label()}"), new_x="LMARGIN", new_y="NEXT")
    _pdf_grid(pdf, renderers.header(sheet.report), renderers.body(sheet.report), PAGE_WIDTH - 2 * MARGIN)
    pdf.ln(3)
    pdf.set_font("Helvetica", "", 8)
    for line in (sheet.note, f"Räkneregel: {sheet.counting_rule}", renderers.source_line()):
        pdf.multi_cell(0, 4, _pdf(line), new_x="LMARGIN", new_y="NEXT")


MIN_COLUMN_WIDTH = 16.0  # mm: a figure and a heading's longest word at 7 pt


def _pdf_grid(pdf: FPDF, header: list[str], rows: list[list[str]], width: float) -> None:
    """The table, in as many parts as it takes for every column to be at least
    ``MIN_COLUMN_WIDTH`` wide, each part with the row labels again: a section of many
    figures, or girls and boys beside all, is wider than a page."""
    pdf.set_font("Helvetica", "", 7)
    first = min(max([30.0, *(pdf.get_string_width(_pdf(r[0])) + 4 for r in rows)]), width * 0.4)
    per_part = max(1, int((width - first) // MIN_COLUMN_WIDTH))
    for start in range(1, max(len(header), 2), per_part):
        part = [0, *range(start, min(start + per_part, len(header)))]
        _pdf_table(pdf, [header[c] for c in part], [[r[c] for c in part] for r in rows], width, first)
        if start + per_part < len(header):
            pdf.ln(2)


def _pdf_table(pdf: FPDF, header: list[str], rows: list[list[str]], width: float, first: float) -> None:
    columns = len(header) - 1
    widths = [first] + [(width - first) / columns] * columns if columns else [width]
    pdf.set_fill_color(221, 227, 234)
    with pdf.table(
        width=width,
        col_widths=widths,
        align="LEFT",
        text_align=["LEFT"] + ["RIGHT"] * (len(header) - 1),
        line_height=3.5,
        first_row_as_headings=True,
    ) as grid:
        head = grid.row()
        for text in header:
            head.cell(_pdf(text))
        for values in rows:
            row = grid.row()
            for text in values:
                row.cell(_pdf(text))


def _pdf_chart(pdf: FPDF, sheet: PackSheet, x: float, top: float) -> float:
    """Horizontal bars per category, one per series, with the value at each bar and the
    goal as a dashed line; hidden figures show the symbol. Returns the chart's bottom."""
    chart, symbol = sheet.chart, sheet.report.table.rules.symbol
    values = [v for _name, series in chart.series for v in series if v is not None]
    most = max([*values, chart.goal or 0, 1])
    label_width, bar = 34.0, 2.6
    plot = CHART_WIDTH - label_width - 12
    pdf.set_font("Helvetica", "B", 9)
    pdf.set_xy(x, top)
    pdf.multi_cell(CHART_WIDTH, 4.5, _pdf(chart.title))
    pdf.set_font("Helvetica", "", 6.5)
    y = pdf.get_y() + 1
    shades = [(58, 58, 58), (166, 166, 166)]
    for k, (name, _series) in enumerate(chart.series):  # the legend
        pdf.set_fill_color(*shades[k % 2])
        pdf.rect(x + k * 50, y + 0.8, 3, 2.4, style="F")
        pdf.set_xy(x + k * 50 + 4, y)
        pdf.cell(45, 4, _pdf(name))
    y += 6
    plot_top = y
    for i, category in enumerate(chart.categories):
        pdf.set_xy(x, y)
        pdf.cell(label_width - 1, bar * len(chart.series), _pdf(category)[:28], align="R")
        for k, (_name, series) in enumerate(chart.series):
            value, bar_y = series[i], y + k * bar
            if value is None:
                pdf.set_xy(x + label_width, bar_y)
                pdf.cell(8, bar, symbol)
                continue
            length = plot * value / most
            pdf.set_fill_color(*shades[k % 2])
            pdf.rect(x + label_width, bar_y + 0.2, max(length, 0.3), bar - 0.4, style="F")
            pdf.set_xy(x + label_width + length + 0.5, bar_y)
            pdf.cell(12, bar, shown(value, symbol))
        y += bar * len(chart.series) + 1.2
    if chart.goal is not None:
        goal_x = x + label_width + plot * chart.goal / most
        pdf.set_dash_pattern(dash=1.2, gap=0.8)
        pdf.line(goal_x, plot_top - 1, goal_x, y)
        pdf.set_dash_pattern()
        pdf.set_xy(goal_x + 0.5, y)
        pdf.cell(20, 4, f"Mål {chart.goal:.0f} %")
        y += 4
    return y


RENDERERS: dict[str, Callable[[Pack], bytes]] = {"xlsx": to_xlsx, "pdf": to_pdf}
CONTENT_TYPES = {"xlsx": renderers.FORMATS["xlsx"][1], "pdf": renderers.FORMATS["pdf"][1]}
