"""Log filters: the questionnaire's one-time tokens never reach a log line."""

import logging
import re

_TOKEN_URL = re.compile(r"/q/[^/\s\"']+")


class RedactTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "/q/" in message:
            record.msg, record.args = _TOKEN_URL.sub("/q/[token]", message), None
        return True
