"""A pack section wider than a page (many figures, girls and boys beside all) is printed
in parts, each with the row labels again, instead of columns too narrow for a figure (a
4-figure × 3-sex section once stopped the PDF)."""

from __future__ import annotations

import io

from fpdf import FPDF
from pypdf import PdfReader

from obruten.statistics.pack_renderers import _pdf_grid


def test_a_table_wider_than_the_page_is_printed_in_parts_with_every_figure() -> None:
    header = ["Stadsdelsnämnd", *(f"Flickor, andel {n} (%), 2026" for n in range(36))]
    rows = [["Farsta", *(f"{n},5" for n in range(36))], ["Staden totalt", *(str(n) for n in range(36))]]
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.add_page()
    _pdf_grid(pdf, header, rows, 257)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(bytes(pdf.output()))).pages)
    assert all(f"{n},5" in text for n in range(36))
    assert text.count("Farsta") >= 3  # the row labels again in each part
