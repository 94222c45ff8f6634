# gunicorn's settings for Obruten (docs/production.md). The address comes from the
# command line or GUNICORN_BIND: loopback only, the reverse proxy is the only client.
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers: Obruten's pages are short database work; two per core plus one.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = 60  # a report's first computation at city scale takes seconds
graceful_timeout = 30
max_requests = 2000  # recycle workers now and then, bounding any slow leak
max_requests_jitter = 200
# Only the proxy's address is trusted for X-Forwarded-Proto; Obruten reads the client's
# address itself (TRUSTED_PROXY_COUNT), gunicorn does not rewrite it.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
# No access log here: the proxy keeps one without questionnaire tokens, and errors go to
# the journal through Obruten's filtered logging.
accesslog = None
errorlog = "-"


def on_starting(server: object) -> None:
    """Refuse to serve while a deployment check fails with an error, e.g. obruten.E001: a
    password alone would sign in (docs/sign-in.md). Run apart, so the master loads no Django."""
    import subprocess
    import sys

    command = [sys.executable, "-m", "obruten.cli", "check", "--deploy", "--fail-level", "ERROR"]
    if subprocess.run(command, stdout=subprocess.DEVNULL, check=False).returncode:  # noqa: S603
        sys.exit("Obruten: `obruten check --deploy` reports an error (above); not serving.")
