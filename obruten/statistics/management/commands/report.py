from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from obruten.statistics import renderers
from obruten.statistics.definitions import REPORTS, Params
from obruten.statistics.protection import check_period, run_report


class Command(BaseCommand):
    help = "Produce a protected report (CSV, XLSX, PDF or HTML) from the register."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", choices=sorted(REPORTS))
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument(
            "--period",
            default="",
            help="T1, T2, T3 or T2-ACK (January-August); empty for the year (a month is not published)",
        )
        parser.add_argument("--district", default="", help="a district's code")
        parser.add_argument("--form", default="", help="a placement form's code")
        parser.add_argument("--sex", default="", choices=["", "F", "M"])
        parser.add_argument("--format", default="csv", choices=[*renderers.FORMATS, "html"])
        parser.add_argument("--out", type=Path, help="file to write (default: standard output for csv/html)")

    def handle(self, *args: Any, **options: Any) -> None:
        params = Params(
            year=options["year"],
            period=options["period"].upper(),
            district=options["district"],
            form=options["form"],
            sex=options["sex"],
        )
        try:
            params.bounds()
            check_period(params.period)
        except ValueError as exc:
            raise CommandError(f"--period: {exc}") from exc
        report = run_report(options["name"], params, actor=None, via=f"obruten report {options['name']}")
        if options["format"] == "html":
            content = _html(report).encode()
        else:
            content = renderers.FORMATS[options["format"]][0](report)
        if options["out"]:
            options["out"].write_bytes(content)
            self.stderr.write(f"Wrote {options['out']} ({len(content)} bytes).")
        elif options["format"] in {"csv", "html"}:
            self.stdout.write(content.decode("utf-8-sig"), ending="")
        else:
            raise CommandError("--out is needed for xlsx and pdf")


def _html(report: Any) -> str:
    from django.template.loader import render_to_string
    from django.utils.safestring import mark_safe

    return render_to_string(
        "statistics/standalone.html",
        {
            "definition": report.definition,
            "report": report,
            "header": renderers.header(report),
            "rows": renderers.body(report),
            "chart": mark_safe(renderers.chart_svg(report)),  # noqa: S308
            "empty": renderers.is_empty(report),
            "source": renderers.source_line(),
        },
    )
