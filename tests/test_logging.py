"""No log line carries a personal identity number or a questionnaire token: tested through
the logging configuration in settings.LOGGING, by reading what its handlers write."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from obruten.logging import MaskPersonalNumbers, RedactTokens

NUMBERS = ["20080804-3103", "200808043103", "080804-3103", "0808043103", "19120212+0000"]


def _configured_handlers() -> list[logging.StreamHandler]:  # type: ignore[type-arg]
    loggers = [logging.getLogger(), logging.getLogger("django.request"), logging.getLogger("django.server")]
    # exactly StreamHandler: pytest's capturing handlers are subclasses
    return [h for lg in loggers for h in lg.handlers if type(h) is logging.StreamHandler]


@pytest.fixture
def written() -> Iterator[io.StringIO]:
    """What the configured handlers write, instead of the console."""
    output = io.StringIO()
    handlers = _configured_handlers()
    assert handlers, "settings.LOGGING configures no console handler"
    old = [handler.setStream(output) for handler in handlers]
    yield output
    for handler, stream in zip(handlers, old, strict=True):
        if stream is not None:
            handler.setStream(stream)


def test_every_configured_handler_masks_numbers_and_tokens() -> None:
    for handler in _configured_handlers():
        kinds = {type(f) for f in handler.filters}
        assert {MaskPersonalNumbers, RedactTokens} <= kinds


@pytest.mark.parametrize("number", NUMBERS)
def test_a_personal_number_in_the_message_or_its_arguments_is_masked(
    written: io.StringIO, number: str
) -> None:
    logger = logging.getLogger("obruten.anything")
    logger.warning(f"looked up {number}")
    logger.warning("looked up %s for %s", number, {"pnr": number})
    logging.getLogger("django.server").warning('"GET /barn/?q=%s HTTP/1.1" 200 512', number)
    text = written.getvalue()
    assert number not in text and number.replace("-", "").replace("+", "") not in text
    assert text.count("[personnummer]") == 4


def test_a_personal_number_in_an_exception_is_masked(written: io.StringIO) -> None:
    try:
        raise ValueError("no child with personal number 20080804-3103")
    except ValueError:
        logging.getLogger("django.request").exception("Internal Server Error: /barn/")
    text = written.getvalue()
    assert "ValueError" in text and "Traceback" in text
    assert "20080804-3103" not in text and "[personnummer]" in text


def test_a_questionnaire_token_is_still_redacted(written: io.StringIO) -> None:
    logging.getLogger("django.request").warning("Not Found: %s", "/q/s3cr3t-t0ken/")
    assert "s3cr3t-t0ken" not in written.getvalue() and "/q/[token]/" in written.getvalue()


def test_other_numbers_are_left_alone(written: io.StringIO) -> None:
    logging.getLogger("obruten.anything").warning("imported %d rows in %s s at 2025-08-04 10:15", 10000, 1.5)
    assert "imported 10000 rows in 1.5 s at 2025-08-04 10:15" in written.getvalue()
