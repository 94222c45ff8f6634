"""Every command README shows runs as written.

The command lines are read from README (the code blocks and the commands table), never
copied here, so a command that is renamed, dropped or misspelt there fails this test. Only
the placeholders (FILE, N, NAME, YYYY, YYYY-MM) are replaced with real values, and every
documented form runs once: without the optional parts, and with them once per alternative
(`T1|T2|T3|YYYY-MM`). Each line runs as a subprocess through the installed `obruten`
console script against a throwaway SQLite file, and each test checks that the command did
what README says, not only that it exited 0.

Substituted and why:
- `obruten demo … --scale national` builds 230,000 children (`make bench-national` does
  it); the city scale is run instead (about 10 s on the reference machine).
- `make …` lines need a whole environment (a server, both databases, benchmarks); they
  are checked to be Makefile targets.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import os
import re
import shlex
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader

from conftest import TEST_NUMBERS
from obruten.cli import django_argv

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
TODAY = date.today()  # noqa: DTZ011 - the demo data is made up to the subprocesses' today
YEAR = TODAY.year - 1  # a whole year of demo data
EMPTY_MONTH = f"{TODAY.year - 6}-06"  # before the demo data's five years
CASE_WORKER, DISTRICT = "handlaggare.farsta", "farsta"
REPORT = "school-start"


# --- Reading README -------------------------------------------------------------------


def readme_rows() -> list[list[str]]:
    """README's command lines, grouped as README groups them: a code block's line, or
    the command cell of a table row (which may hold several, separated by ` / `)."""
    rows: list[list[str]] = []
    in_code = False
    for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            in_code = not in_code
        elif in_code and line.split("#")[0].strip():
            rows.append([line.split("#")[0].strip()])
        elif line.startswith("| `"):
            cell = re.split(r"(?<!\\)\|", line)[1]
            rows.append([code.replace("\\|", "|") for code in re.findall(r"`([^`]+)`", cell)])
    return rows


def forms_of(template: str) -> list[str]:
    """Each documented form once: without the optional `[…]` parts, then with them once
    per alternative of `a|b|c` (the first alternative where there are fewer)."""
    required = re.sub(r"\s*\[[^]]*\]", "", template)
    full = re.sub(r"[][]", "", template)
    choices = [word.split("|") for word in full.split()]
    width = max(len(choice) for choice in choices)
    expanded = [
        " ".join(choice[i] if i < len(choice) else choice[0] for choice in choices) for i in range(width)
    ]
    first = " ".join(word.split("|")[0] for word in required.split())
    return list(dict.fromkeys([first, *expanded]))


def command_lines(prefix: str) -> list[list[str]]:
    return [row for row in readme_rows() if row[0].startswith(prefix)]


def row_id(row: list[str]) -> str:
    return " / ".join(row)


# --- A throwaway register --------------------------------------------------------------


@dataclass
class Register:
    tmp: Path
    env: dict[str, str]
    database: Path
    demo_runs: list[subprocess.CompletedProcess[str]]

    def run(self, line: str) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            shlex.split(line), env=self.env, cwd=self.tmp, capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, f"`{line}` exited {result.returncode}:\n{result.stderr[-3000:]}"
        return result

    def count(self, sql: str, *params: str) -> int:
        with sqlite3.connect(self.database) as connection:
            return int(connection.execute(sql, params).fetchone()[0])


@pytest.fixture(scope="module")
def register(tmp_path_factory: pytest.TempPathFactory) -> Register:
    """A migrated SQLite file with README's demo data, made by README's demo line."""
    tmp = tmp_path_factory.mktemp("documented")
    database = tmp / "register.sqlite3"
    env = {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "DATABASE_URL": f"sqlite:///{database}",
        "SECRET_KEY": "documented-commands",
        "AUDIT_KEY": "documented-commands",
        "DEMO_MODE": "1",
        "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
        "CACHE_DIR": str(tmp / "cache"),  # as in production: the commands share the report cubes
    }
    register = Register(tmp, env, database, [])
    register.run("obruten migrate --no-input")
    for line in command_lines("obruten demo")[0]:
        for form in forms_of(line):
            if "national" not in form:
                register.demo_runs.append(register.run(fill(form, {"N": "1"})))
    return register


def fill(line: str, values: dict[str, str]) -> str:
    """`line` with each placeholder word replaced (longest first: YYYY-MM before YYYY)."""
    for placeholder in sorted(values, key=len, reverse=True):
        line = re.sub(rf"\b{re.escape(placeholder)}\b", values[placeholder], line)
    return line


# --- What each command must have done --------------------------------------------------


def placements_file(path: Path, numbers: list[str]) -> Path:
    header = (
        "personal_number,first_name,last_name,sex,home_municipality,district,placement_form,"
        "legal_basis,start_date,end_date,school_change,school_unit_code,school_start_date"
    )
    rows = [
        f"{number},Test,Testsson,F,0180,{DISTRICT},familjehem,SoL,{YEAR}-03-01,,ja,12345678,{YEAR}-03-04"
        for number in numbers
    ]
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def check_import_placements(register: Register, line: str) -> None:
    numbers = TEST_NUMBERS[:2] if "--user" in line else TEST_NUMBERS[2:4]
    path = placements_file(register.tmp / f"placements-{numbers[0]}.csv", numbers)
    register.run(fill(line, {"FILE": str(path), "NAME": CASE_WORKER}))
    for number in numbers:
        assert register.count("SELECT count(*) FROM register_child WHERE personal_number = ?", number) == 1
    if "--user" in line:
        audited = "SELECT count(*) FROM audit_auditevent WHERE actor_name = ? AND via = ?"
        assert register.count(audited, CASE_WORKER, "obruten import-placements") >= len(numbers)


def check_load_districts(register: Register, line: str) -> None:
    path = register.tmp / "districts.csv"
    path.write_text("code,name,valid_from,valid_to,successor\nnorrby,Norrby,2024-01-01,,\n", encoding="utf-8")
    register.run(fill(line, {"FILE": str(path)}))
    loaded = "SELECT count(*) FROM register_district WHERE code = ? AND name = ?"
    assert register.count(loaded, "norrby", "Norrby") == 1


def check_load_schools(register: Register, line: str) -> None:
    sample = ROOT / "obruten" / "data" / "schools-sample.csv"
    for _run in range(2):  # a second load of the same file changes nothing
        output = register.run(fill(line, {"FILE": str(sample)})).stdout
    assert "0 created, 0 updated" in output
    loaded = "SELECT count(*) FROM register_school WHERE unit_code = ? AND name = ?"
    assert register.count(loaded, "81000010", "Demoskolan 10") == 1
    dormant = "SELECT count(*) FROM register_school WHERE unit_code = ?"
    assert register.count(dormant, "81000108") == 0  # Vilande in the sample


def check_apply_mergers(register: Register, line: str) -> None:
    register.run(fill(line, {"YYYY-MM-DD": "2023-07-01"}))
    dissolved = "SELECT id FROM register_district WHERE valid_to < '2023-07-01'"
    children = f"SELECT count(*) FROM register_child WHERE district_id IN ({dissolved})"  # noqa: S608
    open_placements = "SELECT count(*) FROM register_placement WHERE end_date IS NULL AND district_id IN"
    placements = f"{open_placements} ({dissolved})"
    assert register.count(children) == register.count(placements) == 0


def check_audit_checkpoint(register: Register, line: str) -> None:
    out = register.tmp / "checkpoint.json"
    register.run(fill(line, {"FILE": str(out)}))
    assert json.loads(out.read_text(encoding="utf-8"))["sequence"] > 0


def check_audit_verify(register: Register, line: str) -> None:
    """`--checkpoint FILE ...` gets two checkpoints of the chain."""
    checkpoints = [register.tmp / f"verify-{i}.json" for i in range(2)]
    for checkpoint in checkpoints:
        if "FILE" in line:
            register.run(f"obruten audit checkpoint --out {checkpoint}")
    line = line.replace("FILE ...", " ".join(map(str, checkpoints)))
    assert f"extends {line.count('.json')} checkpoint(s)" in register.run(line).stdout


def check_reminders(register: Register, line: str) -> None:
    output = register.run(line).stdout
    sent = int(re.search(r"Sent (\d+) reminder", output)[1])  # type: ignore[index]
    assert sent > 0
    assert output.count("Subject:") == sent  # the console backend prints each e-mail


def check_obligations(register: Register, line: str) -> None:
    """`refresh` stores what a from-scratch derivation finds; `check` then finds them equal,
    and exits 1 once a stored obligation has been changed behind the engine's back."""
    if line.endswith("refresh"):
        with sqlite3.connect(register.database) as connection:
            connection.execute("DELETE FROM obligations_obligation")
        assert "changed" in register.run(line).stdout
        assert register.count("SELECT count(*) FROM obligations_obligation") > 0
        return
    assert "equal" in register.run(line).stdout
    with sqlite3.connect(register.database) as connection:
        connection.execute(
            "UPDATE obligations_obligation SET due = '2000-01-01' "
            "WHERE id = (SELECT min(id) FROM obligations_obligation)"
        )
    result = subprocess.run(
        shlex.split(line), env=register.env, cwd=register.tmp, capture_output=True, text=True, check=False
    )
    assert result.returncode == 1 and "differ" in result.stderr
    register.run(line.replace("check", "refresh"))


def check_report(register: Register, line: str) -> None:
    chosen = re.search(r"--format (\w+)", line)
    kind = chosen[1] if chosen else "csv"
    out = register.tmp / f"report.{kind}"
    values = {"NAME": REPORT, "YYYY-MM": f"{YEAR}-05", "YYYY": str(YEAR), "FILE": str(out)}
    result = register.run(fill(line, values))
    content = out.read_bytes() if "--out" in line else result.stdout.encode()
    if kind == "xlsx":
        assert openpyxl.load_workbook(io.BytesIO(content)).active.max_row > 1
    elif kind == "pdf":
        assert PdfReader(io.BytesIO(content)).pages[0].extract_text().strip()
    elif kind == "html":
        assert "<table" in content.decode()
    else:
        assert len(list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))) > 1


def check_protect_reports(register: Register, line: str) -> None:
    from obruten.statistics.definitions import REPORTS

    output = register.run(fill(line, {"YYYY": str(YEAR)})).stdout
    years = [str(YEAR)] if "--year" in line else [str(TODAY.year - 1), str(TODAY.year)]
    assert {tuple(row.split(":")[0].split()) for row in output.splitlines()} == {
        (year, name) for year in years for name in REPORTS
    }


def check_report_pack(register: Register, line: str) -> None:
    """This year's pack to date, as the city makes it: beside last year, both protected
    ahead by `obruten protect-reports` (the timer's command, run before this one)."""
    kind = re.search(r"--format (\w+)", line)[1]  # type: ignore[index]
    out = register.tmp / f"pack.{kind}"
    register.run(fill(line, {"YYYY": str(TODAY.year), "FILE": str(out)}))
    if kind == "xlsx":
        assert len(openpyxl.load_workbook(out).sheetnames) >= 8  # a sheet per figure of the reports
    else:
        assert "Obruten, utdrag" in PdfReader(out).pages[0].extract_text()


def check_export_statistics(register: Register, line: str) -> None:
    out = register.tmp / "month.xlsx"
    register.run(fill(line, {"YYYY-MM": f"{YEAR}-05", "FILE": str(out)}))
    assert len(openpyxl.load_workbook(out).sheetnames) >= 10  # a sheet per Stockholm district


def check_import_statistics(register: Register, line: str) -> None:
    path = register.tmp / "statistics.csv"
    path.write_text(
        "district,month,placement_form,sex,start_date,end_date,school_change,school_start_date\n"
        f"{DISTRICT},{EMPTY_MONTH},jourhem,M,{EMPTY_MONTH}-02,,ja,{EMPTY_MONTH}-09\n"
        f"{DISTRICT},{EMPTY_MONTH},hvb,F,{EMPTY_MONTH}-10,,nej,\n",
        encoding="utf-8",
    )
    register.run(fill(line, {"FILE": str(path)}))
    assert register.count("SELECT count(*) FROM statistics_importedplacement") == 2


def _age_identity(register: Register) -> tuple[Path, str]:
    """An age key pair made here: the identity file (kept apart) and its public recipient."""
    identity = register.tmp / "age-identity.txt"
    if not identity.exists():
        subprocess.run(["age-keygen", "-o", str(identity)], check=True, capture_output=True)  # noqa: S607
    public = next(line for line in identity.read_text().splitlines() if line.startswith("# public key: "))
    return identity, public.removeprefix("# public key: ")


def _backup_directory(register: Register, encrypted: bool) -> Path:
    return register.tmp / ("backup-age" if encrypted else "backup")


def check_backup(register: Register, line: str) -> None:
    encrypted = "RECIPIENT" in line
    directory = _backup_directory(register, encrypted)
    values = {"DIR": str(directory)}
    if encrypted:
        values["RECIPIENT"] = _age_identity(register)[1]
    register.run(fill(line, values))
    files = sorted(path.name for path in directory.iterdir())
    assert files == ["database.sqlite3" + (".age" if encrypted else ""), "manifest.json"]


def check_restore(register: Register, line: str) -> None:
    """Into a new, empty database: the line as written, with the backup made above (the
    encrypted one where the line gives an identity)."""
    encrypted = "FILE" in line
    directory = _backup_directory(register, encrypted)
    if not directory.is_dir():
        check_backup(register, "obruten backup --out DIR" + (" --encrypt-to RECIPIENT" if encrypted else ""))
    restored = register.tmp / f"restored{'-age' if encrypted else ''}.sqlite3"
    env = {**register.env, "DATABASE_URL": f"sqlite:///{restored}"}
    argv = shlex.split(fill(line, {"DIR": str(directory), "FILE": str(_age_identity(register)[0])}))
    result = subprocess.run(argv, env=env, cwd=register.tmp, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    with sqlite3.connect(restored) as connection:
        assert connection.execute("SELECT count(*) FROM register_child").fetchone()[0] == register.count(
            "SELECT count(*) FROM register_child"
        )


def check_cull(register: Register, line: str) -> None:
    events = "SELECT count(*) FROM audit_auditevent WHERE via LIKE 'obruten cull%'"
    before = register.count(events)
    output = register.run(fill(line, {"N": "30"})).stdout
    assert output.strip()
    assert register.count(events) == before + ("--apply" in line)  # a dry run writes nothing


def check_api_key(register: Register, line: str) -> None:
    keys = "SELECT count(*) FROM api_apikey WHERE revoked_at IS NULL"
    before = register.count(keys)
    if " create " in line:
        output = register.run(fill(line, {"NAME": CASE_WORKER, "N": "30"})).stdout
        assert re.search(r"^obr_\w+_\S+$", output, re.MULTILINE), output
        assert register.count(keys) == before + 1
    else:
        newest = register.count("SELECT max(id) FROM api_apikey")
        register.run(fill(line, {"ID": str(newest)}))
        assert register.count(keys) == before - 1


CHECKS: dict[str, Callable[[Register, str], None]] = {
    "obruten import-placements": check_import_placements,
    "obruten load-districts": check_load_districts,
    "obruten load-schools": check_load_schools,
    "obruten apply-mergers": check_apply_mergers,
    "obruten audit checkpoint": check_audit_checkpoint,
    "obruten audit verify": check_audit_verify,
    "obruten reminders": check_reminders,
    "obruten obligations": check_obligations,
    "obruten protect-reports": check_protect_reports,
    "obruten report": check_report,
    "obruten report-pack": check_report_pack,
    "obruten export-statistics": check_export_statistics,
    "obruten import-statistics": check_import_statistics,
    "obruten backup": check_backup,
    "obruten restore": check_restore,
    "obruten cull": check_cull,
    "obruten api-key": check_api_key,
}


def check_for(line: str) -> Callable[[Register, str], None]:
    matches = [name for name in CHECKS if line == name or line.startswith(name + " ")]
    assert matches, f"README documents `{line}`, and this test does not know what it should do"
    return CHECKS[matches[0]]


# --- The tests -------------------------------------------------------------------------


def test_readme_documents_the_commands() -> None:
    names = {" ".join(line.split()[:2]) for line in itertools.chain(*readme_rows())}
    assert {"make run", "make test", "obruten demo", "obruten import-placements", "obruten report"} <= names


def test_the_demo_line_creates_a_city(register: Register) -> None:
    assert register.demo_runs, "README shows no `obruten demo` line"
    assert "Demo logins" in register.demo_runs[0].stdout
    assert register.count("SELECT count(*) FROM register_child") > 2000
    assert register.count("SELECT count(*) FROM accounts_user WHERE username = ?", CASE_WORKER) == 1


@pytest.mark.parametrize(
    "row", [row for row in command_lines("obruten ") if not row[0].startswith("obruten demo")], ids=row_id
)
def test_each_documented_command_runs_as_written(register: Register, row: list[str]) -> None:
    for template in row:
        for line in forms_of(template):
            check_for(line)(register, line)


@pytest.mark.parametrize("row", command_lines("make "), ids=row_id)
def test_make_lines_are_makefile_targets(row: list[str]) -> None:
    targets = set(re.findall(r"^([\w-]+):", (ROOT / "Makefile").read_text(encoding="utf-8"), re.MULTILINE))
    for line in row:
        assert line.split()[1] in targets, f"README shows `{line}`; the Makefile has no such target"


def test_every_command_named_in_the_docs_exists() -> None:
    """Also the ones only docs/ name (`obruten audit checkpoint`, `obruten axes_reset_ip`)."""
    documents = [ROOT / "README.md", *ROOT.glob("docs/*.md")]
    text = "\n".join(path.read_text(encoding="utf-8") for path in documents)
    named = set(re.findall(r"`obruten ([a-z][a-z_-]*)", text))
    listed = subprocess.run(
        [BIN / "obruten", "help", "--commands"],
        env={**os.environ, "SECRET_KEY": "t", "AUDIT_KEY": "t"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert {django_argv(["obruten", name])[1] for name in named} <= set(listed)


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["obruten", "import-placements", "my-file.csv"], ["obruten", "import_placements", "my-file.csv"]),
        (["obruten", "import_placements", "a.csv"], ["obruten", "import_placements", "a.csv"]),
        (["obruten", "help", "load-districts"], ["obruten", "help", "load_districts"]),
        (["obruten", "demo", "--if-empty"], ["obruten", "demo", "--if-empty"]),
        (["obruten", "--version"], ["obruten", "--version"]),
        (["obruten"], ["obruten"]),
    ],
)
def test_only_the_command_name_is_respelt(argv: list[str], expected: list[str]) -> None:
    assert django_argv(argv) == expected


# --- `make test` sets up what it needs ---------------------------------------------------

ENSURE = ROOT / "scripts" / "ensure-test-deps.py"


def fake_programs(
    bin_dir: Path,
    log: Path,
    *,
    apt_get_installs: bool,
    soffice: bool = True,
    initdb: bool = True,
    age: bool = True,
) -> None:
    """Stand-ins for initdb, runuser, soffice and age, and an apt-get that logs its arguments and
    (if told to) puts chromium where $CHROMIUM says: the real one would change the machine."""
    bin_dir.mkdir()
    programs = {
        **({"initdb": "exit 0"} if initdb else {}),
        "runuser": "exit 0",
        **({"soffice": "exit 0"} if soffice else {}),
        **({"age": "exit 0"} if age else {}),
        "apt-get": f'echo "$@" >> {log}\n'
        + ('[ "$1" = install ] && : > "$CHROMIUM"\n' if apt_get_installs else ""),
    }
    for name, body in programs.items():
        path = bin_dir / name
        path.write_text(f"#!/bin/sh\n{body}\nexit 0\n")
        path.chmod(0o755)


def ensure(
    tmp_path: Path,
    *args: str,
    chromium: bool,
    apt_get_installs: bool = True,
    soffice: bool = True,
    initdb: bool = True,
    age: bool = True,
) -> subprocess.CompletedProcess[str]:
    fake_programs(
        tmp_path / "bin",
        tmp_path / "apt-get.log",
        apt_get_installs=apt_get_installs,
        soffice=soffice,
        initdb=initdb,
        age=age,
    )
    browser = tmp_path / "chromium"
    if chromium:
        browser.touch()
    env = {**os.environ, "PATH": str(tmp_path / "bin"), "CHROMIUM": str(browser)}
    return subprocess.run(
        [sys.executable, ENSURE, *args], env=env, capture_output=True, text=True, check=False
    )


def test_nothing_missing_means_nothing_to_say(tmp_path: Path) -> None:
    result = ensure(tmp_path, chromium=True)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    assert not (tmp_path / "apt-get.log").exists()


def test_without_chromium_and_not_installing_it_stops_with_the_one_command(tmp_path: Path) -> None:
    result = ensure(tmp_path, "--no-install", chromium=False)
    assert result.returncode == 1
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.endswith("apt-get install -y chromium")
    assert not (tmp_path / "apt-get.log").exists()


def test_without_libreoffice_it_names_debians_calc_package(tmp_path: Path) -> None:
    result = ensure(tmp_path, "--no-install", chromium=True, soffice=False)
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1].endswith("apt-get install -y libreoffice-calc-nogui")


def test_on_a_bare_machine_it_prints_the_command_readme_shows(tmp_path: Path) -> None:
    result = ensure(tmp_path, "--no-install", chromium=False, soffice=False, initdb=False, age=False)
    assert result.returncode == 1
    printed = result.stderr.splitlines()[-1].split("apt-get install -y ")[-1].split()
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    shown = readme.split("`sudo apt-get install -y ")[1].split("`")[0].split()
    # This machine's PostgreSQL cannot be hidden from the script (it looks in /usr/lib too).
    assert [package for package in shown if package in printed] == printed
    assert set(shown) - set(printed) <= {"postgresql"}


@pytest.mark.skipif(os.geteuid() != 0, reason="installs only as root")
def test_as_root_it_installs_chromium_with_apt_get(tmp_path: Path) -> None:
    result = ensure(tmp_path, chromium=False)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "apt-get.log").read_text().splitlines() == ["update -qq", "install -y -qq chromium"]
    assert (tmp_path / "chromium").exists()


@pytest.mark.skipif(os.geteuid() != 0, reason="installs only as root")
def test_as_root_an_install_that_did_not_help_stops_with_the_one_command(tmp_path: Path) -> None:
    result = ensure(tmp_path, chromium=False, apt_get_installs=False)
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1].endswith("apt-get install -y chromium")


def test_make_test_checks_before_it_installs_or_runs_anything() -> None:
    plan = subprocess.run(
        [shutil.which("make") or "make", "--dry-run", "--always-make", "test"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert plan.index("ensure-test-deps.py") < plan.index("pip install") < plan.index("pytest")
    assert "scripts/ensure-test-deps.py" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
