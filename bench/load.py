"""The load test: 50 simulated users in the roles' mix against the production serving.

On a throwaway PostgreSQL cluster (scripts/with_postgres.py) it migrates, loads the
city-scale demo, collects the static files, creates questionnaire links, protects the
report cubes (as obruten-protect-reports.timer does in production), starts gunicorn
with deploy/gunicorn.conf.py (DEBUG off, WhiteNoise) on a free loopback port and runs
locust headless against it in two mixes (``SCENARIOS``): the stress case, 50 users
clicking every 1–4 s for LOAD_SECONDS (75), and a city's realistic peak, 400 staff reading
each page 20–40 s for LOAD_PEAK_SECONDS (150); each stops early at LOAD_MAX_REQUESTS
(20,000). LOAD_USERS names a part of the mix (``Analyst Child``). Prints p50/p95/p99 per
page type against the goal (p95 <= 100 ms, no errors) and the machine's load before and
after each. Exits 1 on any failed request.

    make bench-load
"""

# ruff: noqa: S603, S607 - runs its own fixed commands (the venv's tools, uptime)
from __future__ import annotations

import csv
import os
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HERE = Path(__file__).resolve().parent / "load"
GOAL_MS = 100.0
USERS = 50
sys.path.insert(0, str(ROOT / "scripts"))

import with_postgres  # noqa: E402


def run(work: Path) -> int:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "obruten.settings",
        "PYTHONPATH": str(ROOT),
        "DEMO_MODE": "1",
        "DEBUG": "0",
        "SECURE_COOKIES": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "AUDIT_KEY": secrets.token_urlsafe(50),
        "STATIC_ROOT": str(work / "static"),
        "CACHE_DIR": str(work / "cache"),  # as in production: the workers share the cubes
        "ALLOWED_HOSTS": "127.0.0.1",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    obruten = str(BIN / "obruten")
    quiet = {"env": env, "check": True, "stdout": subprocess.DEVNULL}
    step("migrate, city-scale demo, collectstatic")
    subprocess.run([obruten, "migrate", "--no-input"], **quiet)
    subprocess.run([obruten, "demo", "--seed", "1", "--scale", "city"], **quiet)
    subprocess.run([obruten, "collectstatic", "--no-input"], **quiet)
    data = work / "load.json"
    subprocess.run([sys.executable, str(HERE / "prepare.py"), str(data)], env=env, check=True)
    step("protect-reports, as its timer does in production")
    subprocess.run([obruten, "protect-reports"], **quiet)
    port = with_postgres.free_port()
    host = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "-c", str(ROOT / "deploy" / "gunicorn.conf.py"), "obruten.wsgi:application"],
        env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
        cwd=ROOT,
    )
    try:
        wait_healthy(host)
        failed = 0
        for scenario in SCENARIOS:
            failed += scenario.run(host, work, data)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return 1 if failed else 0


@dataclass(frozen=True)
class Scenario:
    """A mix of users: how many, how long each reads a page, which kinds of user."""

    name: str
    users: int
    spawn_rate: int
    think: str  # seconds between a user's requests, "low,high"
    seconds: int
    classes: str = ""  # locust's user classes; all of the locustfile's when empty

    def run(self, host: str, work: Path, data: Path) -> int:
        step(
            f"{self.name}: {self.users} users, {self.think.replace(',', '–')} s between clicks, "
            f"{self.seconds} s against {host}; uptime before: {uptime()}"
        )
        csv_prefix = work / self.name.replace(" ", "-")
        subprocess.run(
            [
                str(BIN / "locust"),
                "--locustfile",
                str(HERE / "locustfile.py"),
                "--headless",
                "--only-summary",
                "--loglevel",
                "WARNING",
                "--users",
                str(self.users),
                "--spawn-rate",
                str(self.spawn_rate),
                "--run-time",
                f"{self.seconds}s",
                "--stop-timeout",
                "10",
                "--host",
                host,
                "--csv",
                str(csv_prefix),
                *(os.environ.get("LOAD_USERS") or self.classes).split(),
            ],
            env={**os.environ, "LOAD_DATA": str(data), "LOAD_THINK": self.think},
            check=False,
        )
        step(f"{self.name}: uptime after: {uptime()}")
        return report(Path(f"{csv_prefix}_stats.csv"))


# The stress case (issue 22): 50 users clicking every 1–4 s, children every 2–6 s. The
# realistic peak of a city of Stockholm's size: about 400 staff signed in at once, each
# reading a page for 20–40 s.
SCENARIOS = [
    Scenario("stress", USERS, 10, "1,4", int(os.environ.get("LOAD_SECONDS", "75"))),
    Scenario(
        "realistic peak",
        400,
        20,
        "20,40",
        int(os.environ.get("LOAD_PEAK_SECONDS", "150")),
        "CaseWorker UnitManager Analyst",
    ),
]


def step(text: str) -> None:
    print(f"== {text}", flush=True)


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()


def wait_healthy(host: str) -> None:
    for _ in range(100):
        try:
            with urllib.request.urlopen(f"{host}/healthz", timeout=2) as answer:  # noqa: S310 - loopback
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    sys.exit("gunicorn did not answer /healthz")


def report(stats: Path) -> int:
    """Per page type: requests, failures, p50/p95/p99 and p95 against the goal."""
    rows = list(csv.DictReader(stats.open(encoding="utf-8")))
    failures = stats.with_name(stats.name.replace("_stats.csv", "_failures.csv"))
    failed = 0
    print(f"\n{'page type':<46} {'n':>6} {'fail':>5} {'p50':>6} {'p95':>6} {'p99':>6}  p95/goal")
    for row in rows:
        failed += int(row["Failure Count"]) if row["Name"] != "Aggregated" else 0
        p95 = float(row["95%"])
        mark = "" if p95 <= GOAL_MS else "  MISSED"
        print(
            f"{row['Name']:<46} {row['Request Count']:>6} {row['Failure Count']:>5} "
            f"{row['50%']:>6} {row['95%']:>6} {row['99%']:>6}  {p95 / GOAL_MS:.2f}{mark}"
        )
    for row in csv.DictReader(failures.open(encoding="utf-8")):
        print(f"FAILED {row['Occurrences']}x {row['Method']} {row['Name']}: {row['Error']}")
    print(f"\ngoal: p95 <= {GOAL_MS:.0f} ms per page type (times in ms), 0 errors; {failed} failed requests")
    return 1 if failed else 0


if __name__ == "__main__":
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit(with_postgres.main([sys.executable, __file__, *sys.argv[1:]]))
    work = Path(tempfile.mkdtemp(prefix="obruten-load-"))
    sys.exit(run(work))
