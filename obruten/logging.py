"""Log filters, on every handler in ``settings.LOGGING``: the questionnaire's one-time
tokens and anything shaped like a personal identity number never reach a log line."""

import logging
import re

_TOKEN_URL = re.compile(r"/q/[^/\s\"']+")
# Ten or twelve digits, with or without - or + before the last four: personnummer and
# samordningsnummer, valid or not (a mistyped number is still personal data).
_PERSONAL_NUMBER = re.compile(r"(?<!\d)(?:\d{2})?\d{6}[-+]?\d{4}(?!\d)")


class _Rewrite(logging.Filter):
    """Rewrites the formatted message, the exception text and the stack of a record."""

    def rewrite(self, text: str) -> str:
        raise NotImplementedError

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # arguments that do not fit the message
            message = f"{record.msg} {record.args}"
        record.msg, record.args = self.rewrite(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.rewrite(record.exc_text)
        if record.stack_info:
            record.stack_info = self.rewrite(record.stack_info)
        return True


class RedactTokens(_Rewrite):
    def rewrite(self, text: str) -> str:
        return _TOKEN_URL.sub("/q/[token]", text) if "/q/" in text else text


class MaskPersonalNumbers(_Rewrite):
    def rewrite(self, text: str) -> str:
        return _PERSONAL_NUMBER.sub("[personnummer]", text)
