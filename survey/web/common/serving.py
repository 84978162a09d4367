"""A local server for trials and the demo that never writes a respondent's link to the log.

A logged ``/r/<token>`` with its time is enough to tie an answer to a person; the line is kept
with the path replaced.
"""
from __future__ import annotations

import re

from werkzeug.serving import WSGIRequestHandler, run_simple

_TOKEN_PATH = re.compile(r"/(r|report)/[^ ?/]+")


def redact(path: str) -> str:
    """A respondent's link (/r/…) or an assessee's report link (/report/…) without its token."""
    return _TOKEN_PATH.sub(lambda m: f"/{m.group(1)}/…", path)


class RedactingHandler(WSGIRequestHandler):
    def log_request(self, code="-", size="-"):
        path = redact(getattr(self, "path", "") or "")
        self.log("info", '"%s %s %s" %s %s', self.command, path, self.request_version, code, size)


def serve(app, host: str, port: int) -> None:
    run_simple(host, port, app, threaded=True, request_handler=RedactingHandler)
