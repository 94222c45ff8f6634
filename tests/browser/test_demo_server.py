"""The server `make run` starts (tests/browser/conftest.py starts it with the Makefile's
RUN_ENV) answers an unknown address with Obruten's own Swedish 404 page, never Django's
English technical page, and still serves its stylesheet."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest

pytestmark = pytest.mark.browser


def test_an_unknown_address_gets_the_swedish_404_page(server: str) -> None:
    with pytest.raises(urllib.error.HTTPError) as answer:
        urllib.request.urlopen(f"{server}/finns-inte/")  # noqa: S310 (our own test server)
    assert answer.value.code == 404
    page = answer.value.read().decode()
    assert "<h1>Sidan finns inte</h1>" in page
    assert "Page not found" not in page and "DEBUG = True" not in page and "URLconf" not in page


def test_the_demo_server_serves_its_stylesheet(server: str) -> None:
    with urllib.request.urlopen(f"{server}/static/obruten/obruten.css") as answer:  # noqa: S310
        assert answer.status == 200
        assert b"font-family" in answer.read()
