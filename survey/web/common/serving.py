"""A local server for trials and the demo that never writes a respondent's link to the log.

A logged ``/r/<token>`` with its time is enough to tie an answer to a person; the line is kept
with the path replaced.
"""
from __future__ import annotations

import logging
import re
import signal

from werkzeug.serving import WSGIRequestHandler, run_simple

_TOKEN_PATH = re.compile(r"/(r|report)/[^ ?/]+")


def redact(path: str) -> str:
    """A respondent's link (/r/…) or an assessee's report link (/report/…) without its token."""
    return _TOKEN_PATH.sub(lambda m: f"/{m.group(1)}/…", path)


class RedactingFilter(logging.Filter):
    """For a server's own loggers (gunicorn's error log quotes a malformed request line whole):
    every line they write has its links redacted."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True


def redact_server_logs(*names: str) -> None:
    """Redact links in the named loggers (once each, however often an application is built)."""
    for name in names:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactingFilter) for f in logger.filters):
            logger.addFilter(RedactingFilter())


class RedactingHandler(WSGIRequestHandler):
    def log_request(self, code="-", size="-"):
        path = redact(getattr(self, "path", "") or "")
        self.log("info", '"%s %s %s" %s %s', self.command, path, self.request_version, code, size)


def serve(app, host: str, port: int) -> None:
    """Until Ctrl-C or SIGTERM. SIGTERM is what ``kill``, service managers and scripts send, and
    the only one left to stop a server started in the background, where the shell ignores SIGINT;
    without a handler it would end the process without closing the server."""
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        run_simple(host, port, app, threaded=True, request_handler=RedactingHandler)
    finally:
        signal.signal(signal.SIGTERM, previous)


def _interrupt(_signal, _frame):
    raise KeyboardInterrupt  # what Ctrl-C raises: werkzeug's server loop ends on it and closes
