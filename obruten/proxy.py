"""Obruten behind a reverse proxy: who the client is, and the public address of a link
(docs/production.md)."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest

DEVELOPMENT_BASE_URL = "http://127.0.0.1:8000"


def meta_key(header: str) -> str:
    """``X-Forwarded-For`` → ``HTTP_X_FORWARDED_FOR``, the key of a header in ``request.META``."""
    return "HTTP_" + header.strip().upper().replace("-", "_")


def client_address(request: HttpRequest) -> str:
    """The address of the client: ``REMOTE_ADDR``, or behind ``TRUSTED_PROXY_COUNT`` proxies
    the address the outermost of them saw.

    Each proxy appends the address it was called from to ``TRUSTED_PROXY_HEADER``; only
    the last ``TRUSTED_PROXY_COUNT`` entries were written by our proxies, anything before
    them is the client's own claim and is ignored."""
    remote = str(request.META.get("REMOTE_ADDR", ""))
    hops = settings.TRUSTED_PROXY_COUNT
    if hops <= 0:
        return remote
    header = str(request.META.get(meta_key(settings.TRUSTED_PROXY_HEADER), ""))
    forwarded = [entry.strip() for entry in header.split(",") if entry.strip()]
    if len(forwarded) < hops:
        return remote  # not through all our proxies
    try:
        return str(ipaddress.ip_address(forwarded[-hops]))
    except ValueError:
        return remote


def public_url(path: str, request: HttpRequest | None = None) -> str:
    """``path`` as a link for e-mails and QR codes: under ``OBRUTEN_BASE_URL``, or, when
    that is not set, as the request came in (https when ``SECURE_PROXY_SSL_HEADER`` says so)."""
    if not settings.OBRUTEN_BASE_URL and request is not None:
        return request.build_absolute_uri(path)
    return (settings.OBRUTEN_BASE_URL or DEVELOPMENT_BASE_URL).rstrip("/") + path
