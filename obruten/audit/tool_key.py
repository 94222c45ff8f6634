"""A throwaway audit key for tools that import the settings but serve nothing: the test
runner and mypy's Django plugin. A deployment still refuses to start without AUDIT_KEY.

Loaded by pytest with ``-p obruten.audit.tool_key`` (before pytest-django reads the
settings) and by mypy as a plugin listed before django-stubs' (pyproject.toml)."""

from __future__ import annotations

import os
import secrets
from typing import Any

if not (os.environ.get("AUDIT_KEY") or os.environ.get("AUDIT_KEY_FILE")):
    os.environ["AUDIT_KEY"] = "tool-only-" + secrets.token_hex(16)


def plugin(version: str) -> Any:
    """mypy's plugin entry point: this plugin adds no hooks."""
    from mypy.plugin import Plugin

    return Plugin
