"""gunicorn's own error log quotes a malformed request line whole: a link in it, with its time,
would tie a rater to a moment. Every line the server writes has its links redacted."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import select

from conftest import ROOT
from survey.campaigns import tokens
from survey.core.models import Invitation

SECRET = "test-secret-key-not-for-production"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _send(port: int, raw: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(raw)
        return conn.recv(4096)


def test_a_malformed_request_line_leaves_no_link_in_the_server_log(store, open_campaign, database_url, tmp_path):
    with store.transaction() as session:
        token = tokens.sign(SECRET, session.scalars(select(Invitation.key)).first())
    port = _free_port()
    env = {**os.environ, "SURVEY_DATABASE_URL": database_url, "SURVEY_SECRET_KEY": SECRET}
    log = tmp_path / "gunicorn.log"
    with open(log, "w") as out:
        server = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "--workers", "1",
                                   "--log-level", "debug", "--bind", f"127.0.0.1:{port}", "wsgi:app"],
                                  cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        for _ in range(150):
            try:
                if b"200" in _send(port, b"GET /healthz HTTP/1.0\r\n\r\n"):
                    break
            except OSError:
                time.sleep(0.1)
        answers = [_send(port, f"GET /r/{token} HTTP/1.1 junk\r\n\r\n".encode()),
                   _send(port, f"GET /r/{token}\x01 HTTP/1.1\r\nHost: x\r\n\r\n".encode()),
                   _send(port, f"POST /report/{token} HTTP/9.9\r\n\r\n".encode())]
        assert all(a.startswith(b"HTTP/1.1 400") for a in answers), answers
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=20)
    written = log.read_text()
    assert "Invalid" in written, written  # the server did log the bad lines ...
    assert token not in written and token[:20] not in written  # ... without the link
