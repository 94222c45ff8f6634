"""What every benchmark does first: a fresh SQLite file (or DATABASE_URL if set), demo mode,
and Django set up. Import it before anything from Django or Obruten."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
workdir = Path(tempfile.mkdtemp(prefix="obruten-bench-"))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
os.environ.setdefault("SECRET_KEY", "bench-only")
os.environ.setdefault("AUDIT_KEY", "bench-only")
os.environ["DEMO_MODE"] = "1"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "obruten.settings")
os.environ["ALLOWED_HOSTS"] = "testserver"

import django  # noqa: E402

django.setup()
